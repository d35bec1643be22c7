import Foundation
import ShqTestSupport
import Testing

/// The picker's keys that PickerTerminalTests leaves out, in bash and zsh with the hook from an rc file:
/// Ctrl-D forget (confirmed and declined), PgUp/PgDn and Alt-1…9, `--height N` and `N%`, and a hang-up
/// (SIGHUP) sent to the open picker leaving the terminal exactly as it was.
@Suite(.serialized) struct PickerKeysTerminalTests {
    /// A hooked shell in a 100x30 terminal over `echo row-1` … `echo row-12` (row-12 the newest).
    func session(_ shell: TmuxTerminal.Shell) throws -> HookSession {
        let session = try HookSession(shell, after: "")
        for index in 1...12 {
            let saved = try session.fixture.shq("save", "-c", "echo row-\(index)", "--cwd", "/")
            #expect(saved.status == 0, "\(saved.stderrText)")
        }
        try session.terminal.resize(width: 100, height: 30)
        return session
    }

    @discardableResult
    func waitForPicker(_ terminal: TmuxTerminal, query: String = "", counts: String = "\\d+/\\d+") throws -> String {
        try terminal.waitFor("^❯ \(NSRegularExpression.escapedPattern(for: query)) .* \(counts)$", timeout: 20)
    }

    /// How many records of `command` the store holds (straight from SQLite).
    func records(_ session: HookSession, _ command: String) throws -> Int {
        let rows = try session.query("SELECT count(*) AS n FROM invocations WHERE cmd = '\(command)'")
        return rows.first?["n"] as? Int ?? -1
    }

    @Test(arguments: TmuxTerminal.Shell.allCases)
    func ctrlDForgetsAfterYesAndKeepsAfterNo(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        #expect(try session.fixture.shq("save", "-c", "echo row-7", "--cwd", "/").status == 0)  // two records of row-7
        let terminal = session.terminal
        try terminal.key("C-r")
        try waitForPicker(terminal, counts: "12/12")
        try terminal.type("row-7")
        try waitForPicker(terminal, query: "row-7", counts: "1/12")
        try terminal.key("C-d")
        try terminal.waitFor("^❯ row-7 .*forget 2 records of this line\\? y/n$", timeout: 20)
        try terminal.type("n")
        // Declined: the question goes, the counts come back, the query is unchanged (n was not typed into it).
        try waitForPicker(terminal, query: "row-7", counts: "1/12")
        #expect(try records(session, "echo row-7") == 2)
        try terminal.key("C-d")
        try terminal.waitFor("forget 2 records of this line\\? y/n$", timeout: 20)
        try terminal.type("y")
        try terminal.waitFor("^❯ row-7 .*forgot 2 records$", timeout: 20)
        #expect(try records(session, "echo row-7") == 0, "forgotten in the store")
        #expect(try records(session, "echo row-8") == 1, "nothing else")
        try terminal.key("BSpace")
        try terminal.key("BSpace")
        let screen = try waitForPicker(terminal, query: "row", counts: "11/11")
        #expect(!screen.contains("echo row-7"), "\(screen)")
        try terminal.key("Escape")
        try terminal.waitFor("^\\$ $", timeout: 20)
    }

    /// 30 rows: the picker takes 12 (40%), 6 of them list rows. PgDn/PgUp move by those 6; Alt-N runs the
    /// N-th row shown (counted from the first visible one, not the first match); Alt-7, past the 6 rows
    /// shown, does nothing (though a 7th match from the top exists).
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func pageKeysAndAltDigits(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        try terminal.key("C-r")
        try waitForPicker(terminal, counts: "12/12")
        try terminal.waitFor("^❯ echo row-12 ", timeout: 20)
        try terminal.key("PPage")
        try terminal.waitFor("^❯ echo row-12 ", timeout: 20)  // already at the top
        try terminal.key("NPage")
        try terminal.waitFor("^❯ echo row-6 ", timeout: 20)
        try terminal.key("NPage")
        var screen = try terminal.waitFor("^❯ echo row-1 ", timeout: 20)  // clamped to the last match
        #expect(!screen.contains("echo row-7"), "scrolled: rows 6…1 shown\n\(screen)")
        try terminal.key("PPage")
        screen = try terminal.waitFor("^❯ echo row-7 ", timeout: 20)
        #expect(!screen.contains("echo row-1 "), "scrolled back: rows 7…2 shown\n\(screen)")
        try terminal.key("M-7")
        try terminal.key("C-p")  // a key after Alt-7 shows the picker still open and reading keys
        try terminal.waitFor("^❯ echo row-8 ", timeout: 20)
        // Shown now: row-8 … row-3; the second of them is row-7.
        try terminal.key("M-2")
        try terminal.waitFor("^row-7$", timeout: 20)
        try session.sync()
        #expect(try session.commands().filter { $0 == "echo row-7" }.count == 2, "Alt-2 ran it, and it was recorded")
    }

