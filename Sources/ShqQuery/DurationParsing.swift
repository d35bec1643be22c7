extension DurationText {
    /// Parses an age like `90d`, `2w`, `12h`, `1d12h`, `30m`, `45s`, `1y` (365 days) into microseconds.
    /// Nil when malformed, empty, or zero.
    public static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = [
            "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000, "d": 86_400_000_000, "w": 604_800_000_000,
            "y": 31_536_000_000_000,
        ]
        var total: Int64 = 0
        var number: Int64?
        for char in text {
            if let digit = char.wholeNumberValue, char.isASCII {
                let (times, overflowA) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (plus, overflowB) = times.addingReportingOverflow(Int64(digit))
                if overflowA || overflowB { return nil }
                number = plus
            } else if let unit = units[char], let value = number {
                let (product, overflowA) = value.multipliedReportingOverflow(by: unit)
                let (sum, overflowB) = total.addingReportingOverflow(product)
                if overflowA || overflowB { return nil }
                total = sum
                number = nil
            } else {
                return nil
            }
        }
        return number == nil && total > 0 ? total : nil
    }
}
