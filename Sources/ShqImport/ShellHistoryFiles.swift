import Glibc
import ShqStore
import ShqSystem

/// A history kept in a text file: read and parsed whole before the import writes.
public protocol HistoryFileImporter: HistoryImporter {
    /// The commands in the file's bytes; `fallbackTime` dates entries before any timestamp.
    static func parse(_ data: [UInt8], fallbackTime: Timestamp) -> [ImportedCommand]
}

extension HistoryFileImporter {
    /// Refuses a file in the other shell's format. Lines of a file without any timestamp go before every
    /// recorded command (counting back a second each from the oldest), not at the file's time: they are
    /// older than the commands recorded since. The file's time serves for an empty store.
    public func open(_ path: String, oldestRecorded: () throws -> Timestamp?) throws -> ImportSource {
        let (bytes, modified) = try ShellHistoryFile.read(path)
        if let mismatch = ShellHistoryFile.mismatch(bytes, as: format) {
            throw StoreError("import \(format.rawValue): \(path)", mismatch)
        }
        return ImportSource(Self.parse(bytes, fallbackTime: try oldestRecorded() ?? modified))
    }
}

/// bash's history file: `#epoch` comment lines (written when HISTTIMEFORMAT is set) give the times.
public struct BashHistoryImporter: HistoryFileImporter {
    public init() {}

    public var format: ImportFormat { .bash }

    /// Entries without a timestamp take the last timestamp seen before them (plus a microsecond per
    /// entry, to keep their order).
    public static func parse(_ data: [UInt8], fallbackTime: Timestamp) -> [ImportedCommand] {
        var entries: [(time: Int64?, lines: [ArraySlice<UInt8>], line: Int)] = []
        var pendingTime: Int64?
        for (number, line) in data.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            if let epoch = ShellHistoryFile.epochComment(line) {
                pendingTime = epoch
                entries.append((epoch, [], number))
                continue
            }
            if line.isEmpty { continue }
            if pendingTime != nil, let last = entries.indices.last, entries[last].time != nil {
                entries[last].lines.append(line)  // a multi-line command (lithist) continues its entry
            } else {
                entries.append((nil, [line], number))
            }
        }
        var raw: [(Int64?, [UInt8], Int)] = []
        for entry in entries where !entry.lines.isEmpty {
            raw.append((entry.time, Array(entry.lines.joined(separator: [10])), entry.line))
        }
        return ShellHistoryFile.timed(raw, fallbackTime: fallbackTime)
    }
}

/// zsh's history file: EXTENDED_HISTORY lines `: start:elapsed;command` give times and durations.
public struct ZshHistoryImporter: HistoryFileImporter {
    public init() {}

    public var format: ImportFormat { .zsh }

    /// zsh writes embedded newlines as `\` + newline and "metafies" bytes 0x83–0xA2 as 0x83, byte ^ 0x20.
    public static func parse(_ data: [UInt8], fallbackTime: Timestamp) -> [ImportedCommand] {
        let bytes = ShellHistoryFile.unmetafy(data)
        var raw: [(Int64?, [UInt8], Int)] = []
        var current: [UInt8]? = nil
        var currentTime: Int64?
        var currentDuration: Int64?
        var durations: [Int: Int64] = [:]
        var startLine = 0
        func flush() {
            if let text = current, !text.isEmpty {
                if let currentDuration { durations[raw.count] = currentDuration }
                raw.append((currentTime, text, startLine))
            }
            current = nil
        }
        for (number, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            var text = Array(line)
            if current == nil {
                startLine = number
                currentTime = nil
                currentDuration = nil
                if let (start, elapsed, command) = ShellHistoryFile.extendedHeader(text) {
                    currentTime = start
                    currentDuration = elapsed
                    text = command
                }
                current = []
            } else {
                current!.append(10)
            }
            if text.last == UInt8(ascii: "\\") {
                text.removeLast()
                current! += text
                continue
            }
            current! += text
            flush()
        }
        flush()
        var commands = ShellHistoryFile.timed(raw, fallbackTime: fallbackTime)
        for (index, micros) in durations { commands[index].durationMicros = micros }
        return commands
    }
}

/// What the bash, zsh and fish readers share: reading the file, timing untimed entries.
enum ShellHistoryFile {
    /// `: 1700000000:12;command` → (start, elapsed µs, command).
    static func extendedHeader(_ line: [UInt8]) -> (Int64, Int64, [UInt8])? {
        guard line.count > 4, line[0] == UInt8(ascii: ":"), line[1] == UInt8(ascii: " "),
              let colon = line[2...].firstIndex(of: UInt8(ascii: ":")),
              let semicolon = line[colon...].firstIndex(of: UInt8(ascii: ";")),
              let start = Int64(String(decoding: line[2..<colon], as: UTF8.self)),
              let elapsed = Int64(String(decoding: line[(colon + 1)..<semicolon], as: UTF8.self))
        else { return nil }
        return (start, elapsed * 1_000_000, Array(line[(semicolon + 1)...]))
    }

