import ShqQuery
import ShqStore

/// The text and JSON forms of `HistoryStats`.
extension HistoryStats {
    /// Sections of aligned tables; the per-day table shows the last `days` days with commands. Commands and
    /// directories are cut to `width` if given; ids after `idDigits`.
    public func text(days: Int = 14, width: Int? = nil, colour: Bool = false, idDigits: Int = 32) -> String {
        func heading(_ title: String) -> String { colour ? ANSIColour.bold.wrap(title) : title }
        let percent = Double(Int((failureRate * 1000).rounded())) / 10
        var lines = [
            heading("commands") + "   \(total)  (\(failed) failed, \(percent)%)  in \(Self.count(sessions, "session"))",
        ]
        if let first, let last { lines.append(heading("period") + "     \(first.localDisplay) – \(last.localDisplay)") }
        lines.append(heading("time") + "       \(DurationText.format(micros: totalDurationMicros)) in recorded commands")
        if runJobs > 0 {
            let wall = DurationText.format(micros: runWallMicros)
            lines.append(heading("shq run") + "    \(Self.count(runJobs, "job")): \(wall) wall, " + (runStoppedMicros == 0
                ? "never stopped"
                : "\(DurationText.format(micros: runActiveMicros)) active, \(DurationText.format(micros: runStoppedMicros)) stopped"))
        }
        var text = lines.joined(separator: "\n") + "\n"
        func section(_ title: String, _ headers: [String], _ rows: [[String]]) {
            guard !rows.isEmpty else { return }
            var table = Table(headers: headers)
            rows.forEach { table.add($0) }
            text += "\n" + heading(title) + "\n" + table.render(width: width)
        }
        section("top programs", ["COUNT", "PROGRAM"], topPrograms.map { [String($0.count), $0.key.singleLine] })
        section("busiest directories", ["COUNT", "DIRECTORY"], topDirectories.map { [String($0.count), $0.key.singleLine] })
        section("slowest", ["DURATION", "ID", "COMMAND"], slowest.map {
            [DurationText.format(micros: $0.durationMicros ?? 0), InvocationID.abbreviated($0.id, digits: idDigits), $0.cmdText.singleLine]
        })
        section("per day (last \(days) with commands)", ["DAY", "COUNT"], perDay.suffix(days).map { [$0.key, String($0.count)] })
        return text
    }

    public var json: String {
        func counts(_ items: [Count], _ name: String) -> String {
            "[" + items.map { "{\(JSONText.quote(name)):\(JSONText.quote($0.key)),\"count\":\($0.count)}" }.joined(separator: ",") + "]"
        }
        let fields: [(String, String)] = [
            ("total", String(total)),
            ("failed", String(failed)),
            ("failure_rate", String(failureRate)),
            ("sessions", String(sessions)),
            ("first", JSONText.value(first?.iso8601)),
            ("last", JSONText.value(last?.iso8601)),
            ("duration_ms", Invocation.millisecondsText(totalDurationMicros)),
            ("top_programs", counts(topPrograms, "program")),
            ("busiest_directories", counts(topDirectories, "cwd")),
            ("slowest", "[" + slowest.map(\.jsonObject).joined(separator: ",") + "]"),
            ("per_day", counts(perDay, "day")),
            ("run_jobs", "{\"count\":\(runJobs),\"wall_ms\":\(Invocation.millisecondsText(runWallMicros)),"
                + "\"active_ms\":\(Invocation.millisecondsText(runActiveMicros)),"
                + "\"stopped_ms\":\(Invocation.millisecondsText(runStoppedMicros))}"),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
    }

    /// `1 session`, `2 sessions`.
    static func count(_ number: some BinaryInteger, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
