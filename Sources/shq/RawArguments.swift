/// The command line as raw bytes. `CommandLine.arguments` repairs invalid UTF-8 into U+FFFD; commands and
/// paths must be stored exactly as given, so values are looked up again in the untouched argv.
enum RawArguments {
    static let all: [[UInt8]] = (0..<Int(CommandLine.argc)).map { index in
        guard let pointer = CommandLine.unsafeArgv[index] else { return [] }
        var bytes: [UInt8] = []
        var cursor = pointer
        while cursor.pointee != 0 {
            bytes.append(UInt8(bitPattern: cursor.pointee))
            cursor += 1
        }
        return bytes
    }

    /// The raw bytes of the argument that decodes to `value` (after an optional `--option=` prefix).
    static func bytes(of value: String) -> [UInt8] {
        let wanted = Array(value.utf8)
        guard value.unicodeScalars.contains("\u{FFFD}") else { return wanted }
        for raw in all {
            if String(decoding: raw, as: UTF8.self) == value { return raw }
            if let equals = raw.firstIndex(of: UInt8(ascii: "=")), raw.first == UInt8(ascii: "-"),
               String(decoding: raw[(equals + 1)...], as: UTF8.self) == value {
                return Array(raw[(equals + 1)...])
            }
        }
        return wanted
    }
}
