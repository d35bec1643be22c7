import ShqStore

/// RFC 4180 CSV: fields with a comma, quote, CR or LF are quoted, quotes doubled; lines end in CRLF.
/// Invalid UTF-8 becomes U+FFFD, as in JSON.
public enum CSVText {
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
        var out = "\""
        for char in text { out += char == "\"" ? "\"\"" : String(char) }
        return out + "\""
    }

    public static func row(_ fields: [String?]) -> String {
        fields.map { $0.map(field) ?? "" }.joined(separator: ",") + "\r\n"
    }
}

extension Invocation {
    /// CSV columns: the JSON record's keys, in the same order.
    public static let csvHeader = CSVText.row([
        "id", "cmd", "cwd", "started_at", "ended_at", "duration_ms", "exit_code", "signal", "status", "session",
        "source", "stdout_bytes", "stderr_bytes",
    ])

    public var csvRow: String {
        CSVText.row([
            id, cmdText, cwdText, startedAt.iso8601, endedAt?.iso8601,
            durationMicros.map { Self.millisecondsText($0) }, exitCode.map(String.init), signal.map(String.init),
            status.rawValue, session, source.rawValue, String(stdoutBytes ?? 0), String(stderrBytes ?? 0),
        ])
    }
}
