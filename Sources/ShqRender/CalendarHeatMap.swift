import ShqStore

/// A year of activity as developers know it from GitHub: weeks as columns (the last one holds `today`),
/// weekdays Monday to Sunday as rows, each day shaded by its commands relative to the other active days
/// (quartiles), month names above the week in which each month starts.
enum CalendarHeatMap {
    static let weekdayLabels = ["Mon", "", "Wed", "", "Fri", "", "Sun"]

    /// `perDay` as `shq stats` gives it (`YYYY-MM-DD` local days); `today` a day number (days since
    /// 1970-01-01). Fits `width` by showing fewer weeks (at most 53).
    static func lines(_ perDay: [HistoryStats.Count], today: Int64, width: Int, style: ChartStyle) -> [String] {
        let weeks = weeks(width: width)
        let monday = today - weekday(today)
        let start = monday - Int64(weeks - 1) * 7
        var counts: [Int64: Int64] = [:]
        for day in perDay {
            guard let number = dayNumber(day.key), number >= start, number <= today else { continue }
            counts[number] = day.count
        }
        let thresholds = quartiles(counts.values.filter { $0 > 0 })

        // A month's name above the first week that starts in it; when two would touch, the later (a
        // whole month) wins over the partial one at the left edge.
        var starts: [(column: Int, name: String)] = []
        for week in 0..<weeks {
            let month = civil(start + Int64(week) * 7).month
            if week == 0 || month != civil(start + Int64(week - 1) * 7).month {
                starts.append((4 + week, monthNames[month - 1]))
            }
        }
        var monthLine = "    "
        for (index, label) in starts.enumerated() where label.column + 3 <= 4 + weeks {
            if index + 1 < starts.count, starts[index + 1].column - label.column < 4 { continue }
            monthLine += String(repeating: " ", count: max(0, label.column - monthLine.count)) + label.name
        }
        var lines = [monthLine.trailingSpacesRemoved]
        for row in 0..<7 {
            var line = weekdayLabels[row] + String(repeating: " ", count: 4 - weekdayLabels[row].count)
            for week in 0..<weeks {
                let day = start + Int64(week) * 7 + Int64(row)
                if day > today { line += " "; continue }
                line += style.shade(level(counts[day] ?? 0, thresholds))
            }
            lines.append(line.trailingSpacesRemoved)
        }
        lines.append(String(repeating: " ", count: 4) + style.shadeLegend)
        return lines
    }

    /// How many weeks fit `width` columns beside the weekday labels, at most 53.
    static func weeks(width: Int) -> Int { max(1, min(53, width - 4)) }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// 0 for no commands, else 1–4 by the quartile the count falls in.
    static func level(_ count: Int64, _ thresholds: [Int64]) -> Int {
        guard count > 0 else { return 0 }
        return 1 + thresholds.filter { count > $0 }.count
    }

    /// The counts at the 25th, 50th and 75th percentile (nearest rank) of `values`.
    static func quartiles(_ values: [Int64]) -> [Int64] {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return [] }
        return [0.25, 0.5, 0.75].map { sorted[max(0, Int((Double(sorted.count) * $0).rounded(.up)) - 1)] }
    }

    /// Monday 0 … Sunday 6 (1970-01-01 was a Thursday).
    static func weekday(_ day: Int64) -> Int64 { ((day + 3) % 7 + 7) % 7 }

    /// `YYYY-MM-DD` → days since 1970-01-01 in the proleptic Gregorian calendar.
    static func dayNumber(_ text: String) -> Int64? {
        let parts = text.split(separator: "-").compactMap { Int64($0) }
        guard parts.count == 3 else { return nil }
        // Count from March, so the leap day ends a year: eras of 400 years = 146 097 days.
        let year = parts[1] <= 2 ? parts[0] - 1 : parts[0]
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (parts[1] + (parts[1] > 2 ? -3 : 9)) + 2) / 5 + parts[2] - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days since 1970-01-01 → year, month (1–12), day; the inverse of `dayNumber`.
    static func civil(_ day: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), Int(month), Int(dayOfMonth))
    }
}
