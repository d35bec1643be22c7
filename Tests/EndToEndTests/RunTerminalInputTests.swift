import Foundation
import ShqTestSupport
import Testing

/// Design scenarios T04–T06 and T16: the command reads the terminal, in the foreground, after a stop,
/// and from the background (the kernel stops the job; shq stops with the command's own signal).
@Suite struct RunTerminalInputTests {
    static let ask = "shq run python3 -c 'print(\"got\", input(\"name? \"))'"

    @Test("T04: the command reads the terminal", arguments: ScenarioShell.all)
    func readsTerminal(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(Self.ask)
        try s.terminal.waitFor("name\\? $")
        try s.terminal.run("bob")
        try s.terminal.waitFor("^got bob$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestOutput("stdout") == Data("name? got bob\n".utf8))
    }

    @Test("T05: Ctrl-Z at the prompt, fg, then the command reads", arguments: ScenarioShell.all)
    func stopAtPrompt(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(Self.ask)
        try s.terminal.waitFor("name\\? $")
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob(Self.ask))
        try s.waitForPrompt()
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.terminal.run("eve")
        try s.terminal.waitFor("^got eve$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestEvents() == ["started", "stopped:20", "resumed", "exited:0"])
    }

    @Test("T06/T20: started with &, the read stops the job (tty input); fg, then it reads", arguments: ScenarioShell.all)
    func backgroundRead(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        // The kernel may stop the job (shq included) before shq relays the prompt: it shows after fg.
        try s.terminal.run(Self.ask + " &")
        try s.waitForStarted()
        try s.waitUntil("the job to stop") {
            try s.terminal.run("jobs")
            return try s.screenLines(matching: s.shell.stoppedTTYInput + ".*shq run python3").count > 0
        }
        #expect(try s.terminal.shellOwnsTerminal())
        try s.terminal.run("fg")
        try s.waitForJobInForeground()
        try s.terminal.run("amy")
        // Typed keys may echo before the relayed "name? " arrives, so the answer need not start a line.
        try s.terminal.waitFor("got amy$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        // The kernel stopped shq together with the command (SIGTTIN goes to the whole group), so the
        // stop is recorded when the job resumes, without its signal.
        #expect(try s.latestEvents() == ["started", "stopped", "resumed", "exited:0"])
    }

    @Test("T16: with stty tostop, a background job stops before printing; fg prints", arguments: ScenarioShell.all)
    func tostop(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("stty tostop; shq run bash -c 'sleep .5; echo hi' &")
        try s.waitForStarted()
        try s.waitForWrapperStopped()
        try s.terminal.run("jobs")
        try s.terminal.waitFor(s.shell.stoppedTTYOutput)
        #expect(try s.screenLines(matching: "^hi$").isEmpty)
        try s.terminal.run("fg")
        try s.terminal.waitFor("^hi$")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        try s.terminal.run("stty -tostop")
        #expect(try s.latestOutput("stdout") == Data("hi\n".utf8))
    }
}
