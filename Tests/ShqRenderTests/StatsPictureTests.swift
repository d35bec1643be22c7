import Foundation
@testable import ShqRender
import ShqStore
import ShqTestSupport
import Testing

/// `shq stats` as pictures: a fixed set of figures drawn at 80 and 120 columns, with and without colour
/// and in ASCII, compared with the expected screens in StatsScreens/ (`SHQ_UPDATE_SCREENS=1` rewrites
/// them after a deliberate change; read the diff).
@Suite struct StatsPictureTests {
    /// Figures of a made-up history: 3 programs, 2 directories, 40 days ending Wednesday 2026-03-18.
    static let stats: HistoryStats = {
        var stats = HistoryStats()
        stats.total = 1_234
        stats.failed = 150
        stats.sessions = 7
        stats.first = Timestamp(parsing: "2026-02-07T12:00:00Z")
        stats.last = Timestamp(parsing: "2026-03-18T12:00:00Z")
        stats.totalDurationMicros = 5_400_000_000
        stats.topPrograms = [.init(key: "git", count: 600, failed: 12), .init(key: "make", count: 400, failed: 120),
                             .init(key: "一二三四五六七八九十", count: 34, failed: 0)]
        stats.topDirectories = [.init(key: "/home/user/code/a-project-with-a-long-name/src", count: 900, failed: 100),
                                .init(key: "/tmp", count: 334, failed: 50)]
        let firstDay = CalendarHeatMap.dayNumber("2026-02-07")!
        stats.perDay = (0..<40).compactMap { (offset: Int) -> HistoryStats.Count? in
            guard offset % 7 != 3 else { return nil }  // days without commands are not listed
            let (year, month, day) = CalendarHeatMap.civil(firstDay + Int64(offset))
            let key = "\(year)-" + (month < 10 ? "0\(month)" : "\(month)") + "-" + (day < 10 ? "0\(day)" : "\(day)")
            let count: Int = 5 + offset * 3 % 40
            return HistoryStats.Count(key: key, count: Int64(count), failed: Int64(offset % 5))
        }
        stats.perHour = (0..<24).map { (hour: Int) -> HistoryStats.Count in
            let count: Int = hour >= 9 && hour <= 18 ? 100 - abs(hour - 14) * 8 : hour % 3
            let failed: Int = hour == 17 ? 30 : hour % 4
            return HistoryStats.Count(key: hour < 10 ? "0\(hour)" : "\(hour)", count: Int64(count), failed: Int64(min(count, failed)))
        }
        stats.durations.buckets = [500, 300, 200, 150, 60, 20, 4]
        stats.durations.medianMicros = 80_000
        stats.durations.p90Micros = 12_000_000
        return stats
    }()

    static let screens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("StatsScreens")

    /// Every section but the summary, whose period is shown in local time.
    static func picture(width: Int, style: ChartStyle) -> String {
        StatsSection.allCases.filter { $0 != .summary }.map { stats.text(width: width, style: style, only: $0) }
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }

    @Test(arguments: [
        ("plain-80", 80, ChartStyle(colour: false, unicode: true)),
        ("plain-120", 120, ChartStyle(colour: false, unicode: true)),
        ("colour-80", 80, ChartStyle(colour: true, unicode: true)),
        ("ascii-80", 80, ChartStyle(colour: false, unicode: false)),
        ("plain-40", 40, ChartStyle(colour: false, unicode: true)),
    ])
    func drawsTheExpectedScreen(name: String, width: Int, style: ChartStyle) throws {
        let drawn = Self.picture(width: width, style: style)
        let file = Self.screens.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["SHQ_UPDATE_SCREENS"] == "1" {
            try drawn.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(drawn == expected, "\(name) differs from StatsScreens/\(name).txt:\n\(drawn)")
    }

    /// The pictures fit any width from 34 columns (the hour strips' floor) up; the summary's lines are
    /// text of at most 60 columns.
    @Test(arguments: [34, 40, 57, 80, 120, 200])
    func everyLineFitsTheWidth(width: Int) {
        for style in [ChartStyle(colour: true, unicode: true), ChartStyle(colour: false, unicode: false)] {
            for section in StatsSection.allCases {
                for line in Self.stats.text(width: width, style: style, only: section).split(separator: "\n") {
                    let visible = String(line).replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
                    #expect(visible.displayWidth <= (section == .summary ? 60 : width), "\(width) columns, \(section): \(visible)")
                }
            }
        }
    }

    @Test func withoutColourTheShadesAreDistinct() {
        for unicode in [true, false] {
            let style = ChartStyle(colour: false, unicode: unicode)
            #expect(Set((0...4).map { style.shade($0) }).count == 5)
            #expect(Set((0...8).map { style.spark($0) }).count == (unicode ? 9 : 5))
            #expect(style.bar(cells: 1, failedCells: 0) != style.bar(cells: 1, failedCells: 1))
        }
        let colour = ChartStyle(colour: true, unicode: true)
        #expect(colour.bar(cells: 3, failedCells: 1) == "██\u{1B}[31m█\u{1B}[0m")
    }

    @Test func barCellsKeepSmallCountsAndFailuresVisible() {
        #expect(ChartStyle.cells(1, failed: 0, maximum: 1_000, width: 50) == (1, 0))
        #expect(ChartStyle.cells(1_000, failed: 1, maximum: 1_000, width: 50) == (50, 1))
        #expect(ChartStyle.cells(500, failed: 250, maximum: 1_000, width: 50) == (25, 13))
        #expect(ChartStyle.cells(0, failed: 0, maximum: 1_000, width: 50) == (0, 0))
    }

    @Test func calendarDaysRoundTrip() {
        #expect(CalendarHeatMap.dayNumber("1970-01-01") == 0)
        #expect(CalendarHeatMap.dayNumber("2000-03-01") == 11_017)
        #expect(CalendarHeatMap.dayNumber("1969-12-31") == -1)
        #expect(CalendarHeatMap.weekday(CalendarHeatMap.dayNumber("2026-12-02")!) == 2)  // a Wednesday
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (year, month, dayOfMonth) = CalendarHeatMap.civil(day)
            let text = "\(year)-" + (month < 10 ? "0" : "") + "\(month)-" + (dayOfMonth < 10 ? "0" : "") + "\(dayOfMonth)"
            #expect(year < 0 || CalendarHeatMap.dayNumber(text) == day, "\(day) → \(text)")
        }
        #expect(CalendarHeatMap.civil(CalendarHeatMap.dayNumber("2024-02-29")!) == (2024, 2, 29))
    }
}
