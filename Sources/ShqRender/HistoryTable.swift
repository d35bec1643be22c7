import ShqQuery
import ShqStore
import ShqSystem

/// The table `shq history` prints.
public enum HistoryTable {
    /// Oldest at the top, newest last (next to the prompt). With `colour`: failures red, ids dim. No rows,
    /// no output (not even the header), so `[ -z "$(shq history …)" ]` works. `width`: the terminal's,
    /// commands are cut to it (`Table.render`). Ids are cut after `idDigits` hex digits (`Store.uniqueIDDigits`).
    public static func render(_ rows: [Invocation], width: Int? = nil, colour: Bool = false, idDigits: Int = 32) -> String {
        if rows.isEmpty { return "" }
        var table = Table(headers: ["ID", "STARTED", "DURATION", "EXIT", "COMMAND"])
        let shown = Array(rows.reversed())
        for row in shown {
            table.add([
                InvocationID.abbreviated(row.id, digits: idDigits),
                row.startedAt.localDisplay,
                row.durationMicros.map { DurationText.format(micros: $0) } ?? "-",
                exitText(row),
                row.cmdText.singleLine,
            ])
        }
        guard colour else { return table.render(width: width) }
        return table.render(width: width) { row, column in
            if row < 0 { return .bold }
            switch column {
            case 0, 1: return .dim
            case 3: return shown[row].isFailure ? .red : nil
            default: return nil
            }
        }
    }

    /// `0`, `1`, `SIGINT`, `running`, … — how the command ended, in one cell.
    public static func exitText(_ row: Invocation) -> String {
        if let signal = row.signal { return SignalName.name(of: signal) }
        if let code = row.exitCode { return String(code) }
        return row.status.isLive || row.status == .orphaned || row.status == .interrupted ? row.status.rawValue : "-"
    }
}
