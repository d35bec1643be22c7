import Foundation
import ShqTestSupport
import Testing

/// `shq pick` in real terminals: Ctrl-R from the hook in bash, zsh and fish, the keys that end it, filters and
/// modes, the output preview, small and resized terminals, wide characters, and a terminal left exactly
/// as it was found.
@Suite(.serialized) struct PickerTerminalTests {
    /// A hooked shell over a store holding a few commands (oldest first), the newest `make test`.
    func session(_ shell: TmuxTerminal.Shell, width: Int = 100, height: Int = 30) throws -> HookSession {
        let session = try HookSession(shell, after: "")
        for (command, cwd, exit) in [("ls -la", "/", "0"), ("git status", "/tmp", "1"), ("echo 日本語 wide", "/", "0"),
                                     ("echo 🙂🙂 emoji", "/", "0"), ("make test", "/tmp", "0")] {
            let saved = try session.fixture.shq("save", "-c", command, "--cwd", cwd, "--exit", exit)
            #expect(saved.status == 0, "\(saved.stderrText)")
        }
        if width != 120 || height != 40 { try session.terminal.resize(width: width, height: height) }
        return session
    }

    /// The picker's query line is on the screen (it starts with `❯ ` and ends with the counts).
    @discardableResult
    func waitForPicker(_ terminal: TmuxTerminal, query: String = "", counts: String = "\\d+/\\d+") throws -> String {
        try terminal.waitFor("^❯ \(NSRegularExpression.escapedPattern(for: query)) .* \(counts)$", timeout: 20)
    }

    @Test(arguments: TmuxTerminal.Shell.withFish)
    func tabPutsTheCommandOnTheLineAndEscRestoresWhatWasTyped(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        try terminal.type("mkt")
        try terminal.key("C-r")
        let screen = try waitForPicker(terminal, query: "mkt", counts: "1/5")
        #expect(screen.contains("❯ make test"), "\(screen)")
        try terminal.key("Tab")
        try terminal.waitFor("^\\$ make test$", timeout: 20)
        try terminal.key("C-u")
        try terminal.type("abc")
        try terminal.key("C-r")
        try waitForPicker(terminal, query: "abc")
        try terminal.key("Escape")
        // Once the picker is gone (fish's repaint leaves blanks after the line: invisible, but in tmux's cells).
        let back = try terminal.waitFor("(?s)\\A(?!.*❯).*^\\$ abc *$", timeout: 20)
        #expect(!back.contains("❯"), "the picker is cleared away:\n\(back)")
        try terminal.key("C-u")
    }

    @Test(arguments: TmuxTerminal.Shell.withFish)
    func enterRunsTheCommand(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let line = shell == .fish ? "echo picked-(math 6 '*' 7)" : "echo picked-$((6*7))"  // the shell must run it
        #expect(try session.fixture.shq("save", "-c", line).status == 0)
        let terminal = session.terminal
        try terminal.key("C-r")
        try waitForPicker(terminal)
        try terminal.type("picked")
        try waitForPicker(terminal, query: "picked", counts: "1/6")
        try terminal.key("Enter")
        try terminal.waitFor("^picked-42$", timeout: 20)
        try session.sync()
        #expect(try session.commands().contains(line), "the command ran as typed, and was recorded")
    }

