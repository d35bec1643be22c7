import ShqQuery
import Testing

@Suite struct DurationParsingTests {
    static let cases: [(String, Int64)] = [
        ("90d", 90 * 86_400_000_000), ("12h", 12 * 3_600_000_000), ("1d12h", 36 * 3_600_000_000),
        ("2w", 14 * 86_400_000_000), ("45s", 45_000_000), ("30m", 1_800_000_000), ("1y", 365 * 86_400_000_000),
        // The same units as `%duration` (one reader): decimals, ms, µs, min.
        ("1.5d", 36 * 3_600_000_000), ("250ms", 250_000), ("90µs", 90), ("2min", 120_000_000), ("1h30m", 5_400_000_000),
    ]

    @Test(arguments: cases)
    func parses(text: String, micros: Int64) {
        #expect(DurationText.parse(text) == micros)
    }

    @Test(arguments: ["", "d", "10", "0d", "5x", "-1d", "1.d", "1d5", "99999999999999999999d", "١d"])
    func rejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func aPlainNumberTakesTheBareUnit() throws {
        #expect(try DurationText.micros("5400", bareUnit: 1000) == 5_400_000)
        #expect(try DurationText.micros("0", bareUnit: 1000) == 0)
        #expect(try DurationText.micros("90m", bareUnit: 1000) == 5_400_000_000)
        #expect(throws: DurationText.ParseError.self) { try DurationText.micros("5400") }
    }
}
