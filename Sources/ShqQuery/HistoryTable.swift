import ShqStore

/// The table `shq history` prints.
public enum HistoryTable {
    public static func render(_ rows: [Invocation]) -> String {
        var table = Table(headers: ["ID", "STARTED", "DURATION", "EXIT", "COMMAND"])
        for row in rows.reversed() {
            table.add([
                String(row.id.prefix(13)),
                row.startedAt.localDisplay,
                row.durationMicros.map { DurationText.format(micros: $0) } ?? "-",
                exitText(row),
                row.cmdText.singleLine,
            ])
        }
        return table.render()
    }

    /// `0`, `1`, `SIGINT`, `running`, … — how the command ended, in one cell.
    public static func exitText(_ row: Invocation) -> String {
        if let signal = row.signal { return SignalName.name(of: signal) }
        if let code = row.exitCode { return String(code) }
        return row.status.isLive || row.status == .orphaned || row.status == .interrupted ? row.status.rawValue : "-"
    }
}
