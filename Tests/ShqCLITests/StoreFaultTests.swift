import Foundation
import ShqTestSupport
import Testing

@Suite struct StoreFaultTests {
    @Test func corruptDatabaseGivesAClearErrorAndIsNeverReplaced() throws {
        let fixture = StoreFixture()
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: fixture.database))
        for arguments in [["history"], ["save", "-c", "x"], ["show"], ["sql", "select 1"]] {
            let result = try fixture.shq(arguments: arguments)
            #expect(result.status != 0)
            #expect(result.signal == nil)
            #expect(result.stderrText == "shq: \(fixture.database): file is not a database\n", "\(arguments)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.database)) == garbage)
    }

    @Test func unusableDatabasePathGivesAClearError() throws {
        let fixture = StoreFixture()
        try FileManager.default.createDirectory(atPath: fixture.database, withIntermediateDirectories: true)
        let result = try fixture.shq("history")
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: \(fixture.database): "))
        #expect(result.stderrText.split(separator: "\n").count == 1)
    }

    @Test func sqlRefusesWritesAndDeletesNothing() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "keep me", "--exit", "0")
        for statement in ["DELETE FROM invocations", "UPDATE invocations SET cmd = 'x'", "DROP TABLE invocations",
                          "INSERT INTO sessions(id, started_at) VALUES ('a', 1)"] {
            let result = try fixture.shq("sql", statement)
            #expect(result.status != 0, "\(statement)")
            #expect(result.stderrText.hasPrefix("shq: "), "\(statement)")
        }
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["keep me"])
        #expect(try fixture.sqlite("SELECT count(*) FROM sessions") == ["0"])
    }

    @Test func sqlAnswersReadQueries() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "a", "--exit", "3")
        let result = try fixture.shq("sql", "SELECT cmd, exit_code FROM failed_invocations", "--format", "json")
        #expect(result.status == 0)
        let rows = try #require(JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["cmd"] as? String == "a")
        #expect(rows[0]["exit_code"] as? String == "3")
    }

    @Test func badArgumentsUseTheShqErrorFormat() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("save", "-c", "x", "--started-at", "yesterday")
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: "))
        let missing = try fixture.shq("show", "~5")
        #expect(missing.status != 0)
        #expect(missing.stderrText == "shq: '~5': no matching command\n")
    }
}
