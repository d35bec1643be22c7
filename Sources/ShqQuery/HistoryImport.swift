import ShqPrivacy
import ShqStore

/// Another tool's history, read into shq's records. Each command carries a key derived from what
/// identifies it in its source (a timestamp and text, a row id, a uuid), so importing the same history
/// twice adds nothing, and importing a grown file adds only the new commands.
public enum ImportFormat: String, CaseIterable, Sendable {
    case bash, zsh
    case zshHistdb = "zsh-histdb"
    case atuin
}

/// One command read from a foreign history, before it is stored.
public struct ImportedCommand: Equatable, Sendable {
    public var cmd: [UInt8]
    public var startedAt: Timestamp
    public var durationMicros: Int64?
    public var exitCode: Int32?
    public var cwd: [UInt8]?
    public var host: String?
    public var user: String?
    public var session: String?
    /// Stable within the source: becomes the record's `import_key`.
    public var identity: String

    public init(cmd: [UInt8], startedAt: Timestamp, durationMicros: Int64? = nil, exitCode: Int32? = nil,
                cwd: [UInt8]? = nil, host: String? = nil, user: String? = nil, session: String? = nil, identity: String) {
        self.cmd = cmd
        self.startedAt = startedAt
        self.durationMicros = durationMicros
        self.exitCode = exitCode
        self.cwd = cwd
        self.host = host
        self.user = user
        self.session = session
        self.identity = identity
    }
}

/// What an import did.
public struct ImportSummary: Equatable, Sendable {
    public var read = 0
    public var added = 0
    /// Already in the store from an earlier import.
    public var alreadyPresent = 0
    /// Refused by the recording policy (ignore rules, secrets).
    public var skipped = 0
}

extension Store {
    /// Stores `commands` through the recording policy, in transactions of `batchSize`, reporting
    /// progress as (done, total) after each batch.
    public func importHistory(
        _ commands: [ImportedCommand], format: ImportFormat, batchSize: Int = 10_000,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> ImportSummary {
        var summary = ImportSummary(read: commands.count)
        var start = 0
        while start < commands.count {
            let batch = commands[start..<min(start + batchSize, commands.count)]
            try db.writeTransaction { () throws in
                for command in batch {
                    guard case .record(let cmd) = RecordingPolicy.decide(command.cmd, entryPoint: .import) else {
                        summary.skipped += 1
                        continue
                    }
                    if try insert(Self.invocation(from: command, cmd: cmd, format: format)) == nil {
                        summary.alreadyPresent += 1
                    } else {
                        summary.added += 1
                    }
                }
            }
            start += batch.count
            progress(start, commands.count)
        }
        return summary
    }

    static func invocation(from command: ImportedCommand, cmd: [UInt8], format: ImportFormat) -> Invocation {
        let status: InvocationStatus = command.exitCode.map { $0 == 0 ? .completed : .failed } ?? .completed
        return Invocation(
            id: InvocationID.make(at: command.startedAt), session: command.session, cmd: cmd, cwd: command.cwd,
            host: command.host, user: command.user, source: .import, startedAt: command.startedAt,
            endedAt: command.durationMicros.map { Timestamp(microseconds: command.startedAt.microseconds + $0) },
            durationMicros: command.durationMicros, exitCode: command.exitCode, status: status,
            importKey: ImportKey.make(format: format, identity: command.identity))
    }
}

/// A letter for the format (b, z, h, a) and 11 base64url digits of a 64-bit FNV-1a hash of the identity:
/// 12 bytes, because the key is stored and indexed once per imported command. 64 bits make a collision
/// among a million imported commands about a 1-in-30-million event.
enum ImportKey {
    static func make(format: ImportFormat, identity: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in identity.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var key = String(format.keyLetter)
        for shift in stride(from: 60, through: 0, by: -6) { key.append(digits[Int((hash >> UInt64(shift)) & 63)]) }
        return key
    }
}

extension ImportFormat {
    var keyLetter: Character {
        switch self {
        case .bash: "b"
        case .zsh: "z"
        case .zshHistdb: "h"
        case .atuin: "a"
        }
    }
}

/// Counts repeats of the same identity, so two identical commands in the same second stay two records.
struct OccurrenceCounter {
    private var seen: [String: Int] = [:]

    mutating func identity(_ base: String) -> String {
        let count = seen[base, default: 0]
        seen[base] = count + 1
        return count == 0 ? base : base + "\u{0}#\(count)"
    }
}
