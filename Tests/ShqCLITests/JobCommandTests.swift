import Foundation
import Glibc
import ShqTestSupport
import Testing

/// `shq jobs / kill / wait / clean / info` against records shaped like `shq run`'s, whose processes are
/// real (`sleep`s this test owns), so liveness, signals and exits are the system's, not simulated.
@Suite struct JobCommandTests {
    let fixture = StoreFixture()
    let host = ProcessInfo.processInfo.hostName

    /// Inserts a live `run` record watched by `wrapper`, the command being `command`; returns its id.
    @discardableResult
    func insertJob(
        _ id: String, command: SpawnedProcess?, wrapper: SpawnedProcess?, status: String = "running", session: String = "s1",
        startedSecondsAgo: Int64 = 5
    ) throws -> String {
        try fixture.createEmptyStore()
        func identity(_ process: SpawnedProcess?) -> (String, String) {
            guard let process else { return ("NULL", "NULL") }
            return (String(process.pid), ProcessProbe.startTicks(process.pid).map(String.init) ?? "NULL")
        }
        let (pid, pidStart) = identity(command)
        let (wrapperPID, wrapperStart) = identity(wrapper)
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000) - startedSecondsAgo * 1_000_000
        _ = try fixture.sqlite(StoreFixture.insertInvocationSQL([
            "id": id, "cmd": "'sleep 30 # \(id)'", "source": "'run'", "started_at": "\(start)", "status": "'\(status)'",
            "pid": pid, "pid_start": pidStart, "wrapper_pid": wrapperPID, "wrapper_start": wrapperStart,
            "host": "'\(host)'", "tty": "'/dev/pts/7'", "session": "'\(session)'",
        ]))
        return id
    }

    func sleeper() throws -> SpawnedProcess { try ProcessProbe.spawn("/bin/sleep", ["30"]) }

    func jobsJSON(_ extra: String...) throws -> [[String: Any]] {
        let result = try fixture.shq(arguments: ["jobs", "--format", "json"] + extra)
        #expect(result.status == 0, "\(result.stderrText)")
        return try #require(JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
    }

    @Test func jobsListsLiveJobsOfEverySessionAndOrphansDeadOnes() throws {
        let a = try sleeper(), b = try sleeper(), dead = try sleeper()
        defer { for p in [a, b] { p.stop() } }
        try insertJob("01a0a0", command: a, wrapper: a, session: "alpha", startedSecondsAgo: 9)
        try insertJob("01b0b0", command: b, wrapper: b, status: "stopped", session: "beta", startedSecondsAgo: 3)
        try insertJob("01dead", command: dead, wrapper: dead, session: "alpha", startedSecondsAgo: 1)
        kill(dead.pid, SIGKILL)
        dead.wait()

        let rows = try jobsJSON()
        #expect(rows.map { ($0["id"] as? String)?.prefix(6) } == ["01a0a0", "01b0b0"])
        #expect(rows.map { $0["session"] as? String } == ["alpha", "beta"])
        #expect(rows.map { $0["status"] as? String } == ["running", "stopped"])
        #expect(rows.map { $0["pid"] as? Int32 } == [a.pid, b.pid])
        #expect((rows[0]["elapsed_ms"] as? Double ?? 0) >= 9000)
        #expect(try fixture.sqlite("SELECT status FROM invocations WHERE id LIKE '01dead%'") == ["orphaned"])
        #expect(try fixture.sqlite("SELECT kind FROM invocation_events e JOIN invocations i ON i.seq = e.invocation WHERE i.id LIKE '01dead%'") == ["orphaned"])

        let table = try fixture.shq("jobs", "-l").stdoutText
        #expect(table.contains("PID"))
        #expect(table.contains(" \(a.pid) "))
        #expect(table.contains("pts/7"))
        #expect(!table.contains("01dead"))
    }

    /// A prefix a live job shares with an ended command (here 14 digits, same millisecond) names the job.
    @Test func anIDPrefixNamesTheLiveJobFirst() throws {
        let job = try sleeper()
        defer { job.stop() }
        try insertJob("01e0e0e0e0e0aa01", command: job, wrapper: job, startedSecondsAgo: 9)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        _ = try fixture.sqlite(StoreFixture.insertInvocationSQL([
            "id": "01e0e0e0e0e0aa02", "cmd": "'make'", "source": "'hook'", "started_at": "\(now)", "exit_code": "0", "status": "'completed'",
        ]))
        let waited = try fixture.shq("wait", "--timeout", "0.1", "01e0e0e0-e0e0-aa")
        #expect(waited.status == 124, "\(waited.stderrText)")
        #expect(waited.stderrText == "shq: wait: 01e0e0e0-e0e0-aa01: still running after 0.1s\n")
        let killed = try fixture.shq("kill", "01e0e0e0-e0e0-aa")
        job.wait()
        #expect(killed.status == 0, "\(killed.stderrText)")
        #expect(job.terminationSignal == SIGTERM)
        #expect(killed.stdoutText.hasPrefix("01e0e0e0-e0e0-aa01  SIGTERM → pid \(job.pid)"))
        // Elsewhere the prefix is as ambiguous as it is.
        #expect(try fixture.shq("info", "01e0e0e0-e0e0-aa").stderrText.contains("ambiguous"))
    }

    @Test func killSendsTermByDefaultAndReportsTheEnd() throws {
        let job = try sleeper()
        try insertJob("01c0c1", command: job, wrapper: job)
        let result = try fixture.shq("kill", "01c0c1")
        job.wait()
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(job.terminationSignal == SIGTERM)
        #expect(result.stdoutText.contains("SIGTERM → pid \(job.pid)"))
        let events = try fixture.sqlite("SELECT e.kind, e.signal FROM invocation_events e JOIN invocations i ON i.seq = e.invocation WHERE i.id LIKE '01c0c1%' ORDER BY e.rowid")
        #expect(events.first == "forwarded|15", "\(events)")
    }

    @Test(arguments: [(["-INT"], SIGINT), (["-9"], SIGKILL), (["-s", "HUP"], SIGHUP), (["--signal", "SIGUSR1"], SIGUSR1), (["-s", "3"], SIGQUIT)])
    func killAcceptsSignalNamesNumbersAndShellStyleFlags(flags: [String], expected: Int32) throws {
        let job = try sleeper()
        try insertJob("01c0c2", command: job, wrapper: job)
        let result = try fixture.shq(arguments: ["kill"] + flags + ["01c0c2"])
        job.wait()
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(job.terminationSignal == expected)
    }

    @Test func killRejectsAnUnknownSignal() throws {
        let result = try fixture.shq("kill", "-s", "BOGUS", "~1")
        #expect(result.status != 0)
        #expect(result.stderrText.contains("'BOGUS' is not a signal"))
    }

    /// bash's `kill %1` on a stopped job sends SIGCONT after TERM so it takes effect; the stopped wrapper is
    /// continued too, so it can reap the command and end as it did.
    @Test func killTermOnAStoppedJobContinuesCommandAndWrapper() throws {
        let command = try sleeper(), wrapper = try sleeper()
        defer { wrapper.stop() }
        kill(command.pid, SIGSTOP)
        kill(wrapper.pid, SIGSTOP)
        #expect(ProcessProbe.waitUntil { ProcessProbe.state(command.pid) == "T" && ProcessProbe.state(wrapper.pid) == "T" })
        try insertJob("01c0c3", command: command, wrapper: wrapper, status: "stopped")
        let result = try fixture.shq("kill", "01c0c3")
        defer { command.stop() }
        command.wait()
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(command.terminationSignal == SIGTERM)
        #expect(ProcessProbe.waitUntil { ProcessProbe.state(wrapper.pid) == "S" })
        #expect(result.stdoutText.contains("+ SIGCONT (it was stopped)"))
    }

    /// …while INT on a stopped job waits, as in bash, until the job is resumed.
    @Test func killIntOnAStoppedJobLeavesItStopped() throws {
        let command = try sleeper()
        kill(command.pid, SIGSTOP)
        #expect(ProcessProbe.waitUntil { ProcessProbe.state(command.pid) == "T" })
        try insertJob("01c0c4", command: command, wrapper: command, status: "stopped")
        defer { command.stop() }
        let result = try fixture.shq("kill", "-INT", "01c0c4")
        #expect(result.status == 0, "\(result.stderrText)")
        usleep(200_000)
        #expect(ProcessProbe.state(command.pid) == "T")
        kill(command.pid, SIGCONT)
        command.wait()
        #expect(command.terminationSignal == SIGINT)
    }

    @Test func killRefusesAnotherUsersJob() throws {
        let foreign: SpawnedProcess
        if getuid() == 0 {
            foreign = try ProcessProbe.spawn("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sleep", "30"])
        } else {
            foreign = try ProcessProbe.spawn("/usr/bin/sudo", ["-n", "-u", "nobody", "/bin/sleep", "30"])
        }
        defer { foreign.stop() }
        #expect(ProcessProbe.waitUntil { (try? String(contentsOfFile: "/proc/\(foreign.pid)/comm", encoding: .utf8)) == "sleep\n" })
        try insertJob("01c0c5", command: foreign, wrapper: foreign)
        let result = try fixture.shq("kill", "01c0c5")
        #expect(result.status == 1)
        #expect(result.stderrText.contains("belongs to another user"))
        #expect(ProcessProbe.state(foreign.pid) != nil)
    }

    @Test func killRefusesAJobThatEnded() throws {
        _ = try fixture.shq("save", "-c", "true", "--exit", "0")
        let result = try fixture.shq("kill", "~1")
        #expect(result.status == 1)
        #expect(result.stderrText.contains("not running (completed (exit 0))"))
    }

    @Test func waitExitsWithTheJobsShellStatus() throws {
        let wrapper = try sleeper()
        try insertJob("01e0e1", command: wrapper, wrapper: wrapper)
        let database = fixture.database
        let finisher = Thread {
            usleep(400_000)
            _ = try? ShqProcess.run([database, "UPDATE invocation_rows SET status = 'failed', signal = 9, ended_at = 1 WHERE seq IN (SELECT seq FROM invocations WHERE id LIKE '01e0e1%')"], executable: "/usr/bin/sqlite3")
            kill(wrapper.pid, SIGKILL)
        }
        finisher.start()
        let started = Date()
        let result = try fixture.shq("wait", "01e0e1")
        wrapper.wait()
        #expect(result.status == 128 + 9, "\(result.stderrText)")
        #expect(Date().timeIntervalSince(started) >= 0.35)
    }

    @Test func waitOnAnOrphanedJobSaysTheStatusIsUnknown() throws {
        let wrapper = try sleeper()
        try insertJob("01e0e2", command: wrapper, wrapper: wrapper)
        let killer = Thread { usleep(200_000); kill(wrapper.pid, SIGKILL) }
        killer.start()
        let result = try fixture.shq("wait", "01e0e2")
        wrapper.wait()
        #expect(result.status == 1)
        #expect(result.stderrText.contains("orphaned: exit status unknown"))
    }

    @Test func waitTimesOutWith124() throws {
        let wrapper = try sleeper()
        defer { wrapper.stop() }
        try insertJob("01e0e3", command: wrapper, wrapper: wrapper)
        let result = try fixture.shq("wait", "--timeout", "0.3", "01e0e3")
        #expect(result.status == 124)
        #expect(result.stderrText.contains("still running"))
    }

    @Test func cleanOrphansDeadJobsAndHangsUpTheirSurvivingCommands() throws {
        let command = try sleeper(), wrapper = try sleeper()
        defer { command.stop() }
        try insertJob("01f0f1", command: command, wrapper: wrapper)
        kill(wrapper.pid, SIGKILL)
        wrapper.wait()
        let result = try fixture.shq("clean").stdoutText
        #expect(result.contains("orphaned  01f0f1"))
        #expect(result.contains("its command (pid \(command.pid)) outlived it and was hung up (SIGHUP)"), "\(result)")
        command.wait()
        #expect(command.terminationSignal == SIGHUP)
        #expect(try fixture.shq("clean").stdoutText == "nothing to clean\n")
        #expect(try fixture.sqlite("SELECT e.kind || coalesce(e.signal, '') FROM invocation_events e JOIN invocations i ON i.seq = e.invocation WHERE i.id LIKE '01f0f1%' ORDER BY e.at, e.rowid") == ["orphaned", "forwarded1"])
    }

    /// A command that ignores SIGHUP (nohup) survives recovery: listed by `jobs --all`, killable.
    @Test func aCommandIgnoringHangupStaysListedAndKillable() throws {
        let command = try ProcessProbe.spawn("/bin/sh", ["-c", "trap '' HUP; exec sleep 30"])
        let wrapper = try sleeper()
        defer { command.stop() }
        #expect(ProcessProbe.waitUntil { (try? String(contentsOfFile: "/proc/\(command.pid)/comm", encoding: .utf8)) == "sleep\n" })
        try insertJob("01f0f3", command: command, wrapper: wrapper)
        kill(wrapper.pid, SIGKILL)
        wrapper.wait()
        let result = try fixture.shq("clean").stdoutText
        #expect(result.contains("ignores SIGHUP and still runs: shq kill -KILL 01f0f3"), "\(result)")
        #expect(try jobsJSON("--all").map { $0["status"] as? String } == ["orphaned"])
        #expect(try jobsJSON().isEmpty)
        #expect(try fixture.shq("kill", "-KILL", "01f0f3").status == 0)
        command.wait()
        #expect(command.terminationSignal == SIGKILL)
    }

    @Test func infoShowsTheTimelineWithTimeStopped() throws {
        let job = try sleeper()
        defer { job.stop() }
        try insertJob("01f0f2", command: job, wrapper: job, status: "stopped", startedSecondsAgo: 30)
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        _ = try fixture.sqlite("""
            INSERT INTO invocation_events(invocation, at, kind, signal) SELECT seq, \(now - 20_000_000), 'stopped', 20 FROM invocations WHERE id LIKE '01f0f2%';
            INSERT INTO invocation_events(invocation, at, kind) SELECT seq, \(now - 15_000_000), 'resumed' FROM invocations WHERE id LIKE '01f0f2%';
            INSERT INTO invocation_events(invocation, at, kind, signal) SELECT seq, \(now - 10_000_000), 'stopped', 19 FROM invocations WHERE id LIKE '01f0f2%';
            """)
        let text = try fixture.shq("info", "01f0f2").stdoutText
        #expect(text.contains("stopped SIGTSTP"))
        #expect(text.contains("resumed (after 5.0s stopped)"))
        #expect(text.range(of: "stopped    15\\.\\ds \\(stopped now\\)", options: .regularExpression) != nil, "\(text)")
        #expect(text.range(of: "active     15\\.\\ds", options: .regularExpression) != nil, "\(text)")
        let json = try #require(JSONSerialization.jsonObject(with: try fixture.shq("info", "01f0f2", "--format", "json").stdout) as? [String: Any])
        #expect((json["stopped_ms"] as? Double ?? 0) >= 15_000)
        #expect(json["wrapper_pid"] as? Int32 == job.pid)
    }
}

extension StoreFixture {
    fileprivate func sqliteFreeClean() throws -> String { try shq("clean").stdoutText }
}
