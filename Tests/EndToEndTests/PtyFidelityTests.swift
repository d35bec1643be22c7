import Foundation
import ShqTestSupport
import Testing

/// `shq run --pty` gives full-screen and colourful programs a real terminal: vim (T17), resizing (T19),
/// less, top, `ls --color=auto`, and the user's terminal settings come back unchanged.
@Suite(.serialized) struct PtyFidelityTests {
    @Test("T17: vim — Ctrl-Z restores the screen, fg redraws it, :q exits 0, stty unchanged", arguments: ScenarioShell.all)
    func vimSuspendResume(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.saveSettings("before")
        try s.terminal.clear()
        try s.terminal.run("shq run --pty vim -u NONE -n \(try s.longFile())")
        try s.terminal.waitFor("Network services, Internet style")
        try s.terminal.key("C-z")
        try s.terminal.waitFor(s.shell.stoppedJob("shq run --pty vim -u NONE -n \(try s.longFile())"))
        try s.waitForPrompt()
        // vim left its alternate screen: the file is gone, the command line that started it is back.
        #expect(try s.screenLines(matching: "Network services").isEmpty)
        #expect(try !s.screenLines(matching: "^\\$ shq run --pty vim").isEmpty)
        #expect(try s.latest("status") == "stopped")
        try s.saveSettings("stopped")
        #expect(try s.settings("stopped") == (try s.settings("before")))
        try s.terminal.run("fg")
        try s.terminal.waitFor("Network services, Internet style")
        try s.terminal.type(":q")
        try s.terminal.key("Enter")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        #expect(try s.screenLines(matching: "Network services").isEmpty)
        try s.saveSettings("after")
        #expect(try s.settings("after") == (try s.settings("before")))
        #expect(try s.latestEvents() == ["started", "stopped:20", "resumed", "exited:0"])
    }

    /// `shq rerun` of a `--pty` run gives the command a terminal again (it used to rerun through pipes),
    /// and says first what it runs.
    @Test func rerunOfAPtyRunHasATerminalAgain() throws {
        let s = try RunScenario(ScenarioShell(shell: .bash, hooked: false))
        let probe = #"for fd in 0 1 2; do if [ -t $fd ]; then printf T; else printf P; fi; done; echo"#
        try s.terminal.run("shq run --pty -c '\(probe)'")
        try s.terminal.waitFor("^TTT$")
        try s.waitForPrompt()
        try s.terminal.clear()
        try s.terminal.run("shq rerun")
        let screen = try s.terminal.waitFor("^TTT$")
        #expect(screen.contains("rerun: cd "))
        #expect(screen.contains("shq run --pty -c"))
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
    }

    @Test("T19: the program sees the terminal's new size after a resize", arguments: ScenarioShell.all)
    func resize(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run(#"shq run --pty bash -c 'trap "echo size=\$(stty size)" WINCH; echo ready=$(stty size); while :; do sleep 0.1; done'"#)
        try s.terminal.waitFor("^ready=40 120$")
        try s.terminal.resize(width: 90, height: 30)
        try s.terminal.waitFor("^size=30 90$")
        try s.terminal.key("C-c")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 130)
    }

    @Test("closing the terminal window hangs up the command and shq: both end, the record says SIGHUP", arguments: ScenarioShell.all)
    func hangUp(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.terminal.run("shq run --pty sleep 300")
        try s.waitForStarted()
        let pids = try s.fixture.sqlite("SELECT pid || ' ' || wrapper_pid FROM \(RunScenario.runRecords)").first ?? ""
        let numbers = pids.split(separator: " ").compactMap { pid_t($0) }
        try #require(numbers.count == 2)
        try s.terminal.closeWindow()
        try s.waitUntil("the command and shq to end") { numbers.allSatisfy { kill($0, 0) != 0 } }
        try s.waitUntil("the record to end") { try s.latest("status") == "failed" }
        #expect(try s.latest("signal") == "1")
    }

    @Test("run_pty in the config and SHQ_RUN_PTY make --pty the default; --no-pty and SHQ_RUN_PTY=0 turn it off", arguments: ScenarioShell.all.filter { $0.shell == .bash })
    func ptyByDefault(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.runToEnd("SHQ_RUN_PTY=1 shq run true")
        #expect(try s.latestStreams() == ["pty"])
        let config = s.terminal.home.file(".config/shq")
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try "# colour everywhere\nrun_pty = true\n".write(toFile: config + "/config", atomically: true, encoding: .utf8)
        try s.runToEnd("shq run true")
        #expect(try s.latestStreams() == ["pty"])
        try s.runToEnd("shq run --no-pty true")
        #expect(try s.latestStreams() == ["stderr", "stdout"])
        try s.runToEnd("SHQ_RUN_PTY=0 shq run true")
        #expect(try s.latestStreams() == ["stderr", "stdout"])
    }

    @Test("less pages a file and quits on q", arguments: ScenarioShell.all)
    func less(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.saveSettings("before")
        try s.terminal.run("shq run --pty less \(try s.longFile())")
        try s.terminal.waitFor("Network services, Internet style")
        // A pager, not cat: it stops at a screenful and waits for keys.
        try s.terminal.waitFor("^:$|services.txt")
        #expect(try !s.terminal.shellOwnsTerminal())
        try s.terminal.key("q")
        try s.waitForPrompt()
        #expect(try s.terminal.lastStatus() == 0)
        try s.saveSettings("after")
        #expect(try s.settings("after") == (try s.settings("before")))
    }

    @Test("top -n 1 draws its screen and exits 0", arguments: ScenarioShell.all)
    func top(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        try s.runToEnd("shq run --pty top -n 1", timeout: 30)
        #expect(try s.terminal.lastStatus() == 0)
        #expect(String(decoding: try s.latestTerminalOutput(), as: UTF8.self).contains("load average"))
        #expect(try s.latestStreams() == ["pty"])
    }

    @Test("ls --color=auto: colours reach the screen and the record", arguments: ScenarioShell.all)
    func colours(setup: ScenarioShell) throws {
        let s = try RunScenario(setup)
        let dir = TemporaryDirectory("shq-colour")
        try FileManager.default.createDirectory(atPath: dir.file("subdir"), withIntermediateDirectories: true)
        try s.terminal.clear()
        try s.runToEnd("shq run --pty ls --color=auto \(dir.path)")
        #expect(try s.terminal.lastStatus() == 0)
        // dircolors' default for a directory is bold blue: 01;34.
        #expect(try s.terminal.screenWithEscapes().contains("\u{1b}[1m\u{1b}[34msubdir"))
        let stored = String(decoding: try s.latestTerminalOutput(), as: UTF8.self)
        #expect(stored.contains("\u{1b}[01;34msubdir\u{1b}[0m"))
    }
}
