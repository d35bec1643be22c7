import Foundation
import ShqTestSupport
import Testing

/// `shq session` in real terminals: each command's stored output is exactly what the terminal received
/// between its C and D marks (read back from tmux's own record of the bytes), marks removed.
@Suite(.serialized) struct SessionCaptureTests {
    /// Every record's stored output against the terminal's segment of the same command.
    private func expectStoredMatchesTerminal(_ session: CaptureSession, records: [CaptureSession.Record]) throws {
        let segments = try session.terminalSegments(atLeast: records.count)
        #expect(segments.count == records.count, "segments: \(segments.count), records: \(records.map(\.cmd))")
        for (record, segment) in zip(records, segments) {
            let stored = try session.output(of: record)
            // A Bool, not `==` inside #expect: on a mismatch Swift Testing diffs the two collections, which
            // for the megabytes of an interrupted `seq` ran for over ten minutes.
            let same = stored.bytes == segment
            #expect(same, "\(record.cmd): stored \(stored.bytes.count) bytes, terminal got \(segment.count); \(firstDifference(stored.bytes, segment))")
            #expect(!stored.truncated)
        }
    }

    /// Where two byte strings part, with a little of each from there.
    private func firstDifference(_ stored: Data, _ terminal: Data) -> String {
        let a = [UInt8](stored), b = [UInt8](terminal)
        let offset = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        func around(_ bytes: [UInt8]) -> String {
            String(decoding: bytes[max(0, offset - 40)..<min(bytes.count, offset + 40)], as: UTF8.self).debugDescription
        }
        return "first difference at byte \(offset): stored \(around(a)), terminal \(around(b))"
    }

