import Foundation
import ShqTestSupport
import Testing

@Suite struct StatsAndRerunTests {
    @Test func statsCountWhatWasRecorded() throws {
        let fixture = StoreFixture()
        let saves: [(String, Int, Double, String)] = [
            ("git status", 0, 10, "/a"), ("git push", 1, 2500, "/a"), ("make", 2, 90_000, "/b"),
            ("git  log", 0, 5, "/a"), ("ls", 0, 1, "/b"),
        ]
        for (index, (command, exit, ms, cwd)) in saves.enumerated() {
            try fixture.shq("save", "-c", command, "--exit", "\(exit)", "--duration", "\(ms)", "--cwd", cwd,
                            "--started-at", "2026-01-0\(1 + index / 3)T12:00:0\(index)Z")
        }
        // A `shq run` job of 10 s wall time, stopped for 3 s (stopped → resumed) and 1 s (stopped → exit).
        _ = try fixture.sqlite(StoreFixture.insertInvocationSQL([
            "id": "0b", "cmd": "'vim notes'", "source": "'run'", "started_at": "1767268800000000",
            "ended_at": "1767268810000000", "duration_us": "10000000", "exit_code": "0", "status": "'completed'",
        ]) + """
            INSERT INTO invocation_events(invocation, at, kind) SELECT seq, 1767268800000000, 'started' FROM invocations WHERE id LIKE '0b000000-%';
            INSERT INTO invocation_events(invocation, at, kind, signal) SELECT seq, 1767268802000000, 'stopped', 20 FROM invocations WHERE id LIKE '0b000000-%';
            INSERT INTO invocation_events(invocation, at, kind) SELECT seq, 1767268805000000, 'resumed' FROM invocations WHERE id LIKE '0b000000-%';
            INSERT INTO invocation_events(invocation, at, kind, signal) SELECT seq, 1767268809000000, 'stopped', 20 FROM invocations WHERE id LIKE '0b000000-%';
            INSERT INTO invocation_events(invocation, at, kind, exit_code) SELECT seq, 1767268810000000, 'exited', 0 FROM invocations WHERE id LIKE '0b000000-%';
            """)
        let result = try fixture.shq("stats", "--format", "json")
        #expect(result.status == 0, "\(result.stderrText)")
        let stats = try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(stats["total"] as? Int == 6)
        #expect(stats["failed"] as? Int == 2)
        let programs = try #require(stats["top_programs"] as? [[String: Any]])
        #expect(programs.first?["program"] as? String == "git")
        #expect(programs.first?["count"] as? Int == 3)
        let dirs = try #require(stats["busiest_directories"] as? [[String: Any]])
        #expect(dirs.first?["cwd"] as? String == "/a")
        let slowest = try #require(stats["slowest"] as? [[String: Any]])
        #expect(slowest.first?["cmd"] as? String == "make")
        let days = try #require(stats["per_day"] as? [[String: Any]])
        #expect(days.reduce(0) { $0 + ($1["count"] as! Int) } == 6)
        let run = try #require(stats["run_jobs"] as? [String: Any])
        #expect(run["count"] as? Int == 1)
        #expect(run["wall_ms"] as? Int == 10000)
        #expect(run["stopped_ms"] as? Int == 4000)
        #expect(run["active_ms"] as? Int == 6000)

        let table = try fixture.shq("stats")
        #expect(table.stdoutText.contains("commands   6  (2 failed, 33.3%)"))
        #expect(table.stdoutText.contains("10.0s wall, 6.0s active, 4.0s stopped"))
        // A selector restricts what is counted.
        let failed = try fixture.shq("stats", "%failed", "--format", "json")
        #expect((try JSONSerialization.jsonObject(with: failed.stdout) as? [String: Any])?["total"] as? Int == 2)
    }

