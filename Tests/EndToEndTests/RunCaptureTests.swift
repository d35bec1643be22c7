import Foundation
import ShqTestSupport
import Testing

/// `shq run` without a terminal: what is relayed and what is stored, byte for byte; spawn failures;
/// the capture cap; --color; the recorded command text; forwarding; `shq show --follow`.
@Suite struct RunCaptureTests {
    @Test func stdoutAndStderrAreRelayedAndStoredSeparatelyAndExactly() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", "sh", "-c", "printf out1; printf err1 >&2; printf 'out2\\n'")
        #expect(run.status == 0)
        #expect(run.stdoutText == "out1out2\n")
        #expect(run.stderrText == "err1")
        #expect(try fixture.shq("show", "-O").stdoutText == "out1out2\n")
        #expect(try fixture.shq("show", "-E").stdoutText == "err1")
        #expect(try fixture.sqlite("SELECT stream || '=' || bytes FROM outputs ORDER BY stream") == ["stderr=4", "stdout=9"])
    }

    @Test func oneMegabyteWithoutTrailingNewline() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", "python3", "-c", "import sys; sys.stdout.write('x' * 1048575 + 'y')")
        #expect(run.stdout.count == 1_048_576)
        #expect(run.stdout.last == UInt8(ascii: "y"))
        #expect(try fixture.shq("show", "-O").stdout == run.stdout)
    }

    @Test func binaryOutputRoundTrips() throws {
        let fixture = StoreFixture()
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 256) })
        let file = fixture.directory.file("binary")
        try bytes.write(to: URL(fileURLWithPath: file))
        let run = try fixture.shq("run", "cat", file)
        #expect(run.stdout == bytes)
        #expect(try fixture.shq("show", "-O").stdout == bytes)
    }

    @Test func spawnFailuresExitWith127And126AndAreRecorded() throws {
        let fixture = StoreFixture()
        let missing = try fixture.shq("run", "no-such-command-shq")
        #expect(missing.status == 127)
        #expect(missing.stderrText == "shq: no-such-command-shq: command not found\n")
        let notExecutable = fixture.directory.file("plain.txt")
        try "data".write(toFile: notExecutable, atomically: true, encoding: .utf8)
        let denied = try fixture.shq("run", notExecutable)
        #expect(denied.status == 126)
        #expect(try fixture.sqlite("SELECT exit_code || ' ' || status FROM invocations ORDER BY seq") == ["127 failed", "126 failed"])
        #expect(try fixture.shq("show", "-E", "~2").stdoutText == "shq: no-such-command-shq: command not found\n")
    }

    @Test func shellLineIsRecordedAsWritten() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", "-c", "echo a b | tr a-z A-Z && echo ok", environment: ["SHELL": "/bin/sh"])
        #expect(run.stdoutText == "A B\nok\n")
        #expect(try fixture.sqlite("SELECT cmd || '|' || shell FROM invocations") == ["echo a b | tr a-z A-Z && echo ok|sh"])
    }

    @Test func recordedArgvRerunsAsTheSameArgv() throws {
        let fixture = StoreFixture()
        let words = ["%s|", "a b", "it's", "$HOME", "", "*", "x\ny"]
        let run = try fixture.shq(arguments: ["run", "printf"] + words)
        // Read raw (the command holds a newline, which sqlite() would split).
        let cmd = try ShqProcess.run([fixture.database, "SELECT cmd FROM invocations"], executable: "/usr/bin/sqlite3").stdoutText.dropLast()
        let rerun = try ShqProcess.run(["-c", String(cmd)], executable: "/bin/sh")
        #expect(rerun.stdout == run.stdout)
        #expect(run.stdoutText == "a b|it's|$HOME||*|x\ny|")
    }

    @Test func argumentsThatAreNotUTF8RunAndAreStoredExactly() throws {
        let fixture = StoreFixture()
        let run = try ShqProcess.run(["-c", "shq run printf %s \"$(printf '\\377\\376')\""], database: fixture.database,
            environment: ["PATH": (ShqProcess.binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"], executable: "/bin/sh")
        #expect(run.stdout == Data([0xFF, 0xFE]))
        #expect(try fixture.sqlite("SELECT hex(cmd) FROM invocations") == [Data("printf %s '".utf8).hex + "FFFE27"])
    }

    @Test func colorFlagSetsTheConventions() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", "--color", "sh", "-c", "echo \"$CLICOLOR_FORCE/$FORCE_COLOR/${NO_COLOR-unset}\"", environment: ["NO_COLOR": "1"])
        #expect(run.stdoutText == "1/1/unset\n")
        let plain = try fixture.shq("run", "sh", "-c", "echo \"${CLICOLOR_FORCE-unset}\"")
        #expect(plain.stdoutText == "unset\n")
    }

    @Test func captureCapKeepsHeadAndTailAndMarksTruncated() throws {
        let fixture = StoreFixture()
        let script = "import sys\nfor i in range(100000): sys.stdout.write('line %06d\\n' % i)"
        let run = try fixture.shq("run", "--capture-cap", "64K", "python3", "-c", script)
        #expect(run.stdout.count == 1_200_000)  // relaying is never capped
        let stored = try fixture.shq("show", "-O").stdout
        #expect(stored.count >= 64 * 1024 && stored.count <= 64 * 1024 + 16 * 1024)
        #expect(stored.prefix(32 * 1024) == run.stdout.prefix(32 * 1024))
        #expect(stored.dropFirst(32 * 1024) == run.stdout.suffix(stored.count - 32 * 1024))
        #expect(try fixture.sqlite("SELECT truncated FROM outputs WHERE stream = 'stdout'") == ["1"])
        // Under the cap nothing is cut; the environment variable sets the cap too.
        let small = try fixture.shq("run", "python3", "-c", script, environment: ["SHQ_CAPTURE_CAP": "2M"])
        #expect(try fixture.shq("show", "-O").stdout == small.stdout)
        #expect(try fixture.sqlite("SELECT truncated FROM outputs WHERE stream = 'stdout' ORDER BY invocation DESC LIMIT 1") == ["0"])
    }

    @Test func helpIsNotTakenForTheCommand() throws {
        let fixture = StoreFixture()
        let help = try fixture.shq("run", "--help")
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("OVERVIEW: Run a command"))
        #expect(try fixture.shq("run", "--", "sh", "-c", "echo x").stdoutText == "x\n")
    }

    @Test func nestedRunRecordsBoth() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", ShqProcess.binary, "run", "sh", "-c", "echo inner; exit 3")
        #expect(run.status == 3)
        #expect(run.stdoutText == "inner\n")
        #expect(try fixture.sqlite("SELECT exit_code FROM invocations ORDER BY seq") == ["3", "3"])
    }

    @Test func signalSentToShqAloneIsForwardedAndMirrored() throws {
        let fixture = StoreFixture()
        // Spawned with default dispositions: the test runner blocks or ignores SIGTERM, and an ignored signal is
        // (rightly) never seen by shq.
        let pid = try DirectProcess.spawn(ShqProcess.binary, ["run", "sleep", "30"], environment: ["SHQ_DB": fixture.database])
        try Self.waitUntil { try fixture.sqlite("SELECT count(*) FROM invocation_events WHERE kind = 'started'") == ["1"] }
        // From another process group (a session of its own): a signal from shq's own group is taken to
        // have reached the command already (kill(0, …)) and is not forwarded.
        try ShqProcess.run(["/bin/kill", "-TERM", String(pid)], executable: "/usr/bin/setsid")
        #expect(DirectProcess.wait(pid).signal == SIGTERM)
        #expect(try fixture.sqlite("SELECT kind || coalesce(':' || signal, '') FROM invocation_events ORDER BY rowid")
            == ["started", "forwarded:15", "signaled:15"])
    }

    /// A Ctrl-C that arrived before the command started: it is not started, the record says
    /// `interrupted`, and shq dies of SIGINT. (The signal is made pending, blocked, across exec.)
    @Test func signalPendingBeforeSpawnMeansNotStarted() throws {
        let fixture = StoreFixture()
        let marker = fixture.directory.file("ran")
        let script = """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            os.kill(os.getpid(), signal.SIGINT)
            os.execv(sys.argv[1], [sys.argv[1], "run", "touch", sys.argv[2]])
            """
        let pid = try DirectProcess.spawn("/usr/bin/env", ["python3", "-c", script, ShqProcess.binary, marker],
            environment: ["SHQ_DB": fixture.database])
        #expect(DirectProcess.wait(pid).signal == SIGINT)
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try fixture.sqlite("SELECT status || ' ' || signal FROM invocations") == ["interrupted 2"])
    }

    @Test func theCommandIsReaped() throws {
        let fixture = StoreFixture()
        try fixture.shq("run", "sh", "-c", "exit 0")
        let pid = try #require(try fixture.sqlite("SELECT pid FROM invocations").first)
        // Reaped by shq before it exited: no process (zombie or not) with that pid is left.
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        #expect(stat.map { !$0.contains(") Z ") } ?? true)
    }

    @Test func followPrintsARunningCommandsOutputUntilItEnds() throws {
        let fixture = StoreFixture()
        let process = try Self.launch(["run", "sh", "-c", "echo one; echo warn >&2; sleep 2; echo two"], database: fixture.database)
        try Self.waitUntil { try fixture.sqlite("SELECT bytes > 0 FROM outputs WHERE stream = 'stdout'") == ["1"] }
        #expect(try fixture.sqlite("SELECT status FROM invocations") == ["running"])
        let follow = try fixture.shq("show", "--follow")
        #expect(follow.stdoutText == "one\ntwo\n")
        #expect(follow.stderrText == "warn\n")
        #expect(try fixture.sqlite("SELECT status FROM invocations") == ["completed"])
        process.waitUntilExit()
    }

    static func launch(_ arguments: [String], database: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ShqProcess.binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SHQ_DB"] = database
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func waitUntil(timeout: Double = 15, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try SQLiteFailed.pending(condition) { return }
            usleep(50_000)
        }
        throw ScenarioTimeout(what: "condition", screen: "")
    }
}

extension Data {
    var hex: String { map { String(format: "%02X", $0) }.joined() }
}
