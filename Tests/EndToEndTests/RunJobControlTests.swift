import Foundation
import ShqTestSupport
import Testing

/// Design scenarios T01–T03 and T07–T09 (T20: the same under zsh): Ctrl-Z, jobs, bg, fg, Ctrl-C, `&`,
/// loops and scripts, in a real terminal.
@Suite struct RunJobControlTests {
    @Test("T01/T20: Ctrl-Z, jobs, bg, fg, Ctrl-C", arguments: ScenarioShell.withFish)
    func stopContinueInterrupt(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run sleep 30")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run sleep 30"))
        try s.waitForPrompt()
        #expect(try s.latest("status") == "stopped")
        try s.terminal.clear()
        try s.terminal.run("jobs")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run sleep 30"))
        try s.terminal.run("bg")
        try s.terminal.waitFor(s.shell.continued)
        try s.waitForPrompt()
        try s.waitUntil("status running") { try s.latest("status") == "running" }
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.terminal.key("C-c")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == s.shell.statusAfterForeground(130))
        #expect(try s.latest("signal") == "2")
        #expect(try s.latest("status") == "failed")
        #expect(try s.latestEvents() == ["started", "stopped:20", "resumed", "signaled:2"])
    }

    @Test("shqr, the hook's alias: Ctrl-Z and jobs name the job shq run -- CMD", arguments: ScenarioShell.hookedWithFish)
    func shqrNamesTheJob(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shqr sleep 30")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run -- sleep 30"))
        try s.waitForPrompt()
        #expect(try s.latest("cmd") == "sleep 30")
        try s.terminal.clear()
        try s.terminal.run("jobs")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run -- sleep 30"))
        try s.terminal.run("kill -9 %1")
    }

    @Test("T02: output written before Ctrl-Z is shown before the Stopped line, the rest after fg", arguments: ScenarioShell.withFish)
    func stopMidOutput(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run bash -c 'for i in 1 2 3 4 5; do echo L$i; sleep 0.4; done'")
        try s.terminal.waitFor("^L2$")
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run bash -c 'for i in 1 2 3 4 5; do echo L$i; sleep 0.4; done'"))
        try s.waitForCommandStopped()
        #expect(try s.screenLines(matching: "^L[45]$").isEmpty)
        try s.terminal.run("fg")
        try s.terminal.waitFor("^L5$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: "^L\\d$") == ["L1", "L2", "L3", "L4", "L5"])
        #expect(try s.latestOutput("stdout") == Data("L1\nL2\nL3\nL4\nL5\n".utf8))
    }

    @Test("T03: started with &, the shell keeps the terminal; fg and Ctrl-C", arguments: ScenarioShell.withFish)
    func background(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run sleep 30 &")
        if s.shell == .fish {
            // fish says nothing when a job starts in the background: its `jobs` table shows it running.
            try s.waitForStarted()
            try s.terminal.run("jobs")
            try s.terminal.waitFor("running\\s+shq run sleep 30 &$")
        } else {
            try s.terminal.waitFor("^\\[1\\] \\d+")
            try s.waitForStarted()
        }
        #expect(try s.terminal.shellOwnsTerminal())
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.terminal.key("C-c")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == s.shell.statusAfterForeground(130))
        #expect(try s.latest("signal") == "2")
    }

    @Test("T07: Ctrl-C breaks out of a loop of shq run", arguments: ScenarioShell.withFish)
    func interruptLoop(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(s.shell == .fish ? "for i in 1 2 3; shq run sleep 3; echo next $i; end; echo END"
                                            : "for i in 1 2 3; do shq run sleep 3; echo next $i; done; echo END")
        try s.waitForStarted()
        try s.terminal.key("C-c")
        try s.waitForPrompt()  // back only once the loop has ended: anything it printed is above
        #expect(try s.screenLines(matching: "^(next|END)").isEmpty)
        #expect(try s.fixture.sqlite("SELECT count(*) FROM \(RunScenario.runRecords)") == ["1"])
    }

    @Test("T08: one Ctrl-Z stops a script running shq run", arguments: ScenarioShell.withFish)
    func stopScript(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("bash -c 'shq run sleep 30; echo after'")
        try s.waitForStarted()
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("bash -c 'shq run sleep 30; echo after'"))
        try s.waitForPrompt()
        #expect(try s.screenLines(matching: "^after").isEmpty)
        try s.terminal.run("kill -9 %1")
    }

    @Test("T09: Ctrl-C stops a script running shq run", arguments: ScenarioShell.withFish)
    func interruptScript(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("bash -c 'shq run sleep 30; echo after rc=$?'")
        try s.waitForStarted()
        try s.terminal.key("C-c")
        try s.waitForPrompt()  // back only once the script has ended: anything it printed is above
        #expect(try s.screenLines(matching: "^after").isEmpty)
        #expect(try s.terminal.lastStatus() == 130)
    }
}
