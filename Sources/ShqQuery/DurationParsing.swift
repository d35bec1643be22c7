extension DurationText {
    /// Why a duration could not be read, and where (an offset in characters).
    public struct ParseError: Error, Sendable, Equatable {
        public var offset: Int
        public var reason: String
    }

    /// The one reader of durations as people write them, for every option and selector that takes one:
    /// numbers (decimals allowed) each followed by a unit — `us`/`µs`, `ms`, `s`, `m`/`min`, `h`, `d`,
    /// `w`, `y` (365 days) — and added up: `90m`, `1.5h`, `1d12h`, `250ms`. A plain number is in
    /// `bareUnit` (microseconds per unit; nil: a unit is required). Returns microseconds.
    public static func micros(_ text: String, bareUnit: Int64? = nil) throws(ParseError) -> Int64 {
        let chars = Array(text)
        let units: [String: Double] = [
            "us": 1, "µs": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000, "min": 60_000_000, "h": 3_600_000_000,
            "d": 86_400_000_000, "w": 604_800_000_000, "y": 31_536_000_000_000,
        ]
        func isDigit(_ index: Int) -> Bool { index < chars.count && chars[index].isASCII && chars[index].isNumber }
        var total = 0.0
        var index = 0
        guard isDigit(0) else { throw ParseError(offset: 0, reason: "expected a duration like 500ms, 2s, 1.5m, 90m or 2h") }
        while index < chars.count {
            let start = index
            guard isDigit(index) else { throw ParseError(offset: index, reason: "expected a number") }
            while isDigit(index) || (index < chars.count && chars[index] == "." && isDigit(index + 1)) { index += 1 }
            let number = Double(String(chars[start..<index]))!
            let unitStart = index
            while index < chars.count, !isDigit(index) { index += 1 }
            let unit = String(chars[unitStart..<index])
            if unit.isEmpty, start == 0, let bareUnit {
                total = number * Double(bareUnit)
                break
            }
            guard let scale = units[unit] else {
                throw ParseError(offset: unitStart, reason: unit.isEmpty
                    ? "a unit is needed after \(String(chars[start..<index])): us, ms, s, m, h, d, w or y"
                    : "unknown duration unit '\(unit)': use us, ms, s, m, h, d, w or y")
            }
            total += number * scale
        }
        guard total < 9e15 else { throw ParseError(offset: 0, reason: "duration too large") }
        return Int64(total.rounded())
    }

    /// An age like `90d`, `2w`, `12h`, `1d12h`, `30m`, `45s`, `1y`: `micros` with a unit required. Nil when
    /// malformed, empty, or zero.
    public static func parse(_ text: String) -> Int64? {
        guard let micros = try? micros(text), micros > 0 else { return nil }
        return micros
    }
}