    @Test(arguments: TmuxTerminal.Shell.withFish)
    func plainFailingPipelineAndNoTrailingNewline(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        try session.command("echo hello; printf '\\033[31mred\\033[0m\\n'")
        try session.command("ls /nonexistent-shq")                       // fails, on stderr
        try session.command("printf 'b\\na\\nc\\n' | sort | tr a-z A-Z")   // a pipeline
        try session.command("printf 'no newline'")
        try session.waitForStoredOutputs(4)
        let records = try session.records()
        #expect(records.map(\.cmd) == ["echo hello; printf '\\033[31mred\\033[0m\\n'", "ls /nonexistent-shq",
                                       "printf 'b\\na\\nc\\n' | sort | tr a-z A-Z", "printf 'no newline'"])
        #expect(records.map(\.exit) == [0, 2, 0, 0])
        try expectStoredMatchesTerminal(session, records: records)
        // fish writes its window title, terminal modes and a carriage return after fish_preexec, where the
        // hook's start mark is: they open each output there, and nothing else does (Docs/session.md).
        func output(_ record: CaptureSession.Record) throws -> Data {
            let bytes = try session.output(of: record).bytes
            guard shell == .fish else { return bytes }
            let text = String(decoding: bytes, as: UTF8.self)
            let housekeeping = try #require(text.range(of: "^(\u{1B}\\[\\?2004l|\u{1B}\\]0;[^\u{07}]*\u{07}|\u{1B}\\[[0-9;]*m|\u{1B}\\(B)*\r?",
                                                       options: .regularExpression))
            #expect(text[housekeeping].contains("\u{1B}]0;"), "\(text.debugDescription)")
            return Data(text[housekeeping.upperBound...].utf8)
        }
        #expect(try output(records[0]) == Data("hello\r\n\u{1B}[31mred\u{1B}[0m\r\n".utf8))
        let sorted = String(decoding: try output(records[2]), as: UTF8.self)
        #expect(sorted == "A\r\nB\r\nC\r\n", "\(sorted.debugDescription)")
        #expect(try output(records[3]) == Data("no newline".utf8))
        #expect(try session.proxyCount() == 1)
    }

    /// fish restarts itself under the proxy from config.fish: the terminal starts a plain `fish -i`, whose
    /// `shq hook init --capture | source` execs `shq session -- fish -i` (the terminal back on stdin from
    /// /dev/tty: inside `| source` stdin is the pipe). What comes after the hook line runs once, in the
    /// fish under the proxy, which records the command and keeps its output; `stty -a` is what it is in
    /// a plain fish on the same terminal.
    @Test func fishRestartsUnderTheProxyFromConfigFish() throws {
        let session = try CaptureSession(.fish, after: "echo ran >> $HOME/after-hook")
        let pane = try session.terminal.shellPID()
        let argv = ((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pane)/cmdline"))) ?? Data()).split(separator: 0)
            .map { String(decoding: $0, as: UTF8.self) }
        #expect(argv.count > 3 && argv[0].hasSuffix("shq") && argv[1] == "session" && argv[2] == "--" && argv[3].hasSuffix("fish"),
                "the terminal's process is the proxy: \(argv)")
        let inner = try #require(try session.innerShellPID())
        #expect(try String(contentsOfFile: "/proc/\(inner)/comm", encoding: .utf8).hasPrefix("fish"))
        // fish's `shq hook init` that ended before the exec is not left a zombie under the proxy.
        #expect(try session.proxyChildren() == [inner])
        try session.command("echo captured-(math 6 '*' 7)")
        try session.command("stty -a > $HOME/stty-under-proxy")
        try session.waitForStoredOutputs(2)
        let records = try session.records()
        #expect(records.map(\.cmd) == ["echo captured-(math 6 '*' 7)", "stty -a > $HOME/stty-under-proxy"])
        let first = try #require(records.first)
        #expect(String(decoding: try session.output(of: first).bytes, as: UTF8.self).hasSuffix("captured-42\r\n"))
        let ran = try String(contentsOfFile: session.terminal.home.file("after-hook"), encoding: .utf8)
        #expect(ran == "ran\n", "config.fish after the hook line ran once: \(ran.debugDescription)")
        #expect(try session.proxyCount() == 1)
        // The same settings as a plain fish's terminal.
        let plain = try TmuxTerminal(.fish, database: session.fixture.database)
        try plain.run("stty -a > $HOME/stty-plain; echo done-$status")
        try plain.waitFor("^done-0$", timeout: 20)
        let underProxy = try String(contentsOfFile: session.terminal.home.file("stty-under-proxy"), encoding: .utf8)
        let direct = try String(contentsOfFile: plain.home.file("stty-plain"), encoding: .utf8)
        #expect(underProxy.replacingOccurrences(of: "rows \\d+; columns \\d+", with: "", options: .regularExpression)
            == direct.replacingOccurrences(of: "rows \\d+; columns \\d+", with: "", options: .regularExpression))
    }

    /// 50 MB through the session: the terminal gets all of it, the store its first and last MiB, marked
    /// truncated; then binary output (every byte value but ESC) is stored exactly.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func largeAndBinaryOutput(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        try session.command("seq 1 6600000", timeout: 120)  // 50.6 MB
        try session.command("head -c 300000 /dev/urandom | tr -d '\\033' > \"$HOME/blob\"; cat \"$HOME/blob\"")
        try session.waitForStoredOutputs(2)
        let records = try session.records()
        #expect(records.count == 2)
        guard records.count == 2 else { return }
        let segments = try session.terminalSegments(atLeast: 2, timeout: 60)
        guard segments.count == 2 else { Issue.record("terminal segments: \(segments.count)"); return }
        #expect(segments[0].count > 50_000_000)
        let large = try session.output(of: records[0])
        #expect(large.truncated)
        #expect(large.bytes.count == 2 << 20)
        #expect(large.bytes.prefix(1 << 20) == segments[0].prefix(1 << 20))
        #expect(large.bytes.suffix(1 << 20) == segments[0].suffix(1 << 20))
        let binary = try session.output(of: records[1])
        #expect(binary.bytes == segments[1] && !binary.truncated)
        let blob = try Data(contentsOf: URL(fileURLWithPath: session.terminal.home.file("blob")))
        #expect(binary.bytes.count >= blob.count)  // LF became CR LF on the way to the terminal
    }

    @Test(arguments: TmuxTerminal.Shell.allCases)
    func interruptedAndResizedWhilePrinting(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        var ended = session.endMarks()
        // Numbers at ~60 KB/s, not `seq` at full speed: under load Ctrl-C could land seconds after the screen
        // shows 5 digits, past the session's 2 MiB cap, and a capped output is rightly not the terminal's.
        // (Python, which dies of the SIGINT: awk's system() ignores it while its sleep runs.)
        try session.run("python3 -uc 'import time; [time.sleep(0.01) for i in range(1, 10**9) if print(i) or i % 100 == 0]'")
        try session.terminal.waitFor("^[0-9]{5}$")
        try session.terminal.key("C-c")
        try waitUntil("the loop ended") { session.endMarks() > ended }
        ended = session.endMarks()
        try session.run("for i in 1 2 3 4 5 6; do stty size; sleep 0.2; done")
        try session.terminal.waitFor("^40 120$")
        try session.terminal.resize(width: 90, height: 30)
        try session.terminal.waitFor("^30 90$")
        try waitUntil("the loop ended") { session.endMarks() > ended }
        try session.waitForStoredOutputs(2)
        let records = try session.records()
        #expect(records.map(\.exit) == [130, 0])
        try expectStoredMatchesTerminal(session, records: records)
        let sizes = String(decoding: try session.output(of: records[1]).bytes, as: UTF8.self)
        #expect(sizes.hasPrefix("40 120\r\n") && sizes.hasSuffix("30 90\r\n"), "\(sizes)")
    }

    /// The nested shell on the same terminal starts no second proxy; its commands' output belongs to
    /// the outer command (`bash`/`zsh`). `exit 3` ends the session with status 3.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func nestedShellAndExitStatus(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        #expect(try session.proxyCount() == 1)
        try session.run(shell == .bash ? "bash --noprofile -i" : "zsh -i")
        try session.run("echo inner")  // the nested shell writes no marks: wait on the screen
        try session.sync()
        #expect(try session.proxyCount() == 1)
        try session.command("exit")
        try session.command("echo outer")
        try session.waitForStoredOutputs(2)
        let records = try session.records()
        let outer = try #require(records.last { $0.cmd == "echo outer" })
        #expect(try session.output(of: outer).bytes == Data("outer\r\n".utf8))

        // `shq session` itself, started from a plain shell: it leaves with the inner shell's status.
        let plain = try TmuxTerminal(shell, database: session.fixture.database)
        let rc = shell == .bash ? "--noprofile -i" : "-i"
        try plain.run("shq session -- \(shell.rawValue) \(rc)")
        try plain.run("echo \"$SHQ_SESSION_TTY\" > \"$HOME/served\"")
        let served = plain.home.file("served")
        try waitUntil("the inner shell ran") { (try? String(contentsOfFile: served, encoding: .utf8))?.hasSuffix("\n") == true }
        // Keys typed before the proxy has ended would go to the inner shell, which is gone: wait.
        try plain.run("exit 3")
        try waitUntil("the session ended") { try plain.shellOwnsTerminal() }
        #expect(try plain.lastStatus() == 3)
        let servedTerminal = try String(contentsOfFile: served, encoding: .utf8)
        #expect(servedTerminal.hasPrefix("/dev/pts/"))
    }

    /// Nothing of what the ignore rules, the secret list or `shq hook off` keep out is stored, and a
    /// password typed with echo off never reaches the store.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func privacy(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        try session.command(" echo hidden-by-space")
        try session.command("SHQ_EXCLUDE='*excluded*'")  // (itself excluded)
        try session.command("echo excluded-output")
        try session.command("pass show bank 2>/dev/null; echo secret-prone-output")
        try session.command("shq hook off")
        try session.command("echo while-off")
        try session.command("shq hook on")
        try session.run("read -s pw; echo \"length ${#pw}\"")
        try session.terminal.waitFor("read -s pw")
        try session.terminal.type("hunter2-Sup3rSecret")
        try session.terminal.key("Enter")
        try session.terminal.waitFor("^length 19")
        try session.sync()
        try session.command("echo last")
        try session.waitForStoredOutputs(2)
        let records = try session.records()
        #expect(records.map(\.cmd) == ["read -s pw; echo \"length ${#pw}\"", "echo last"])
        if let read = records.first {
            let stored = String(decoding: try session.output(of: read).bytes, as: UTF8.self)
            #expect(stored.hasSuffix("length 19\r\n") && stored.count <= "\r\nlength 19\r\n".count, "\(stored.debugDescription)")
        }
        // No trace of what was kept out, anywhere in the store's files.
        let directory = (session.fixture.database as NSString).deletingLastPathComponent
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) ?? Data()
            for secret in ["hunter2-Sup3rSecret", "hidden-by-space", "excluded-output", "secret-prone-output", "while-off"] {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in \(name)")
            }
        }
    }

    /// A full-screen program is noted, not stored; `capture_alt_screen = true` keeps it. `shq run` keeps
    /// its own streams and the session stores nothing a second time.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func fullScreenAndShqRun(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        try session.run("less /etc/passwd")
        try session.terminal.waitFor("root")
        try session.terminal.key("q")
        try session.sync()
        try session.command("shq run echo from-run")
        try session.command("echo after")
        try session.waitForStoredOutputs(1)
        let records = try session.records()
        let less = try #require(records.first { $0.cmd == "less /etc/passwd" })
        #expect(less.tag == "fullscreen")
        #expect(try !session.hasOutput(less))
        let run = try #require(records.first { $0.cmd == "echo from-run" })
        #expect(try session.fixture.sqlite("SELECT stream FROM outputs WHERE invocation = \(run.seq) ORDER BY stream") == ["stderr", "stdout"])
        #expect(try session.fixture.sqlite("SELECT count(*) FROM outputs WHERE stream = 'pty'") == ["1"])

        let keeping = try CaptureSession(shell, config: "capture_alt_screen = true\n")
        try keeping.run("less /etc/passwd")
        try keeping.terminal.waitFor("root")
        try keeping.terminal.key("q")
        try keeping.sync()
        try keeping.waitForStoredOutputs(1)
        let kept = try #require(try keeping.records().first)
        #expect(kept.tag == nil)
        #expect(try keeping.output(of: kept).bytes.range(of: Data("root".utf8)) != nil)
    }

    /// Closing the window hangs up the shell under the proxy, as without one; so does killing the proxy.
    @Test(arguments: TmuxTerminal.Shell.withFish)
    func hangUpReachesTheShell(_ shell: TmuxTerminal.Shell) throws {
        let closed = try CaptureSession(shell)
        let first = try #require(try closed.innerShellPID())
        try closed.terminal.closeWindow()
        try waitUntil("the shell got the hang-up") { !CaptureSession.isAlive(first) }

        let killed = try CaptureSession(shell)
        let second = try #require(try killed.innerShellPID())
        kill(try killed.terminal.shellPID(), SIGKILL)
        try waitUntil("the shell got the hang-up") { !CaptureSession.isAlive(second) }
    }

    /// tmux started inside a session: its pane is a new terminal, so the pane's shell gets a proxy of its
    /// own although it inherits SHQ_SESSION_TTY (naming the outer terminal) from the tmux server.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func tmuxPaneGetsItsOwnProxy(_ shell: TmuxTerminal.Shell) throws {
        let session = try CaptureSession(shell)
        let start = shell == .bash ? "bash --noprofile -i" : "zsh -i"
        let socket = "shq-inner-\(getpid())-\(shell.rawValue)"
        try session.command("tmux -L \(socket) -f /dev/null new-session -d '\(start)'; tmux -L \(socket) display -p '#{pane_pid}' > \"$HOME/pane\"")
        defer { try? session.command("tmux -L \(socket) kill-server") }
        let pane = try #require(Int32(try String(contentsOfFile: session.terminal.home.file("pane"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        try waitUntil("the pane's shell runs under its own proxy") {
            let argv = ((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pane)/cmdline"))) ?? Data()).split(separator: 0)
            return argv.count > 1 && String(decoding: argv[1], as: UTF8.self) == "session"
        }
        #expect(try session.proxyCount() == 1)  // the outer terminal still has exactly one
    }

    /// A store locked by another process never holds up the terminal: commands run and print at full
    /// speed while the lock is held; once it is released, output is stored again, and the output of the
    /// commands run under the lock arrives too (it waited in the spool).
    @Test func aLockedStoreNeverStallsTheTerminal() throws {
        let session = try CaptureSession(.bash)
        try session.command("echo before")
        try session.waitForStoredOutputs(1)
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let ready = session.terminal.home.file("locked")
        locker.arguments = ["-c", """
            import sqlite3, time, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            open(sys.argv[2], 'w').close()
            time.sleep(20)
            """, session.fixture.database, ready]
        try locker.run()
        defer { if locker.isRunning { locker.terminate() } }
        try waitUntil("the store is locked") { FileManager.default.fileExists(atPath: ready) }
        for round in 1...3 { try session.command("seq 1 300000; echo round \(round)") }
        #expect(locker.isRunning, "the commands ended only after the lock was released")
        locker.terminate()
        locker.waitUntilExit()
        try session.command("echo after")
        try waitUntil("output is stored again") { try session.records().last.map { try session.hasOutput($0) } == true }
        for round in 1...3 {
            let record = try #require(try session.records().first { $0.cmd == "seq 1 300000; echo round \(round)" })
            let bytes = try session.output(of: record).bytes
            #expect(String(decoding: bytes.suffix(20), as: UTF8.self).hasSuffix("300000\r\nround \(round)\r\n"), "round \(round)")
        }
    }

    /// The data folder removed while the session runs: the proxy does not go on writing into the deleted
    /// file, it reopens the store (recreating it) as a new shq process would.
    @Test func aRemovedStoreIsReopened() throws {
        let session = try CaptureSession(.bash)
        try session.command("echo before")
        try session.waitForStoredOutputs(1)
        try session.command("rm -rf \"$(dirname \"$SHQ_DB\")\"")
        try session.command("echo after")
        try waitUntil("the new store has the output") {
            FileManager.default.fileExists(atPath: session.fixture.database)
                && (try? session.records().last { $0.cmd == "echo after" }.map { try session.output(of: $0).bytes }) == Data("after\r\n".utf8)
        }
    }

    /// A store that cannot be opened: the shell starts as usual, with one note, and does not try again.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func withoutAStoreTheShellStartsAsUsual(_ shell: TmuxTerminal.Shell) throws {
        let fixture = StoreFixture()
        let blocker = fixture.directory.file("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let terminal = try TmuxTerminal(shell, database: blocker + "/shq/history.db", rc: "eval \"$(shq hook init --capture)\"")
        try terminal.run("echo \"served=$SHQ_SESSION_TTY\"; tty")
        let screen = try terminal.waitFor("^/dev/pts/")
        let notes = screen.components(separatedBy: "\n").filter { $0.hasPrefix("shq: session: cannot open the store") }
        #expect(notes.count == 1, "\(screen)")
        let lines = screen.components(separatedBy: "\n")
        let served = try #require(lines.first { $0.hasPrefix("served=") })
        #expect(lines.contains(String(served.dropFirst("served=".count))))  // the real terminal: no second try
    }

    /// `SHQ_CAPTURE=0` turns capture off for one terminal: no proxy, the hook records as usual.
    @Test func captureOffForOneTerminal() throws {
        let session = try CaptureSession(.bash, environment: ["SHQ_CAPTURE": "0"])
        #expect(try session.proxyCount() == 0)
        try session.run("echo plain")
        try session.sync()
        let records = try session.records()
        #expect(records.map(\.cmd) == ["echo plain"])
        if let record = records.first { #expect(try !session.hasOutput(record)) }
    }

    /// A terminal query and its answer cross the proxy both ways untouched: device attributes asked by
    /// a program inside get tmux's reply.
    @Test func terminalQueriesAreAnswered() throws {
        let session = try CaptureSession(.bash)
        // Echo goes off before the query: the answer can arrive before `read` would have turned it off.
        try session.command("stty -echo; printf '\\033[c'; IFS= read -r -d c -t 5 reply; stty echo; printf 'reply=%q\\n' \"$reply\"")
        try session.terminal.waitFor(#"^reply=\$'\\E\[\?[0-9;]+'$"#)
    }
}
