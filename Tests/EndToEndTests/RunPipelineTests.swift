import Foundation
import ShqTestSupport
import Testing

/// Design scenarios T10–T15 and T18: pagers, background grandchildren, output before a stop, exit
/// statuses, SIGPIPE, process substitution and an inner interactive shell.
@Suite struct RunPipelineTests {
    @Test("T10: shq run into a pager; q quits; never stopped", arguments: ScenarioShell.withFish)
    func pager(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run ls -la /usr/bin | less")
        try s.terminal.waitFor("^:$|\\(END\\)")
        try s.terminal.key("q")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: s.shell.stopped).isEmpty)
        try s.waitUntil("the record to end") { try s.latest("status") == "completed" }
    }

    @Test("T11: a background grandchild holding the pipe does not keep shq waiting", arguments: ScenarioShell.withFish)
    func grandchild(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(s.shell == .fish
            ? "set t0 (date +%s%3N); shq run bash -c 'sleep 4 & echo started'; echo __MS=(math (date +%s%3N) - $t0)__"
            : "t0=$(date +%s%N); shq run bash -c 'sleep 4 & echo started'; echo \"__MS=$(( ($(date +%s%N) - t0) / 1000000 ))__\"")
        let screen = try s.terminal.waitFor("^__MS=\\d+__$")
        let ms = Int(screen.split(separator: "\n").first { $0.hasPrefix("__MS=") }!.dropFirst(5).dropLast(2))!
        #expect(ms < 1500)
        #expect(try s.latest("exit_code") == "0")
        #expect(try s.latestOutput("stdout") == Data("started\n".utf8))
    }

    @Test("T12: everything written before the command stopped itself is above the Stopped line", arguments: ScenarioShell.withFish)
    func outputBeforeStop(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run bash -c 'yes 0123456789abcdef | head -c 240000; echo LASTLINE; kill -TSTP $$'")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run bash -c", whole: false))
        try s.waitForPrompt()
        let screen = try s.terminal.screen()
        let lines = screen.split(separator: "\n").map(String.init)
        // Contains, not ends with: failed once in CI under load (fish+hook) with no screen to show why.
        let last = try #require(lines.firstIndex { $0.contains("LASTLINE") }, "\(screen)")
        let stopped = try #require(lines.firstIndex { $0.range(of: s.shell.stopped, options: .regularExpression) != nil }, "\(screen)")
        #expect(last < stopped, "\(screen)")
        try s.terminal.run("fg")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestOutput("stdout").count == 240_000 + 9)
    }

    @Test("T13: exit code, death by signal, command not found", arguments: ScenarioShell.withFish)
    func statuses(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run sh -c 'exit 7'")
        #expect(try s.terminal.lastStatus() == 7)
        try s.terminal.run("shq run sh -c 'kill -TERM $$'")
        #expect(try s.terminal.lastStatus() == 143)
        try s.terminal.run("shq run no-such-cmd")
        #expect(try s.terminal.lastStatus() == 127)
        try s.terminal.waitFor("shq: no-such-cmd: command not found")
        #expect(try s.fixture.sqlite("SELECT coalesce(exit_code, 'x') || '/' || coalesce(signal, 'x') FROM \(RunScenario.runRecords) ORDER BY seq")
            == ["7/x", "x/15", "127/x"])
    }

    @Test("T14: yes | head -1 ends with SIGPIPE, recorded, no wrapper error", arguments: ScenarioShell.withFish)
    func brokenPipe(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run yes | head -1; echo \"__PS=\(s.shell.firstPipeStatus)__\"")
        try s.terminal.waitFor("^__PS=141__$")
        #expect(try s.screenLines(matching: "shq:").isEmpty)
        try s.waitUntil("the record to end") { try s.latest("status") == "failed" }
        #expect(try s.latest("signal") == "13")
    }

    @Test("T15: process substitution: inherited fds reach the command", arguments: ScenarioShell.withFish)
    func processSubstitution(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(s.shell == .fish ? "shq run cat (echo hi | psub)" : "shq run cat <(echo hi)")
        try s.terminal.waitFor("^hi$")
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.latestOutput("stdout") == Data("hi\n".utf8))
    }

    @Test("T18: an inner interactive shell has its own job control; the outer job never stops", arguments: ScenarioShell.withFish)
    func innerShell(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run bash --norc -i")
        try s.terminal.waitFor("bash-[0-9.]+[#$] $")
        try s.terminal.run("sleep 30")
        usleep(300_000)
        try s.terminal.key("C-z")
        try s.terminal.waitFor("Stopped +sleep 30")
        // The inner shell's prompt (stderr) and `jobs` (stdout) travel through separate pipes, so their
        // order on screen is not guaranteed: wait for the listing however it lands.
        try s.terminal.run("jobs")
        try s.waitUntil("the inner shell's job listing") {
            try s.screenLines(matching: "Stopped +sleep 30").count >= 2
        }
        try s.terminal.run("kill %1; kill -CONT %1; wait %1")  // the TERM acts once the job runs
        try s.terminal.waitFor("Terminated")
        usleep(200_000)
        try s.terminal.run("exit 0")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: "\(s.shell.stopped).*shq run").isEmpty)
        #expect(try s.latestEvents() == ["started", "exited:0"])
    }
}