    /// Ctrl-Z in a hooked shell records exit 148 (128 + SIGTSTP): stopped, not failed.
    @Test func aJobStoppedAtThePromptIsNotAFailure() throws {
        let fixture = StoreFixture()
        try FirstUseTests.spoolHookRecords([("vim notes", 148), ("false", 1), ("ls", 0)], in: fixture)
        try fixture.shq("save", "-c", "exit 148", "--exit", "148")  // not the hook: a real exit status
        let failed = try fixture.shq("history", "%failed", "--format", "jsonl").stdoutText
        #expect(failed.contains("\"cmd\":\"false\"") && failed.contains("\"cmd\":\"exit 148\"") && !failed.contains("vim notes"), "\(failed)")
        let stats = try #require(JSONSerialization.jsonObject(with: try fixture.shq("stats", "--format", "json").stdout) as? [String: Any])
        #expect(stats["total"] as? Int == 4)
        #expect(stats["failed"] as? Int == 2)
        // Plurals and wording: one session, one job that never stopped.
        #expect(try fixture.shq("run", "true").status == 0)
        let text = try fixture.shq("stats", "%/^(true|vim notes)$/").stdoutText
        #expect(text.contains("commands   2  (0 failed, 0.0%)  in 1 session\n"), "\(text)")
        #expect(text.contains("shq run    1 job: "), "\(text)")
        #expect(text.contains(" wall, never stopped\n"), "\(text)")
    }

    @Test func rerunDryRunPrintsTheDirectoryAndCommand() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "echo 'it''s' > out.txt", "--cwd", "/srv/my app")
        try fixture.shq("save", "-c", "make", "--cwd", "/tmp")
        let plan = try fixture.shq("rerun", "~2", "-n")
        #expect(plan.status == 0, "\(plan.stderrText)")
        #expect(plan.stdoutText == "cd '/srv/my app' && shq run -c 'echo '\\''it'\\'''\\''s'\\'' > out.txt'\n")
        let withDB = try fixture.shq("rerun", "-n", "--db", fixture.database)
        #expect(withDB.stdoutText == "cd /tmp && shq run --db \(fixture.database) -c make\n")
        let none = try fixture.shq("rerun", "%/nothing-like-this/", "-n")
        #expect(none.status != 0)
        #expect(none.stderrText.contains("no matching command"))
    }

    /// A real rerun goes through `shq run` in the recorded directory, so it is recorded again.
    @Test func rerunRunsInTheRecordedDirectoryAndIsRecorded() throws {
        let fixture = StoreFixture()
        let workdir = fixture.directory.file("work dir")
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        try fixture.shq("save", "-c", "echo again > made.txt; exit 3", "--cwd", workdir, "--exit", "3")
        let rerun = try fixture.shq("rerun")
        #expect(rerun.status == 3)
        #expect(rerun.stderrText == "rerun: cd '\(workdir)' && shq run -c 'echo again > made.txt; exit 3'\n")
        #expect(try String(contentsOfFile: workdir + "/made.txt", encoding: .utf8) == "again\n")
        #expect(try fixture.sqlite("SELECT source || ' ' || exit_code || ' ' || cwd FROM invocations ORDER BY seq") ==
                ["save 3 \(workdir)", "run 3 \(workdir.replacingOccurrences(of: "//", with: "/"))"])  // getcwd normalises
    }

    /// A `shq run` is rerun in its mode: --pty if it had a terminal of its own, --no-pty if pipes
    /// (whatever the default is now); other records in the default mode.
    @Test func rerunKeepsTheRunMode() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        for (id, stream) in [("0a01", "pty"), ("0a02", "stdout")] {
            _ = try fixture.sqlite(StoreFixture.insertInvocationSQL([
                "id": id, "cmd": "'vim notes'", "cwd": "'/tmp'", "source": "'run'", "started_at": "1767268800000000",
                "exit_code": "0", "status": "'completed'",
            ]) + "INSERT INTO outputs(invocation, stream, bytes) SELECT seq, '\(stream)', 0 FROM invocation_rows WHERE hex(id) LIKE '\(id)%';")
        }
        #expect(try fixture.shq("rerun", "0a01", "-n").stdoutText == "cd /tmp && shq run --pty -c 'vim notes'\n")
        #expect(try fixture.shq("rerun", "0a02", "-n").stdoutText == "cd /tmp && shq run --no-pty -c 'vim notes'\n")
    }

    @Test func helpSelectorsDocumentsTheLanguage() throws {
        let fixture = StoreFixture()
        let help = try fixture.shq("help", "selectors")
        #expect(help.status == 0)
        for piece in ["@N:@M", "'~N'", "%failed", "%exit<>0", "%duration>500", "%/REGEX/", "%cwd~=REGEX", ":TAG", "./sub",
                      ".%failed@5:"] {
            #expect(help.stdoutText.contains(piece), "\(piece)")
        }
        #expect(help.stdoutText.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }
}
