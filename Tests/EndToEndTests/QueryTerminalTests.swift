import Foundation
import ShqTestSupport
import Testing

/// Colour and paging are decided by whether stdout is a terminal: checked in a real one (tmux).
@Suite(.serialized) struct QueryTerminalTests {
    /// A store of `count` commands, some failed.
    func store(_ count: Int) throws -> StoreFixture {
        let fixture = StoreFixture()
        let file = fixture.directory.file("hist")
        try (0..<count).map { "#\(1_700_000_000 + $0)\necho \($0)\n" }.joined().write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fixture.shq("import", "bash", file).status == 0)
        try fixture.shq("save", "-c", "false", "--exit", "1")
        return fixture
    }

    func waitForFile(_ path: String) throws -> String {
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("false") { return text }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("\(path) never written")
        return ""
    }

    @Test func longOutputOnATerminalGoesThroughThePagerInColour() throws {
        let fixture = try store(80)
        let out = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("PAGER='cat > \(out)' shq history -n 50; echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        let paged = try waitForFile(out)
        #expect(paged.contains("\u{1B}[31m1\u{1B}[0m"), "failed exit in red")
        #expect(paged.split(separator: "\n").count == 51)
    }

    @Test func noColourWhenAskedAndNoPagerForShortOutput() throws {
        let fixture = try store(80)
        let out = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("NO_COLOR=1 PAGER='cat > \(out)' shq history -n 50; echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        #expect(!(try waitForFile(out)).contains("\u{1B}["))
        // Fits on the screen: printed directly, the pager never runs.
        let short = fixture.directory.file("short")
        try terminal.run("PAGER='cat > \(short)' shq history -n 5; echo short-$?")
        let screen = try terminal.waitFor("short-0", timeout: 20)
        #expect(screen.contains("false"))
        #expect(!FileManager.default.fileExists(atPath: short))
    }

    @Test func pipesGetPlainTextWithoutPager() throws {
        let fixture = try store(80)
        let out = fixture.directory.file("piped")
        let paged = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("PAGER='cat > \(paged)' shq history -n 50 | cat > \(out); echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        let text = try waitForFile(out)
        #expect(!text.contains("\u{1B}["))
        #expect(!FileManager.default.fileExists(atPath: paged))
    }

    /// An 80-column terminal: long command lines (ASCII, CJK, emoji) are cut with `…` so that no table line
    /// wraps (the rows drawn are the lines printed); `--wide` prints them whole.
    @Test func longCommandsAreCutToTheTerminalWidth() throws {
        let fixture = StoreFixture()
        let long = ["make " + String(repeating: "x", count: 150), "echo " + String(repeating: "日本語", count: 30),
                    "echo " + String(repeating: "🙂", count: 60), "ls"]
        for command in long { #expect(try fixture.shq("save", "-c", command, "--exit", "0").status == 0) }
        let terminal = try TmuxTerminal(.bash, database: fixture.database, width: 80, height: 30)
        try terminal.run("shq history; echo done-$?")
        let screen = try terminal.waitFor("^done-0", timeout: 20)
        let lines = screen.split(separator: "\n").map(String.init)
        #expect(try terminal.rows().filter { !$0.isEmpty }.count == lines.count, "a line wrapped:\n\(screen)")
        let table = lines.filter { $0.hasPrefix("01") && ($0.contains("make ") || $0.contains("echo ")) }
        #expect(table.count == 3 && table.allSatisfy { $0.hasSuffix("…") }, "\(screen)")
        #expect(lines.contains { $0.hasSuffix("  ls") })

        try terminal.clear()
        try terminal.run("shq history --wide; echo wide-$?")
        let wide = try terminal.waitFor("^wide-0", timeout: 20)
        #expect(wide.contains(long[0]) && wide.contains(long[1]) && wide.contains(long[2]), "\(wide)")
    }

    /// The pager (less, with the user's LESS kept) opens at the bottom of the table, on the newest rows.
    @Test func thePagerOpensAtTheNewestRows() throws {
        let fixture = try store(80)
        let terminal = try TmuxTerminal(.bash, database: fixture.database, environment: ["LESS": "-R"], height: 30)
        try terminal.run("shq history -n 50")
        let screen = try terminal.waitFor("\\(END\\)", timeout: 20)
        let rows = screen.split(separator: "\n").map(String.init)
        #expect(rows.dropLast().last?.contains("false") == true, "the newest row above the prompt:\n\(screen)")
        #expect(!screen.contains("STARTED"), "the header scrolled away:\n\(screen)")
        try terminal.key("q")
        try terminal.waitFor("^\\$ $", timeout: 10)
    }

    /// On a terminal, `shq forget` lists what would go and asks; only y deletes.
    @Test func forgetAsksOnATerminal() throws {
        let fixture = StoreFixture()
        for name in ["keep", "secret one", "secret two"] { try fixture.shq("save", "-c", name) }
        let terminal = try TmuxTerminal(.bash, database: fixture.database)
        try terminal.run("shq forget '%/secret/'; echo answered-$?")
        var screen = try terminal.waitFor("forget these 2 commands and their output\\? \\[y/N\\] $")
        #expect(screen.contains("secret one") && screen.contains("secret two") && !screen.contains(" keep"))
        try terminal.run("n")
        screen = try terminal.waitFor("answered-1")
        #expect(screen.contains("shq: forget: not confirmed; nothing deleted"))
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["3"])
        try terminal.clear()
        try terminal.run("shq forget '%/secret/'; echo again-$?")
        try terminal.waitFor("\\[y/N\\] $")
        try terminal.run("y")
        screen = try terminal.waitFor("again-0")
        #expect(screen.contains("forgot 2 commands"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["keep"])
    }

    /// `shq stats` draws its pictures within the terminal's width, in colour, without a wrapped line.
    @Test(arguments: [50, 100])
    func statsPicturesFitTheTerminal(width: Int) throws {
        let fixture = try store(80)
        let terminal = try TmuxTerminal(.bash, database: fixture.database, width: width, height: 40)
        // Each typed line shorter than the terminal, so only shq's lines could wrap; each typed after the
        // last one's output (a line typed ahead echoes into the output and wraps with it).
        for (part, last) in [("calendar", " more"), ("programs", "false "), ("hours", "failed ")] {
            try terminal.run("shq stats --only \(part)")
            try terminal.waitFor("\(last).*\n\\$ $", timeout: 20)
        }
        let rows = try terminal.rows()
        #expect(rows.contains { $0.hasPrefix("Mon ") } && rows.contains { $0.hasPrefix("echo ") } && rows.contains { $0.hasPrefix("commands ") }, "\(rows)")
        // tmux joins wrapped rows in `screen()`: the same number of lines means nothing wrapped.
        let joined = try terminal.screen().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(joined.count == rows.count, "\(joined) vs \(rows)")
        #expect(try terminal.screenWithEscapes().contains("\u{1B}[31m"), "failed share in red")
    }
}
