import ShqStore

/// When commands run and when they fail, by local hour of the day: two strips of 24 cells (two columns
/// per hour when the width allows), one scaled to the busiest hour, one to the highest failure share.
enum HourStrip {
    static let labelWidth = 10

    static func lines(_ perHour: [HistoryStats.Count], width: Int, style: ChartStyle) -> [String] {
        guard perHour.count == 24 else { return [] }
        let cell = width >= labelWidth + 48 ? 2 : 1
        let busiest = perHour.map(\.count).max() ?? 0
        let shares = perHour.map { $0.count == 0 ? 0 : Double($0.failed) / Double($0.count) }
        let worst = shares.max() ?? 0
        func level(_ value: Double, _ maximum: Double) -> Int {
            value <= 0 || maximum <= 0 ? 0 : max(1, Int((value / maximum * 8).rounded()))
        }
        var axis = "", commands = "", failed = ""
        for hour in 0..<24 {
            axis += hour % 3 == 0 ? String(hour).padding(cell * 3) : ""
            commands += String(repeating: style.spark(level(Double(perHour[hour].count), Double(busiest))), count: cell)
            failed += String(repeating: style.spark(level(shares[hour], worst), alarm: true), count: cell)
        }
        let peak = shares.indices.max { shares[$0] < shares[$1] } ?? 0
        var note = worst > 0 ? "  highest \(Int((worst * 100).rounded()))% at \(peak)h" : ""
        if labelWidth + 24 * cell + note.count > width { note = "" }
        return [
            "hour".padding(labelWidth) + axis.trailingSpacesRemoved,
            "commands".padding(labelWidth) + commands.trailingSpacesRemoved,
            "failed".padding(labelWidth) + failed.trailingSpacesRemoved + style.dim(note),
        ].map { $0.trailingSpacesRemoved }
    }
}
