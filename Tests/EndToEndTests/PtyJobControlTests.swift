import Foundation
import ShqTestSupport
import Testing

/// Design scenarios T01–T07 and T13 again with `shq run --pty`, in a real terminal under bash and zsh (T01,
/// T02 and T10 in fish too):
/// the command now sits on its own PTY, so every stop and continue goes through the monitor.
@Suite(.serialized) struct PtyJobControlTests {
    @Test("T01 --pty: Ctrl-Z, jobs, bg, fg, Ctrl-C", arguments: ScenarioShell.withFish)
    func stopContinueInterrupt(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run --pty sleep 30")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run --pty sleep 30"))
        try s.waitForPrompt()
        #expect(try s.latest("status") == "stopped")
        try s.terminal.clear()
        try s.terminal.run("jobs")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run --pty sleep 30"))
        try s.terminal.run("bg")
        try s.terminal.waitFor(s.shell.continued)
        try s.waitForPrompt()
        try s.waitUntil("status running") { try s.latest("status") == "running" }
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.waitForCommandInPtyForeground()  // shq notices `fg` by polling (no SIGCONT for a running job)
        try s.terminal.key("C-c")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == s.shell.statusAfterForeground(130))
        #expect(try s.latest("signal") == "2")
        #expect(try s.latestEvents() == ["started", "stopped:20", "resumed", "signaled:2"])
        #expect(try s.latestStreams() == ["pty"])
    }

    @Test("T02 --pty: output before Ctrl-Z shown before the Stopped line, the rest after fg", arguments: ScenarioShell.withFish)
    func stopMidOutput(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run --pty bash -c 'for i in 1 2 3 4 5; do echo L$i; sleep 0.4; done'")
        try s.terminal.waitFor("^L2$")
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run --pty bash -c 'for i in 1 2 3 4 5; do echo L$i; sleep 0.4; done'"))
        try s.waitForCommandStopped()
        #expect(try s.screenLines(matching: "^L[45]$").isEmpty)
        try s.terminal.run("fg")
        try s.terminal.waitFor("^L5$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: "^L\\d$") == ["L1", "L2", "L3", "L4", "L5"])
        // What the screen got from the PTY: its line discipline turned \n into \r\n and echoed the
        // Ctrl-Z as ^Z, as a terminal does.
        let stored = String(decoding: try s.latestTerminalOutput(), as: UTF8.self)
        #expect(stored.contains("^Z"))
        #expect(stored.replacingOccurrences(of: "^Z", with: "") == "L1\r\nL2\r\nL3\r\nL4\r\nL5\r\n")
    }

    @Test("T03 --pty: started with &, the shell keeps the terminal; fg and Ctrl-C", arguments: ScenarioShell.all)
    func background(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.saveSettings("before")
        try s.terminal.run("shq run --pty sleep 30 &")
        try s.terminal.waitFor("^\\[1\\] \\d+")
        try s.waitForCommandSpawned()
        #expect(try s.terminal.shellOwnsTerminal())
        try s.saveSettings("during")  // a background shq must not touch the terminal
        #expect(try s.settings("during") == (try s.settings("before")))
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.waitForCommandInPtyForeground()
        try s.terminal.key("C-c")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 130)
        #expect(try s.latest("signal") == "2")
    }

    @Test("T04 --pty: a program reads a line typed at the terminal", arguments: ScenarioShell.all)
    func readLine(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(#"shq run --pty python3 -c 'print("got", input("name? "))'"#)
        try s.terminal.waitFor("name\\? $")
        try s.terminal.run("bob")
        try s.terminal.waitFor("^got bob")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestTerminalOutput() == Data("name? bob\r\ngot bob\r\n".utf8))
    }

    @Test("T05 --pty: Ctrl-Z at the prompt, fg, then the line is read", arguments: ScenarioShell.all)
    func stopAtPrompt(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(#"shq run --pty python3 -c 'print("got", input("name? "))'"#)
        try s.terminal.waitFor("name\\? $")
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob(#"shq run --pty python3 -c 'print("got", input("name? "))'"#))
        try s.waitForPrompt()
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.waitForCommandInPtyForeground()
        try s.terminal.run("eve")
        try s.terminal.waitFor("^got eve")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
    }

    @Test("T06 --pty: started with &, stops on reading the terminal; fg, then the line is read", arguments: ScenarioShell.all)
    func backgroundRead(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(#"shq run --pty python3 -c 'print("got", input("name? "))' &"#)
        try s.waitForWrapperStopped()
        // bash reports a background stop only at its next prompt, and plain `jobs` says only "Stopped".
        try s.terminal.run("jobs -l")
        try s.terminal.waitFor(s.shell.jobsLongTTYInput)
        #expect(try s.terminal.shellOwnsTerminal())
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.waitForCommandInPtyForeground()
        try s.terminal.run("amy")
        try s.terminal.waitFor("^got amy")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestEvents().contains("stopped:21"))
    }

    @Test("T07 --pty: Ctrl-C breaks out of a loop of shq run --pty", arguments: ScenarioShell.all)
    func interruptLoop(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("for i in 1 2 3; do shq run --pty sleep 3; echo next $i; done; echo END")
        try s.waitForStarted()
        try s.waitForCommandInPtyForeground()
        try s.terminal.key("C-c")
        try s.waitForPrompt()  // back only once the loop has ended: anything it printed is above
        #expect(try s.screenLines(matching: "^(next|END)").isEmpty)
        #expect(try s.fixture.sqlite("SELECT count(*) FROM \(RunScenario.runRecords)") == ["1"])
    }

    @Test("T08 --pty: one Ctrl-Z stops a script running shq run --pty", arguments: ScenarioShell.all)
    func stopScript(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("bash -c 'shq run --pty sleep 30; echo after'")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("bash -c 'shq run --pty sleep 30; echo after'"))
        try s.waitForPrompt()
        #expect(try s.screenLines(matching: "^after").isEmpty)
        try s.terminal.run("kill -9 %1")
    }

    @Test("T09 --pty: Ctrl-C stops a script running shq run --pty", arguments: ScenarioShell.all)
    func interruptScript(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("bash -c 'shq run --pty sleep 30; echo after rc=$?'")
        try s.waitForStarted()
        try s.waitForCommandInPtyForeground()
        try s.terminal.key("C-c")
        try s.waitForPrompt()  // back only once the script has ended: anything it printed is above
        #expect(try s.screenLines(matching: "^after").isEmpty)
        #expect(try s.terminal.lastStatus() == 130)
    }

    @Test("T10 --pty: into a pager, stdout is a pipe: pipes with a note, less works, never stopped", arguments: ScenarioShell.withFish)
    func pager(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run --pty ls -la /usr/bin | less")
        try s.terminal.waitFor("^:$|\\(END\\)")
        try s.terminal.key("q")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: s.shell.stopped).isEmpty)
        try s.waitUntil("the record to end") { try s.latest("status") == "completed" }
        #expect(try s.latestStreams() == ["stderr", "stdout"])
    }

    @Test("T11 --pty: a background grandchild holding the PTY does not keep shq waiting", arguments: ScenarioShell.all)
    func grandchild(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("t0=$(date +%s%N); shq run --pty bash -c 'sleep 4 & echo started'; echo \"__MS=$(( ($(date +%s%N) - t0) / 1000000 ))__\"")
        let screen = try s.terminal.waitFor("^__MS=\\d+__$")
        let ms = Int(screen.split(separator: "\n").first { $0.hasPrefix("__MS=") }!.dropFirst(5).dropLast(2))!
        #expect(ms < 1500)
        #expect(try s.latest("exit_code") == "0")
        #expect(try s.latestTerminalOutput() == Data("started\r\n".utf8))
    }

    @Test("T16 --pty: with stty tostop, a background job stops before printing; fg prints", arguments: ScenarioShell.all)
    func tostop(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("stty tostop; shq run --pty bash -c 'sleep .5; echo hi' &")
        try s.waitForStarted()
        try s.waitForWrapperStopped()
        try s.terminal.run("jobs -l")
        try s.terminal.waitFor(s.shell == .bash ? "Stopped \\(tty output\\)" : "suspended \\(tty output\\)")
        #expect(try s.screenLines(matching: "^hi\r?$").isEmpty)
        try s.terminal.run("fg")
        try s.terminal.waitFor("^hi$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        try s.terminal.run("stty -tostop")
    }

    @Test("shq kill from elsewhere ends a stopped --pty job; the shell sees it terminated", arguments: ScenarioShell.all)
    func killStoppedJob(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run --pty sleep 30")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run --pty sleep 30"))
        try s.waitForPrompt()
        let killed = try s.fixture.shq("kill", try s.latest("id"))
        #expect(killed.status == 0, "\(killed.stderrText)")
        try s.waitUntil("the record to end") { try s.latest("status") == "failed" }
        #expect(try s.latest("signal") == "15")
        try s.terminal.run("jobs")  // bash reports the job's end at its next prompt
        try s.terminal.waitFor("[Tt]erminated +shq run --pty sleep 30")
    }

    @Test("T13 --pty: exit codes, death by signal, command not found", arguments: ScenarioShell.all)
    func exitStatuses(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.runToEnd("shq run --pty sh -c 'exit 7'")
        #expect(try s.terminal.lastStatus() == 7)
        try s.runToEnd("shq run --pty sh -c 'kill -TERM $$'")
        #expect(try s.terminal.lastStatus() == 143)
        #expect(try s.latest("signal") == "15")
        try s.runToEnd("shq run --pty no-such-cmd-xyz")
        try s.terminal.waitFor("shq: no-such-cmd-xyz: command not found")
        #expect(try s.terminal.lastStatus() == 127)
        #expect(try s.latest("exit_code") == "127")
    }
}
