import Foundation
import ShqTestSupport
import Testing

/// `shq grep` on a real terminal (tmux): matches in colour, through the pager when taller than the
/// screen; NO_COLOR, a short result printed directly, a pipe plain.
@Suite(.serialized) struct GrepTerminalTests {
    /// One command whose output holds `lines` matching lines.
    func store(lines: Int) throws -> StoreFixture {
        let fixture = StoreFixture()
        let out = fixture.directory.file("out")
        try (1...lines).map { "line \($0) has needle in it\n" }.joined().write(toFile: out, atomically: true, encoding: .utf8)
        let saved = try fixture.shq("save", "-c", "make noisy", "--exit", "2", "--stdout", out)
        #expect(saved.status == 0, "\(saved.stderrText)")
        return fixture
    }

    func waitForFile(_ path: String, holding text: String) throws -> String {
        for _ in 0..<100 {
            if let content = try? String(contentsOfFile: path, encoding: .utf8), content.contains(text) { return content }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Issue.record("\(path) never held \(text)")
        return ""
    }

    @Test func longResultsGoThroughThePagerInColour() throws {
        let fixture = try store(lines: 60)
        let out = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("PAGER='cat > \(out)' shq grep needle; echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        let paged = try waitForFile(out, holding: "line 60 ")
        #expect(paged.contains("\u{1B}[1;31mneedle\u{1B}[0m"), "the match highlighted")
        #expect(paged.contains("\u{1B}[31mexit 2\u{1B}[0m"), "a failure's exit in red")
        #expect(paged.split(separator: "\n").count == 61, "the header and every line")
    }

    @Test func noColourWhenAskedAndNoPagerForAShortResult() throws {
        let fixture = try store(lines: 60)
        let out = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("NO_COLOR=1 PAGER='cat > \(out)' shq grep needle; echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        #expect(!(try waitForFile(out, holding: "line 60 ")).contains("\u{1B}["))
        let short = fixture.directory.file("short")
        try terminal.run("PAGER='cat > \(short)' shq grep -m 3 needle; echo short-$?")
        try terminal.waitFor("short-0", timeout: 20)
        let screen = try terminal.screenWithEscapes()
        #expect(screen.contains("line 3 has"))
        #expect(screen.contains("needle") && screen.contains("\u{1B}["), "coloured on the screen")
        #expect(!FileManager.default.fileExists(atPath: short))
    }

    @Test func aPipeGetsPlainTextAndNoPager() throws {
        let fixture = try store(lines: 60)
        let out = fixture.directory.file("piped"), paged = fixture.directory.file("paged")
        let terminal = try TmuxTerminal(.bash, database: fixture.database, height: 30)
        try terminal.run("PAGER='cat > \(paged)' shq grep needle | cat > \(out); echo done-$?")
        try terminal.waitFor("done-0", timeout: 20)
        #expect(!(try waitForFile(out, holding: "line 60 ")).contains("\u{1B}["))
        #expect(!FileManager.default.fileExists(atPath: paged))
    }
}
