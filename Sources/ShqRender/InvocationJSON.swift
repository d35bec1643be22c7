import ShqStore

/// The JSON form of a record, the contract for scripts. Keys in this order:
/// `id, cmd, cwd, started_at, ended_at, duration_ms, exit_code, signal, status, session, source,
/// stdout_bytes, stderr_bytes` (ISO 8601 UTC times, null where unknown).
extension Invocation {
    public var jsonObject: String {
        let duration = durationMicros.map { Self.millisecondsText($0) } ?? "null"
        let fields: [(String, String)] = [
            ("id", JSONText.quote(id)),
            ("cmd", JSONText.quote(cmd)),
            ("cwd", cwd.map { JSONText.quote($0) } ?? "null"),
            ("started_at", JSONText.quote(startedAt.iso8601)),
            ("ended_at", JSONText.value(endedAt?.iso8601)),
            ("duration_ms", duration),
            ("exit_code", JSONText.value(exitCode)),
            ("signal", JSONText.value(signal)),
            ("status", JSONText.quote(status.rawValue)),
            ("session", JSONText.value(session)),
            ("source", JSONText.quote(source.rawValue)),
            ("stdout_bytes", JSONText.value(stdoutBytes ?? 0)),
            ("stderr_bytes", JSONText.value(stderrBytes ?? 0)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// Microseconds as a millisecond number with up to 3 decimals (`1234.5`).
    static func millisecondsText(_ micros: Int64) -> String {
        let whole = micros / 1000
        let fraction = abs(micros % 1000)
        if fraction == 0 { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return (micros < 0 && whole == 0 ? "-" : "") + String(whole) + "." + digits
    }
}
