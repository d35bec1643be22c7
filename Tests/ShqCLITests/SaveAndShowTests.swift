import Foundation
import ShqTestSupport
import Testing

@Suite struct SaveAndShowTests {
    @Test func savedCommandIsListedNewestFirst() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "first", "--exit", "0")
        try fixture.shq("save", "-c", "second", "--exit", "1")
        let json = try fixture.shq("history", "--format", "json")
        #expect(json.status == 0)
        let rows = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.map { $0["cmd"] as? String } == ["second", "first"])
        #expect(rows.map { $0["exit_code"] as? Int } == [1, 0])
        #expect(rows.map { $0["status"] as? String } == ["failed", "completed"])
    }

    /// `--duration` reads durations as `%duration` and `--since` do: milliseconds by default, or with units.
    @Test func saveDurationTakesUnits() throws {
        let fixture = StoreFixture()
        for (given, ms) in [("5400", 5400), ("90m", 5_400_000), ("1.5s", 1500), ("1h30m", 5_400_000), ("0", 0)] {
            let saved = try fixture.shq("save", "-c", "job \(given)", "--duration", given)
            #expect(saved.status == 0, "\(given): \(saved.stderrText)")
            let json = try fixture.shq("history", "%/^job \(given)$/", "--format", "json")
            let rows = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
            #expect(rows.first?["duration_ms"] as? Int == ms, "\(given)")
        }
        let bad = try fixture.shq("save", "-c", "x", "--duration", "5parsecs")
        #expect(bad.status != 0)
        #expect(bad.stderrText.hasPrefix("shq: ") && bad.stderrText.contains("--duration"))
    }
}
