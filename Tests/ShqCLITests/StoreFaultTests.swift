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
        #expect(rows[0]["exit_code"] as? Int == 3)
    }

    @Test func sqlJSONKeepsSQLiteTypes() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "a")
        let query = "SELECT 3 AS i, -1.5 AS r, 100.0 AS whole, NULL AS n, 'x' AS t, '42' AS digits, x'00ff' AS b"
        for format in ["json", "jsonl"] {
            let result = try fixture.shq("sql", query, "--format", format)
            #expect(result.status == 0, "\(result.stderrText)")
            let text = result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            let object = format == "json" ? String(text.dropFirst().dropLast()) : text
            #expect(object == #"{"i":3,"r":-1.5,"whole":100.0,"n":null,"t":"x","digits":"42","b":"x'00ff'"}"#)
            let parsed = try #require(JSONSerialization.jsonObject(with: Data(object.utf8)) as? [String: Any])
            #expect(parsed["i"] as? Int == 3)
            #expect(parsed["n"] is NSNull)
        }
        // Tables and CSV print the same text as before.
        let csv = try fixture.shq("sql", query, "--format", "csv")
        #expect(csv.stdoutText == "i,r,whole,n,t,digits,b\r\n3,-1.5,100.0,,x,42,x'00ff'\r\n")
    }

    @Test func badArgumentsUseTheShqErrorFormat() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("save", "-c", "x", "--started-at", "yesterday")
        #expect(result.status != 0)
        #expect(result.stderrText.hasPrefix("shq: "))
        try fixture.shq("save", "-c", "x")
        let missing = try fixture.shq("show", "~5")
        #expect(missing.status != 0)
        #expect(missing.stderrText == "shq: '~5': no matching command\n")
    }
}