    /// Ctrl-R in the picker cycles the filter (all → host → session → dir → failed), Ctrl-S the mode.
    @Test(arguments: TmuxTerminal.Shell.withFish)
    func filtersAndModes(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        try terminal.run("cd /tmp")
        try session.sync()
        try terminal.key("C-r")
        try waitForPicker(terminal, counts: "fuzzy · all  \\d+/\\d+")
        try terminal.key("C-r")
        try waitForPicker(terminal, counts: "fuzzy · host  \\d+/\\d+")
        try terminal.key("C-r")
        // This session: only what was typed here (cd /tmp), not the saved records.
        var screen = try waitForPicker(terminal, counts: "fuzzy · session  1/1")
        #expect(screen.contains("❯ cd /tmp"), "\(screen)")
        try terminal.key("C-r")
        screen = try waitForPicker(terminal, counts: "fuzzy · dir  2/2")
        #expect(screen.contains("git status") && screen.contains("make test") && !screen.contains("ls -la"), "\(screen)")
        try terminal.key("C-r")
        screen = try waitForPicker(terminal, counts: "fuzzy · failed  1/1")
        #expect(screen.contains("❯ git status"), "\(screen)")
        try terminal.key("C-r")
        try waitForPicker(terminal, counts: "fuzzy · all  \\d+/\\d+")
        try terminal.type("e")
        try terminal.key("C-s")
        screen = try waitForPicker(terminal, query: "e", counts: "prefix · all  2/\\d+")
        #expect(screen.contains("echo 🙂🙂 emoji") && screen.contains("echo 日本語 wide"), "\(screen)")
        try terminal.key("C-s")
        try waitForPicker(terminal, query: "e", counts: "substring · all  \\d+/\\d+")
        try terminal.key("BSpace")
        try terminal.type("^(ls|git) ")
        try terminal.key("C-s")
        screen = try waitForPicker(terminal, query: "^(ls|git) ", counts: "regex · all  2/\\d+")
        try terminal.key("C-g")
        try terminal.waitFor("^\\$ $", timeout: 20)
    }

    @Test(arguments: TmuxTerminal.Shell.withFish)
    func previewShowsTheOutputOfARecordedRun(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        let run = try session.fixture.shq("run", "--", "sh", "-c", "for i in 1 2 3 4 5 6; do echo preview-line-$i; done; exit 3")
        #expect(run.status == 3)
        try terminal.key("C-r")
        try waitForPicker(terminal)
        try terminal.type("preview")
        let screen = try terminal.waitFor("^  preview-line-6$", timeout: 20)
        #expect(screen.contains("── exit 3 · "), "\(screen)")
        #expect(screen.contains("  preview-line-5"), "\(screen)")
        try terminal.key("Escape")
        try terminal.waitFor("^\\$ $", timeout: 20)
    }

