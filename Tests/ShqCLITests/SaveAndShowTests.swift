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

@Suite struct RecordFromTheEnvironmentTests {
    /// `shq save` records what `shq run` records about where the command ran: shell and terminal too.
    @Test func saveAndRunRecordTheSameShellAndTerminal() throws {
        let fixture = StoreFixture()
        // `script` gives both a real terminal on stdin, stdout and stderr.
        for line in ["save -c saved", "run true"] {
            let result = try ShqProcess.run(
                ["-qec", "\(ShqProcess.binary) \(line)", "/dev/null"], database: fixture.database,
                environment: ["SHELL": "/usr/bin/zsh"], executable: "/usr/bin/script")
            #expect(result.status == 0, "\(result.stderrText)")
        }
        let rows = try fixture.sqlite("SELECT source, shell, tty LIKE '/dev/pts/%' FROM invocations ORDER BY seq")
        #expect(rows == ["save|zsh|1", "run|zsh|1"])
    }
}