    static func unmetafy(_ data: [UInt8]) -> [UInt8] {
        guard data.contains(0x83) else { return data }
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var meta = false
        for byte in data {
            if meta { out.append(byte ^ 0x20); meta = false } else if byte == 0x83 { meta = true } else { out.append(byte) }
        }
        return out
    }

    static func epochComment(_ line: ArraySlice<UInt8>) -> Int64? {
        guard line.count > 1, line.first == UInt8(ascii: "#"),
              line.dropFirst().allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(String(decoding: line.dropFirst(), as: UTF8.self))
    }

    /// Turns (epoch seconds?, text, line number) into commands with times and stable identities.
    static func timed(_ raw: [(Int64?, [UInt8], Int)], fallbackTime: Timestamp) -> [ImportedCommand] {
        var counter = OccurrenceCounter()
        var lastTime: Int64?
        var sinceLast: Int64 = 0
        let leadingUntimed = Int64(raw.prefix { $0.0 == nil }.count)
        // Untimed entries before any timestamp count back a second each from the first timestamp, or,
        // in a file without any, from `fallbackTime` (the importer passes the store's oldest record).
        let anchor = raw.lazy.compactMap { $0.0 }.first.map { $0 * 1_000_000 } ?? fallbackTime.microseconds
        var commands: [ImportedCommand] = []
        commands.reserveCapacity(raw.count)
        for (index, (epoch, text, line)) in raw.enumerated() {
            let identity: UInt64
            let micros: Int64
            if let epoch {
                lastTime = epoch * 1_000_000
                sinceLast = 0
                micros = lastTime!
                identity = counter.identity(ImportKey.hash(text, from: ImportKey.hash("\(epoch)\u{0}".utf8)))
            } else {
                // Untimed: the line number identifies it (a file that only grows keeps its numbers).
                sinceLast += 1
                micros = lastTime.map { $0 + sinceLast } ?? anchor - (leadingUntimed - Int64(index)) * 1_000_000
                identity = ImportKey.hash(text, from: ImportKey.hash("line \(line)\u{0}".utf8))
            }
            commands.append(ImportedCommand(cmd: text, startedAt: Timestamp(microseconds: micros), identity: identity))
        }
        return commands
    }

    /// Why `data` cannot be a `format` history, or nil if it can be: the other shell's timestamp lines
    /// and none of its own (plain lines fit both), or an SQLite database. Importing a file in the wrong
    /// format would store timestamps as commands.
    public static func mismatch(_ data: [UInt8], as format: ImportFormat) -> String? {
        if data.starts(with: Array("SQLite format 3\u{0}".utf8)) {
            return "it is an SQLite database, not a \(format.rawValue) history file: try zsh-histdb or atuin"
        }
        let fish = FishHistoryImporter.looksLikeFish(data)
        if format != .fish, fish {
            return "it looks like a fish history ('- cmd:' entries), not \(format.rawValue)'s: try shq import fish"
        }
        if format == .fish, !fish, data.contains(where: { $0 != 10 && $0 != 32 }) {
            return "it is not a fish history: fish's starts with a '- cmd:' line"
        }
        var bashTimes = 0, zshTimes = 0
        for line in data.split(separator: 10) {
            if epochComment(line) != nil { bashTimes += 1 }
            if line.first == UInt8(ascii: ":"), extendedHeader(Array(line)) != nil { zshTimes += 1 }
        }
        switch format {
        case .zsh where bashTimes > 0 && zshTimes == 0:
            return "it looks like a bash history (#epoch timestamp lines), not zsh's: try shq import bash"
        case .bash where zshTimes > 0 && bashTimes == 0:
            return "it looks like a zsh history (': start:elapsed;command' lines), not bash's: try shq import zsh"
        default:
            return nil
        }
    }

    /// The whole file, and its modification time.
    public static func read(_ path: String) throws -> (bytes: [UInt8], modified: Timestamp) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(path, errnoDescription(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError(path, errnoDescription(errno)) }
        let bytes: [UInt8]
        do { bytes = try readAll(fd: fd, sizeHint: Int(info.st_size)) } catch { throw StoreError(path, "\(error)") }
        let modified = Timestamp(microseconds: Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1000)
        return (bytes, modified)
    }
}
