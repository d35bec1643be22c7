import Foundation
import ShqTestSupport
import Testing

/// The hook in real interactive shells, one test at a time: the timing checks (sleep 1.2 ± 100 ms) want
/// the machine as quiet as a shared CI box gets.
@Suite(.serialized) struct HookEndToEndTests {}

/// What the hook records, in a real interactive bash and zsh.
extension HookEndToEndTests {
    @Suite struct Recording {
        @Test(arguments: TmuxTerminal.Shell.allCases)
        func recordsEachCommandAsTyped(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            try session.run("cd \"$HOME\"")
            try session.run("cd /tmp")
            try session.run("echo one")
            try session.run("false | (exit 3) | true")
            try session.run("sleep 1.2")
            try session.run("for i in 1 2")          // a multi-line command, typed as two lines
            try session.run("do echo \"n$i\"; done")
            try session.run(#"printf '%s\t|\n' a\\b"#)  // backslashes and escapes stay as typed
            try session.run("echo $SHQ_SESSION > \"$HOME/session\"")
            try session.sync()

            let rows = try session.rows()
            let loop = shell == .bash ? "for i in 1 2; do echo \"n$i\"; done" : "for i in 1 2\ndo echo \"n$i\"; done"
            #expect(rows.map(\.cmd) == ["cd \"$HOME\"", "cd /tmp", "echo one", "false | (exit 3) | true", "sleep 1.2", loop,
                                        #"printf '%s\t|\n' a\\b"#, "echo $SHQ_SESSION > \"$HOME/session\""])
            guard rows.count == 8 else { return }
            #expect(rows[1].cwd == session.home.replacingOccurrences(of: "//", with: "/"))  // cwd at start, before cd ran
            #expect(rows[2].cwd == "/tmp")
            #expect(rows[3].exit == 0 && rows[3].pipestatus == "1 3 0")
            #expect(rows[2].pipestatus == nil)
            let sleep = try #require(rows[4].duration)
            // The hook's own time stretches under load (other terminal suites share the cores): allow a
            // second on top of the sleep rather than a tight window.
            #expect(sleep >= 1_100_000 && sleep < 2_200_000, "sleep 1.2 took \(sleep) µs")
            let sessionID = try String(contentsOfFile: session.home + "/session", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rows.allSatisfy { $0.session == sessionID && $0.shell == shell.rawValue && $0.source == "hook" })
            #expect(rows.allSatisfy { $0.tty?.hasPrefix("/dev/pts/") == true })
            let sessions = try session.query("SELECT id, shell FROM sessions")
            #expect(sessions.count == 1 && sessions.first?["id"] as? String == sessionID)
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func skipRulesAndRepeats(_ shell: TmuxTerminal.Shell) throws {
            // The usual distribution settings: drop repeats and space-prefixed lines from the history.
            let settings = shell == .bash ? "HISTCONTROL=ignoreboth" : "setopt HIST_IGNORE_DUPS HIST_IGNORE_SPACE"
            let session = try HookSession(shell, before: settings)
            for _ in 0..<3 { try session.run("echo dup") }
            try session.run(" echo hidden")
            try session.run("\\echo escaped")
            try session.run("shq history >/dev/null")
            try session.run("jobs")
            try session.run("history >/dev/null")
            try session.run("")                       // empty Enter
            // Ctrl-C flushes the terminal's type-ahead: wait for the prompt first, or under load it can
            // discard lines typed above that the shell has not read yet.
            try session.sync()
            // Ctrl-C also flushes keys the line editor has not read yet: press it once the line is shown,
            // and type on once the new prompt is (else the flush eats "echo abandoned" or the next "S").
            try session.terminal.type("echo abandoned")
            try session.terminal.waitFor("^\\$ echo abandoned$")
            try session.terminal.key("C-c")
            try session.terminal.waitFor("^\\$ echo abandoned(\\^C)?\\n\\$ $")
            try session.run("SHQ_EXCLUDE='*password*:curl *token*'")
            try session.run("echo password")
            try session.run("curl -H token localhost:1 2>/dev/null")
            try session.run("echo kept")
            try session.sync()
            #expect(try session.commands() == ["echo dup", "echo dup", "echo dup", "echo kept"])
        }

        @Test func bashHistoryStillFollowsHistcontrol() throws {
            let session = try HookSession(.bash, before: "HISTCONTROL=ignoreboth\nHISTIGNORE='ls *'")
            for _ in 0..<3 { try session.run("echo dup") }
            try session.run(" echo hidden")
            try session.run("ls / >/dev/null")
            try session.run("echo last")
            try session.run("history > \"$HOME/h\"")
            try session.sync()
            let history = try String(contentsOfFile: session.home + "/h", encoding: .utf8)
            let entries = history.split(separator: "\n").map { $0.drop { $0 == " " || $0.isNumber } }
            #expect(entries == ["echo dup", "echo last", "history > \"$HOME/h\""])
            #expect(try session.commands() == ["echo dup", "echo dup", "echo dup", "ls / >/dev/null", "echo last"])
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func exitStatusIsUntouched(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            try session.run("false")
            #expect(try session.terminal.lastStatus() == 1)
            try session.run("(exit 42)")
            #expect(try session.terminal.lastStatus() == 42)
            try session.sync()
            #expect(try session.rows().filter { $0.cmd == "(exit 42)" }.first?.exit == 42)
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func hookOffAndOnInThisShell(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            try session.run("shq hook off")
            try session.run("echo invisible")
            try session.run("shq run echo hidden")  // SHQ_DISABLED is exported: shq run records nothing either
            try session.run("shq hook on")
            try session.run("echo visible")
            try session.run("SHQ_DISABLED=1")
            try session.run("echo invisible too")
            try session.run("unset SHQ_DISABLED")
            try session.run("shqr echo \"wrapped  twice\"")  // recorded by shq run, never by the hook
            try session.sync()
            let rows = try session.rows()
            #expect(rows.filter { $0.source == "hook" }.map(\.cmd) == ["echo visible", "unset SHQ_DISABLED"])
            // Quoting preserved: the run record re-runs as the same argv.
            #expect(rows.filter { $0.source == "run" }.map(\.cmd) == ["echo 'wrapped  twice'"])
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func recordSurvivesSIGKILL(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            try session.run("echo survivor")
            try session.sync()
            kill(try session.terminal.shellPID(), SIGKILL)
            usleep(200_000)
            #expect(try session.commands() == ["echo survivor"])
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func backgroundIngestEveryFewRecords(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            for i in 0..<70 { try session.run(": \(i)") }
            try session.sync(timeout: 60)
            // No shq command ran: the hook's occasional background ingest moved the first batch.
            var stored = 0
            for _ in 0..<100 {
                // (the store may have no tables yet, or be locked, while that ingest creates it)
                stored = (try? session.query("SELECT count(*) AS n FROM invocations"))?.first?["n"] as? Int ?? 0
                if stored >= 60 { break }
                usleep(100_000)
            }
            #expect(stored >= 60)
            #expect(try session.commands().count == 70)
        }
    }
}