    /// A 10-row terminal still shows the query, rows, the info line and the output; a resize while open
    /// redraws at the new width; CJK and emoji rows end at the same column as the others.
    @Test(arguments: TmuxTerminal.Shell.withFish)
    func smallTerminalResizeAndWideCharacters(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell, width: 60, height: 10)
        let terminal = session.terminal
        try terminal.key("C-r")
        var screen = try waitForPicker(terminal, counts: "5/5")
        #expect(screen.contains("❯ make test"), "\(screen)")
        #expect(screen.contains("── "), "the info line:\n\(screen)")
        var rows = try terminal.rows().filter { $0.contains("echo ") }
        #expect(rows.count == 2 && rows.allSatisfy { Self.columns($0) == 60 }, "wide rows line up:\n\(rows.joined(separator: "\n"))")
        try terminal.resize(width: 90, height: 20)
        screen = try terminal.waitFor("^── .{60,}$", timeout: 20)
        rows = try terminal.rows().filter { $0.contains("echo ") }
        #expect(rows.count == 2 && rows.allSatisfy { Self.columns($0) == 90 }, "redrawn at the new width:\n\(screen)")
        try terminal.key("Tab")
        try terminal.waitFor("^\\$ make test$", timeout: 20)
        try terminal.key("C-u")
    }

    @Test(arguments: TmuxTerminal.Shell.withFish)
    func terminalSettingsAreTheSameAfterwards(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        let before = session.fixture.directory.file("before"), after = session.fixture.directory.file("after")
        try terminal.run("stty -a > \(before)")
        try session.sync()
        for key in ["Escape", "C-c", "C-g", "Tab"] {
            try terminal.key("C-r")
            try waitForPicker(terminal)
            try terminal.key(key)
            // Once the picker is gone; Tab: the newest line.
            try terminal.waitFor("(?s)\\A(?!.*❯).*" + (key == "Tab" ? "^\\$ stty -a > " : "^\\$ *$"), timeout: 20)
            try terminal.key("C-u")
        }
        try terminal.run("stty -a > \(after)")
        try session.sync()
        #expect(try String(contentsOfFile: before, encoding: .utf8) == String(contentsOfFile: after, encoding: .utf8))
    }

    /// Without the hook (any shell, a script): the chosen command is printed on stdout; cancelled, exit 1.
    @Test func withoutTheHookTheChoiceIsPrinted() throws {
        let fixture = StoreFixture()
        #expect(try fixture.shq("save", "-c", "make test").status == 0)
        let terminal = try TmuxTerminal(.bash, database: fixture.database)
        try terminal.run("x=$(shq pick --query mk); echo \"got[$x] $?\"")
        try waitForPicker(terminal, query: "mk", counts: "1/1")
        try terminal.key("Enter")
        try terminal.waitFor("^got\\[make test\\] 0$", timeout: 20)
        try terminal.run("shq pick; echo \"cancelled $?\"")
        try waitForPicker(terminal)
        try terminal.key("Escape")
        try terminal.waitFor("^cancelled 1$", timeout: 20)
    }

    /// SHQ_BIND_CTRL_R=0 leaves Ctrl-R to the shell (its own history search); SHQ_BIND_UP=1 makes Up open
    /// the picker on this session's commands.
    @Test(arguments: TmuxTerminal.Shell.withFish)
    func bindingsCanBeLeftAloneOrAddedForUp(shell: TmuxTerminal.Shell) throws {
        let plain = try HookSession(shell, before: shell == .fish ? "set -g SHQ_BIND_CTRL_R 0" : "SHQ_BIND_CTRL_R=0")
        try plain.terminal.key("C-r")
        try plain.terminal.waitFor(["bash": "reverse-i-search", "zsh": "bck-i-search", "fish": "^search: *$"][shell.rawValue]!, timeout: 20)
        try plain.terminal.key(shell == .fish ? "Escape" : "C-g")
        let up = try HookSession(shell, before: shell == .fish ? "set -g SHQ_BIND_UP 1" : "SHQ_BIND_UP=1")
        #expect(try up.fixture.shq("save", "-c", "saved elsewhere").status == 0)
        try up.run("echo typed-here")
        try up.sync()
        try up.terminal.key("Up")
        let screen = try waitForPicker(up.terminal, counts: "fuzzy · session  1/1")
        #expect(screen.contains("❯ echo typed-here"), "\(screen)")
        try up.terminal.key("Escape")
    }

    /// Run as a job of its own, Ctrl-Z stops the picker with the terminal restored; `fg` draws it again.
    @Test func ctrlZStopsAndFgRedraws() throws {
        let fixture = StoreFixture()
        #expect(try fixture.shq("save", "-c", "make test").status == 0)
        let terminal = try TmuxTerminal(.bash, database: fixture.database)
        try terminal.run("shq pick --query mk; echo \"status $?\"")
        try waitForPicker(terminal, query: "mk", counts: "1/1")
        try terminal.key("C-z")
        let stopped = try terminal.waitFor("Stopped.*shq pick", timeout: 20)
        #expect(!stopped.contains("❯"), "cleared before stopping:\n\(stopped)")
        try terminal.run("fg")
        try waitForPicker(terminal, query: "mk", counts: "1/1")
        try terminal.key("Tab")
        try terminal.waitFor("^make test\n", timeout: 20)
    }

    /// Terminal columns of a captured row: CJK and emoji two, the rest one.
    static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let v = scalar.value
            let wide = (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
                || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
            return total + (wide ? 2 : 1)
        }
    }
}
