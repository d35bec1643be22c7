import ShqStore

/// fish's history file (`~/.local/share/fish/fish_history`, or `<name>_history` for `fish_history=name`):
/// a YAML-like list, one entry per command, written by fish itself:
///
///     - cmd: git commit -m \"x\"\\nmore
///       when: 1700000000
///       paths:
///         - src/main.c
///
/// `cmd` is the line with `\` written `\\` and a newline written `\n` (nothing else is escaped); `when` is
/// the time in whole seconds. `paths` lists the arguments fish found to be existing files when the
/// command ran (for its autosuggestions): not the directory it ran in, so it is not stored. Unknown keys
/// are skipped, as fish skips them.
public struct FishHistoryImporter: HistoryFileImporter {
    public init() {}

    public var format: ImportFormat { .fish }

    public static func parse(_ data: [UInt8], fallbackTime: Timestamp) -> [ImportedCommand] {
        var raw: [(Int64?, [UInt8], Int)] = []
        var current: (cmd: [UInt8], when: Int64?, line: Int)?
        func flush() {
            if let entry = current, !entry.cmd.isEmpty { raw.append((entry.when, entry.cmd, entry.line)) }
            current = nil
        }
        for (number, line) in data.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            if let value = value(of: "- cmd:", in: line) {
                flush()
                current = (unescape(value), nil, number)
            } else if current != nil, let value = value(of: "  when:", in: line) {
                current!.when = Int64(String(decoding: value, as: UTF8.self))
            }
            // `  paths:`, its `    - path` items and any other key: skipped.
        }
        flush()
        return ShellHistoryFile.timed(raw, fallbackTime: fallbackTime)
    }

    /// The text after `key` (and one space) when `line` starts with it.
    static func value(of key: String, in line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let prefix = Array(key.utf8)
        guard line.starts(with: prefix) else { return nil }
        var rest = line.dropFirst(prefix.count)
        if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
        return rest
    }

    /// `\\` → `\`, `\n` → newline; any other backslash stays as it is (fish writes no other escape).
    static func unescape(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var escaped = false
        for byte in text {
            if escaped {
                switch byte {
                case UInt8(ascii: "\\"): out.append(byte)
                case UInt8(ascii: "n"): out.append(10)
                default: out += [UInt8(ascii: "\\"), byte]
                }
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(byte)
            }
        }
        if escaped { out.append(UInt8(ascii: "\\")) }
        return out
    }

    /// Whether `data` reads as a fish history: its first line that is not blank opens an entry.
    static func looksLikeFish(_ data: [UInt8]) -> Bool {
        guard let first = data.split(separator: 10).first(where: { !$0.allSatisfy { $0 == 32 } }) else { return false }
        return value(of: "- cmd:", in: first) != nil
    }
}