    /// `--height 6`: 6 rows (query, 3 list rows, info line, 1 output row); `--height 50%` of 30 rows: 15
    /// (query, 8 list rows, info line, 5 output rows). Counted on the screen from the query line.
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func heightInRowsAndPercent(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        for (height, listRows) in [("6", 3), ("50%", 8)] {
            try terminal.clear()
            try terminal.run("shq pick --height \(height)")
            try waitForPicker(terminal, counts: "12/12")
            let rows = try terminal.rows()
            let top = try #require(rows.firstIndex { $0.hasPrefix("❯ ") && $0.hasSuffix("12/12") })
            let info = try #require(rows.firstIndex { $0.hasPrefix("──") }, "\(rows.joined(separator: "\n"))")
            #expect(info - top - 1 == listRows, "--height \(height):\n\(rows.joined(separator: "\n"))")
            let listed = rows[(top + 1)..<info].filter { $0.contains("echo row-") }.count
            #expect(listed == listRows, "--height \(height):\n\(rows.joined(separator: "\n"))")
            try terminal.key("Escape")
            try terminal.waitFor("^\\$ $", timeout: 20)
        }
    }

    /// SIGHUP to the picker ends it as cancelled with the terminal as it was. Opened by Ctrl-R: the rows
    /// are cleared and the line typed so far is back. zsh puts its own terminal settings back when a widget
    /// returns, which would hide a picker that left them raw, so the picker is also hung up as a command
    /// with `stty -a` on the same line, right after it (checked to fail in both shells when SIGHUP skips
    /// the restore).
    @Test(arguments: TmuxTerminal.Shell.allCases)
    func hangUpRestoresTheTerminal(shell: TmuxTerminal.Shell) throws {
        let session = try session(shell)
        let terminal = session.terminal
        let directory = session.fixture.directory
        let before = directory.file("before"), after = directory.file("after"), afterCommand = directory.file("after-command")
        try terminal.run("stty -a > \(before)")
        try session.sync()
        try terminal.type("typed")
        try terminal.key("C-r")
        try waitForPicker(terminal, query: "typed")
        var picker = try #require(try Self.picker(under: terminal.shellPID()), "the picker's process")
        #expect(kill(picker, SIGHUP) == 0)
        let back = try terminal.waitFor("^\\$ typed$", timeout: 20)
        #expect(!back.contains("❯"), "the picker's rows are cleared:\n\(back)")
        try terminal.key("C-u")
        try terminal.run("stty -a > \(after)")
        try session.sync()
        try terminal.clear()
        try terminal.run("shq pick --query hup; echo \"status $?\"; stty -a > \(afterCommand)")
        try waitForPicker(terminal, query: "hup")
        picker = try #require(try Self.picker(under: terminal.shellPID()), "the picker's process")
        #expect(kill(picker, SIGHUP) == 0)
        let ended = try terminal.waitFor("^status 1$", timeout: 20)
        #expect(!ended.contains("❯ hup"), "the picker's rows are cleared:\n\(ended)")
        try session.sync()
        let expected = try String(contentsOfFile: before, encoding: .utf8)
        #expect(try String(contentsOfFile: after, encoding: .utf8) == expected, "after Ctrl-R")
        #expect(try String(contentsOfFile: afterCommand, encoding: .utf8) == expected, "after shq pick as a command")
    }

    /// The `shq pick` process among the shell's descendants (the widget runs it in a command substitution).
    static func picker(under shell: Int32) throws -> Int32? {
        var parent: [Int32: Int32] = [:]
        var commandLine: [Int32: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            guard fields.count > 1, let ppid = Int32(fields[1]) else { continue }
            parent[pid] = ppid
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            commandLine[pid] = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        }
        func descends(_ pid: Int32) -> Bool {
            var current = pid
            for _ in 0..<16 {
                guard let up = parent[current] else { return false }
                if up == shell { return true }
                current = up
            }
            return false
        }
        return commandLine.first { $0.value.contains("shq pick --") && descends($0.key) }?.key
    }
}
