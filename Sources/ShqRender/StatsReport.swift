import ShqQuery
import ShqStore

/// The parts of `shq stats`, for `--only`: each a picture in the report; the tables among them also CSV.
public enum StatsSection: String, Sendable, CaseIterable {
    case summary, programs, directories, calendar, hours, durations, slowest, days

    /// Those whose figures are one table (CSV rows).
    public static let tables: [StatsSection] = [.programs, .directories, .days, .hours, .durations]
}

/// The picture and the figures of `HistoryStats`: bars, a calendar, hour strips and a duration
/// histogram on a terminal (ChartStyle), every figure behind them in JSON, the tables in CSV.
extension HistoryStats {
    /// The report at `width` columns (80 when not on a terminal); the calendar covers the weeks up to the
    /// newest command counted; the per-day bars show the last `days` days with commands; command lines in
    /// the slowest table are cut to `tableWidth` (nil: whole) and ids after `idDigits`.
    public func text(width: Int = 80, style: ChartStyle, only: StatsSection? = nil, days: Int = 14,
                     tableWidth: Int? = nil, idDigits: Int = 32) -> String {
        var sections: [String] = []
        func add(_ section: StatsSection, _ title: String, note: String = "", _ lines: [String]) {
            guard only == nil || only == section, !lines.isEmpty else { return }
            let heading = title.isEmpty ? [] : [style.heading(title) + note]
            sections.append((heading + lines).joined(separator: "\n") + "\n")
        }
        add(.summary, "", summaryLines(style))
        // The legend beside the first bars, when it fits.
        let legend = width >= 44 ? " " + style.dim("(" + style.bar(cells: 1, failedCells: 0) + " commands, " + style.bar(cells: 1, failedCells: 1) + " failed share)") : ""
        add(.programs, "top programs", note: legend, BarChart.lines(topPrograms, width: width, style: style))
        add(.directories, "busiest directories", BarChart.lines(topDirectories, width: width, style: style, keepEnd: true))
        if let last, let newest = perDay.last {
            add(.calendar, "activity, \(CalendarHeatMap.weeks(width: width)) weeks to \(newest.key)",
                CalendarHeatMap.lines(perDay, today: HistoryStats.localDay(last), width: width, style: style))
        }
        add(.hours, "hour of day", total == 0 ? [] : HourStrip.lines(perHour, width: width, style: style))
        add(.durations, "durations  " + DurationHistogram.summary(durations), DurationHistogram.lines(durations, width: width, style: style))
        if !slowest.isEmpty {
            var table = Table(headers: ["DURATION", "ID", "COMMAND"])
            for i in slowest {
                table.add([DurationText.format(micros: i.durationMicros ?? 0), InvocationID.abbreviated(i.id, digits: idDigits), i.cmdText.singleLine])
            }
            add(.slowest, "slowest", table.render(width: tableWidth).split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast())
        }
        add(.days, "per day (last \(days) with commands)", BarChart.lines(Array(perDay.suffix(days)), width: width, style: style))
        return sections.joined(separator: "\n")
    }

    func summaryLines(_ style: ChartStyle) -> [String] {
        let percent = Double(Int((failureRate * 1000).rounded())) / 10
        var lines = [style.heading("commands") + "   \(total)  (\(failed) failed, \(percent)%)  in \(Self.count(sessions, "session"))"]
        if let first, let last { lines.append(style.heading("period") + "     \(first.localDisplay) – \(last.localDisplay)") }
        lines.append(style.heading("time") + "       \(DurationText.format(micros: totalDurationMicros)) in recorded commands")
        if runJobs > 0 {
            let wall = DurationText.format(micros: runWallMicros)
            lines.append(style.heading("shq run") + "    \(Self.count(runJobs, "job")): \(wall) wall, " + (runStoppedMicros == 0
                ? "never stopped"
                : "\(DurationText.format(micros: runActiveMicros)) active, \(DurationText.format(micros: runStoppedMicros)) stopped"))
        }
        return lines
    }

    public var json: String {
        func counts(_ items: [Count], _ name: String) -> String {
            "[" + items.map { "{\(JSONText.quote(name)):\(JSONText.quote($0.key)),\"count\":\($0.count),\"failed\":\($0.failed)}" }
                .joined(separator: ",") + "]"
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
            ("per_hour", "[" + perHour.map { "{\"hour\":\(Int($0.key) ?? 0),\"count\":\($0.count),\"failed\":\($0.failed)}" }.joined(separator: ",") + "]"),
            ("durations", durationsJSON),
            ("run_jobs", "{\"count\":\(runJobs),\"wall_ms\":\(Invocation.millisecondsText(runWallMicros)),"
                + "\"active_ms\":\(Invocation.millisecondsText(runActiveMicros)),"
                + "\"stopped_ms\":\(Invocation.millisecondsText(runStoppedMicros))}"),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
    }

    /// Buckets with their bounds in ms (`min_ms` inclusive, `max_ms` exclusive, null when open).
    var durationsJSON: String {
        let bounds = Durations.bounds
        let buckets = durations.buckets.indices.map { index in
            let low = index == 0 ? "0" : Invocation.millisecondsText(bounds[index - 1])
            let high = index < bounds.count ? Invocation.millisecondsText(bounds[index]) : "null"
            return "{\"label\":\(JSONText.quote(DurationHistogram.labels[index])),\"min_ms\":\(low),\"max_ms\":\(high),\"count\":\(durations.buckets[index])}"
        }
        return "{\"median_ms\":\(durations.medianMicros.map { Invocation.millisecondsText($0) } ?? "null"),"
            + "\"p90_ms\":\(durations.p90Micros.map { Invocation.millisecondsText($0) } ?? "null"),"
            + "\"buckets\":[" + buckets.joined(separator: ",") + "]}"
    }

    /// One table section as CSV (a header, then a row per entry).
    public func csv(_ section: StatsSection) -> String? {
        func rows(_ key: String, _ items: [Count]) -> String {
            CSVText.row([key, "count", "failed"]) + items.map { CSVText.row([$0.key, String($0.count), String($0.failed)]) }.joined()
        }
        switch section {
        case .programs: return rows("program", topPrograms)
        case .directories: return rows("cwd", topDirectories)
        case .days: return rows("day", perDay)
        case .hours: return rows("hour", perHour)
        case .durations:
            return CSVText.row(["bucket", "count"]) + zip(DurationHistogram.labels, durations.buckets).map { CSVText.row([$0, String($1)]) }.joined()
        case .summary, .calendar, .slowest: return nil
        }
    }

    /// `1 session`, `2 sessions`.
    static func count(_ number: some BinaryInteger, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
