import ShqQuery
import ShqStore

/// How long commands take: a bar per log-scaled bucket (<10ms … ≥10m), the median's and p90's buckets
/// marked.
enum DurationHistogram {
    static let labels = ["<10ms", "10-100ms", "0.1-1s", "1-10s", "10s-1m", "1-10m", "≥10m"]

    static func lines(_ durations: HistoryStats.Durations, width: Int, style: ChartStyle) -> [String] {
        guard durations.buckets.contains(where: { $0 > 0 }) else { return [] }
        var markers = [String](repeating: "", count: durations.buckets.count)
        if let median = durations.medianMicros { markers[HistoryStats.Durations.bucket(median)] += "median" }
        if let p90 = durations.p90Micros {
            let bucket = HistoryStats.Durations.bucket(p90)
            markers[bucket] += markers[bucket].isEmpty ? "p90" : ", p90"
        }
        let names = style.unicode ? labels : labels.map { $0.hasPrefix("≥") ? ">=" + $0.dropFirst() : $0 }
        let rows = zip(names, durations.buckets).map { HistoryStats.Count(key: $0, count: $1) }
        let markerWidth = markers.map { $0.isEmpty ? 0 : $0.count + 3 }.max() ?? 0
        let bars = BarChart.lines(rows, width: max(20, width - markerWidth), style: style)
        return zip(bars, markers).map { bar, marker in
            marker.isEmpty ? bar : bar + (style.unicode ? " ◀ " : " < ") + marker
        }
    }

    /// `median 120ms, p90 4.2s`.
    static func summary(_ durations: HistoryStats.Durations) -> String {
        guard let median = durations.medianMicros, let p90 = durations.p90Micros else { return "" }
        return "median \(DurationText.format(micros: median)), p90 \(DurationText.format(micros: p90))"
    }
}
