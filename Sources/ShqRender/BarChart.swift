import ShqStore

/// Horizontal bars for counts: `label  bar  count  failed%`, the bar scaled so the largest count fills the
/// room the width leaves, its failed share drawn at its end (ChartStyle.bar). Long labels are cut at the
/// end, or with `keepEnd` (directories, whose last components tell them apart) at the start.
enum BarChart {
    static func lines(_ rows: [HistoryStats.Count], width: Int, style: ChartStyle, keepEnd: Bool = false) -> [String] {
        guard let maximum = rows.map(\.count).max() else { return [] }
        let countWidth = String(maximum).count
        let labels = rows.map { $0.key.singleLine }
        // Labels take up to a quarter of the width (at least 6 columns); the bar what is left, at least 4.
        let labelWidth = min(labels.map(\.displayWidth).max() ?? 0, max(6, width / 4))
        let barWidth = max(4, width - labelWidth - countWidth - 8)
        return zip(rows, labels).map { row, label in
            let cut = keepEnd ? label.truncatedAtStart(toWidth: labelWidth) : label.truncated(toWidth: labelWidth)
            let (cells, failedCells) = ChartStyle.cells(row.count, failed: row.failed, maximum: maximum, width: barWidth)
            let bar = style.bar(cells: cells, failedCells: failedCells) + String(repeating: " ", count: barWidth - cells)
            let count = String(row.count)
            return cut.padding(labelWidth) + " " + bar + " "
                + String(repeating: " ", count: countWidth - count.count) + count + " " + percent(row.failed, of: row.count)
        }.map { $0.trailingSpacesRemoved }
    }

    /// The failed share as ` 12%`, `<1%` for a few failures among many; blank without failures.
    static func percent(_ failed: Int64, of count: Int64) -> String {
        guard failed > 0, count > 0 else { return "    " }
        let share = Int((Double(failed) * 100 / Double(count)).rounded())
        let text = share == 0 ? "<1%" : "\(share)%"
        return String(repeating: " ", count: max(0, 4 - text.count)) + text
    }
}
