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
}
