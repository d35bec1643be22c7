import Foundation
import ShqTestSupport
import Testing

/// Another process holds the store's write lock (`sqlite3 … BEGIN EXCLUSIVE`, a real second process):
/// `shq run` and `shq save` do not wait for it, and their records arrive whole once it is released.
/// Order of events, not timing: each test checks that the command had ended (exit status, output, a
/// marker file it wrote) while the lock was still held, then releases it.
@Suite struct LockedStoreTests {
    /// A value read through `shq sql` (which, like every reading command, ingests the spool first).
    func value(_ fixture: StoreFixture, _ query: String) throws -> [String] {
        let result = try fixture.shq("sql", query, "--format", "csv")
        #expect(result.status == 0, "\(result.stderrText)")
        return Array(result.stdoutText.split(separator: "\r\n").map(String.init).dropFirst())
    }

    func events(_ fixture: StoreFixture, command: String) throws -> [String] {
        try value(fixture, """
            SELECT kind FROM invocation_events WHERE invocation = (SELECT seq FROM invocations WHERE cmd = '\(command)')
            ORDER BY at, rowid
            """)
    }

    @Test func runEndsWhileTheStoreIsLockedAndIsRecordedAfter() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before")
        let marker = fixture.directory.file("ran")
        let line = "echo out; echo err >&2; touch '\(marker)'; exit 7"
        let lock = try StoreLock(database: fixture.database, directory: fixture.directory)
        let result = try fixture.shq("run", "-c", line)
        // All of this happened with the lock held: the command ran, shq relayed and mirrored it, left.
        #expect(lock.isHeld)
        #expect(result.status == 7)
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText.hasPrefix("err\n"), "\(result.stderrText)")
        #expect(FileManager.default.fileExists(atPath: marker))
        #expect(try fixture.sqlite("SELECT count(*) FROM invocation_rows WHERE cmd LIKE 'echo out%'") == ["0"])
        lock.release()

        let quoted = line.replacingOccurrences(of: "'", with: "''")
        #expect(try value(fixture, "SELECT exit_code, status, source FROM invocations WHERE cmd = '\(quoted)'") == ["7,failed,run"])
        #expect(try events(fixture, command: quoted) == ["started", "exited", "late"])
        #expect(try fixture.shq("show", "@1", "-O").stdoutText == "out\n")
        #expect(try fixture.shq("show", "@1", "-E").stdoutText == "err\n")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations WHERE status = 'running'") == ["0"])
        let spool = try FileManager.default.contentsOfDirectory(atPath: fixture.database + "-spool")
        #expect(!spool.contains { $0.hasSuffix(".record") || $0.hasSuffix(".partial") }, "\(spool)")
    }

    @Test func saveReturnsWhileTheStoreIsLockedAndIsRecordedAfter() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before")
        let lock = try StoreLock(database: fixture.database, directory: fixture.directory)
        let result = try fixture.shq("save", "-c", "saved while locked", "--exit", "2", input: Data("line 1\nline 2\n".utf8))
        #expect(lock.isHeld)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stderrText.isEmpty, "\(result.stderrText)")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocation_rows WHERE cmd = 'saved while locked'") == ["0"])
        lock.release()

        #expect(try value(fixture, "SELECT exit_code, source FROM invocations WHERE cmd = 'saved while locked'") == ["2,save"])
        #expect(try events(fixture, command: "saved while locked") == ["late"])
        #expect(try fixture.shq("show", "@1").stdoutText == "line 1\nline 2\n")
    }

    /// The lock is released while the command still runs: the record (and the job) appears at once,
    /// with a `late` event between its start and its end.
    @Test func aRunningCommandIsRecordedWhenTheLockIsReleased() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before")
        let started = fixture.directory.file("started"), go = fixture.directory.file("go")
        let line = "touch '\(started)'; echo first; while [ ! -e '\(go)' ]; do sleep 0.01; done; echo second"
        let lock = try StoreLock(database: fixture.database, directory: fixture.directory)
        let run = try ProcessProbe.spawn(
            ShqProcess.binary, ["run", "-c", line], environment: ["SHQ_DB": fixture.database],
            stdout: fixture.directory.file("run.out"))
        defer { run.stop() }
        #expect(ProcessProbe.waitUntil(timeout: 30) { FileManager.default.fileExists(atPath: started) })
        #expect(lock.isHeld)
        lock.release()

        // The run's own writer inserts the record once the lock is gone: a job, live, while it runs.
        let quoted = line.replacingOccurrences(of: "'", with: "''")
        #expect(ProcessProbe.waitUntil(timeout: 30) {
            (try? fixture.sqlite("SELECT status FROM invocations WHERE cmd = '\(quoted)'")) == ["running"]
        })
        let jobs = try fixture.shq("jobs")
        #expect(jobs.stdoutText.contains("while [ ! -e"), "\(jobs.stdoutText)")
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        #expect(run.wait(timeout: 30) == 0)

        #expect(try value(fixture, "SELECT exit_code, status FROM invocations WHERE cmd = '\(quoted)'") == ["0,completed"])
        #expect(try events(fixture, command: quoted) == ["started", "late", "exited"])
        #expect(try fixture.shq("show", "@1", "-O").stdoutText == "first\nsecond\n")
    }

    /// The lock is taken during the run, after the record and its first output are stored, and held past
    /// the command's end: shq leaves without waiting for it (exit status and output while it is held),
    /// and the rest of the record — the end, the output after the lock, a tail past the capture cap —
    /// arrives when it is released.
    @Test(arguments: [false, true]) func aLockTakenDuringTheRunDoesNotDelayItsEnd(pastTheCap: Bool) throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before")
        let started = fixture.directory.file("started"), go = fixture.directory.file("go")
        let rest = pastTheCap ? "seq 1 3000" : "echo second"
        let line = "echo first; touch '\(started)'; while [ ! -e '\(go)' ]; do sleep 0.01; done; \(rest); echo err >&2; exit 3"
        let quoted = line.replacingOccurrences(of: "'", with: "''")
        let out = fixture.directory.file("run.out")
        let run = try ProcessProbe.spawn(
            ShqProcess.binary, ["run"] + (pastTheCap ? ["--capture-cap", "4K"] : []) + ["-c", line],
            environment: ["SHQ_DB": fixture.database], stdout: out, stderr: fixture.directory.file("run.err"))
        defer { run.stop() }
        // Stored before the lock: the running record, its start and its first output.
        #expect(ProcessProbe.waitUntil(timeout: 30) {
            (try? fixture.sqlite("""
                SELECT o.bytes FROM outputs o JOIN invocations i ON i.seq = o.invocation
                WHERE i.cmd = '\(quoted)' AND o.stream = 'stdout' AND i.pid IS NOT NULL
                """)) == ["6"]
        })
        #expect(FileManager.default.fileExists(atPath: started))
        let lock = try StoreLock(database: fixture.database, directory: fixture.directory)
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        // Well under the 10 s busy timeout (`Store.busyMilliseconds`) that the end would otherwise wait
        // out: this bound only tells "does not wait for the lock" from "waits until it gives up".
        #expect(run.wait(timeout: 5) != nil)
        #expect(run.exitCode == 3)
        // shq has left with the lock still held; the store still says running.
        #expect(lock.isHeld)
        let expected = "first\n" + (pastTheCap ? (1...3000).map { "\($0)\n" }.joined() : "second\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == expected)
        #expect(try fixture.sqlite("SELECT status FROM invocations WHERE cmd = '\(quoted)'") == ["running"])
        lock.release()

        #expect(try value(fixture, "SELECT exit_code, status FROM invocations WHERE cmd = '\(quoted)'") == ["3,failed"])
        #expect(try events(fixture, command: quoted) == ["started", "exited", "late"])
        let stored = try fixture.shq("show", "@1", "-O").stdoutText
        if pastTheCap {
            // Head: the first 2 KiB; tail: at least the last 2 KiB (whole chunks); the middle dropped.
            #expect(stored.hasPrefix(String(expected.prefix(2048))))
            #expect(stored.hasSuffix(String(expected.suffix(2048))))
            #expect(stored.utf8.count < expected.utf8.count)
            #expect(try value(fixture, "SELECT o.truncated FROM outputs o JOIN invocations i ON i.seq = o.invocation WHERE i.cmd = '\(quoted)' AND o.stream = 'stdout'") == ["1"])
        } else {
            #expect(stored == expected)
        }
        #expect(try fixture.shq("show", "@1", "-E").stdoutText == "err\n")
        let spool = try FileManager.default.contentsOfDirectory(atPath: fixture.database + "-spool")
        #expect(!spool.contains { $0.hasSuffix(".record") || $0.hasSuffix(".partial") }, "\(spool)")
    }
}
