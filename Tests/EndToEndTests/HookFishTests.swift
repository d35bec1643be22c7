import Foundation
import ShqTestSupport
import Testing

/// The fish hook (`shq hook init | source` in config.fish) in a real interactive fish: what the bash and
/// zsh tests in HookRecordingTests check, typed in fish's syntax.
extension HookEndToEndTests {
    @Suite struct Fish {
        /// As in `shq hook init | source`: fish is shq's parent, whatever $SHELL says; the script is the one
        /// in shell-hooks/, after fish's own `set -g` assignments.
        @Test func hookInitDetectsFish() throws {
            let binary = TmuxTerminal.shellQuote(ShqProcess.binary)
            let result = try ShqProcess.run(["-c", "\(binary) hook init | string collect"], environment: ["SHELL": "/bin/bash"],
                                            executable: "/usr/bin/fish")
            #expect(result.status == 0, "\(result.stderrText)")
            #expect(result.stdoutText.hasPrefix("set -g __shq_bin '"))
            #expect(result.stdoutText.contains("\n# shq — fish integration"))
            let source = try String(contentsOfFile: ShqProcess.packageRoot + "/shell-hooks/shq.fish", encoding: .utf8)
            #expect(result.stdoutText.hasSuffix(source.trimmingCharacters(in: .newlines)))
        }

        @Test func recordsEachCommandAsTyped() throws {
            let session = try HookSession(.fish)
            try session.run("cd \"$HOME\"")
            try session.run("cd /tmp")
            try session.run("echo one")
            try session.run("false | sh -c 'exit 3' | true")
            try session.run("sleep 1.2")
            try session.run("for i in 1 2")          // a multi-line command, typed as two lines
            try session.run("echo \"n$i\"; end")
            try session.run(#"printf '%s\t|\n' a\\b"#)  // backslashes and escapes stay as typed
            try session.run("false")
            try session.run("echo $SHQ_SESSION > \"$HOME/session\"")
            try session.sync()

            let rows = try session.rows()
            #expect(rows.map(\.cmd) == ["cd \"$HOME\"", "cd /tmp", "echo one", "false | sh -c 'exit 3' | true", "sleep 1.2",
                                        "for i in 1 2\necho \"n$i\"; end", #"printf '%s\t|\n' a\\b"#, "false",
                                        "echo $SHQ_SESSION > \"$HOME/session\""])
            guard rows.count == 9 else { return }
            #expect(rows[1].cwd == session.home.replacingOccurrences(of: "//", with: "/"))  // cwd at start, before cd ran
            #expect(rows[2].cwd == "/tmp")
            #expect(rows[3].exit == 0 && rows[3].pipestatus == "1 3 0")
            #expect(rows[2].pipestatus == nil)
            #expect(rows[7].exit == 1)
            let sleep = try #require(rows[4].duration)
            #expect(sleep >= 1_100_000 && sleep < 2_200_000, "sleep 1.2 took \(sleep) µs")
            let sessionID = try String(contentsOfFile: session.home + "/session", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(rows.allSatisfy { $0.session == sessionID && $0.shell == "fish" && $0.source == "hook" })
            #expect(rows.allSatisfy { $0.tty?.hasPrefix("/dev/pts/") == true })
            // The start times come from /proc/uptime plus the offset `hook init` handed over: the time of
            // day, in order, within the test's own run.
            let starts = try session.query("SELECT started_at FROM invocations ORDER BY seq").compactMap { $0["started_at"] as? Int }
            let now = Int(Date().timeIntervalSince1970 * 1_000_000)
            #expect(starts.count == 9 && starts == starts.sorted())
            #expect(starts.allSatisfy { now - $0 < 300_000_000 && $0 <= now + 1_000_000 }, "\(starts) now \(now)")
            let sessions = try session.query("SELECT id, shell FROM sessions")
            #expect(sessions.count == 1 && sessions.first?["id"] as? String == sessionID && sessions.first?["shell"] as? String == "fish")
        }

        @Test func skipRulesAndRepeats() throws {
            let session = try HookSession(.fish)
            for _ in 0..<3 { try session.run("echo dup") }
            try session.run(" echo hidden")
            try session.run("\\echo escaped 2>/dev/null")
            try session.run("shq history >/dev/null")
            try session.run("jobs")
            try session.run("history >/dev/null")
            try session.run("")                       // empty Enter
            try session.sync()
            try session.terminal.type("echo abandoned")
            try session.terminal.waitFor("^\\$ echo abandoned$")
            try session.terminal.key("C-c")
            // The new prompt under the abandoned line: keys typed before it would join the cancelled line.
            try session.terminal.waitFor("^\\$ echo abandoned(\\^C)?\\n\\$ $")
            try session.run("set -g SHQ_EXCLUDE '*password*:curl *token*'")
            try session.run("echo password")
            try session.run("curl -H token localhost:1 2>/dev/null")
            try session.run("echo kept")
            try session.run("set -x SHQ_IGNORE 'echo k*'")
            try session.run("echo kept again")
            try session.run("shq ignore-check 'curl x token' > \"$HOME/check\"")
            try session.sync()
            #expect(try session.commands() == ["echo dup", "echo dup", "echo dup", "echo kept",
                                               "set -x SHQ_IGNORE 'echo k*'", "shq ignore-check 'curl x token' > \"$HOME/check\""])
            // The hook exported SHQ_EXCLUDE: the shq started from this shell judges by the same list.
            let check = try String(contentsOfFile: session.home + "/check", encoding: .utf8)
            #expect(check == "skipped: matches SHQ_EXCLUDE pattern 'curl *token*'\n")
        }

        @Test func statusAndPipestatusAreUntouched() throws {
            let session = try HookSession(.fish)
            try session.run("false")
            #expect(try session.terminal.lastStatus() == 1)
            try session.run("sh -c 'exit 42'")
            #expect(try session.terminal.lastStatus() == 42)
            try session.run("false | true | sh -c 'exit 5'")
            try session.run("echo \"__PS=$pipestatus\"")
            try session.terminal.waitFor("^__PS=1 0 5$")
            try session.sync()
            #expect(try session.rows().filter { $0.cmd == "sh -c 'exit 42'" }.first?.exit == 42)
        }

        @Test func hookOffAndOnAndShqr() throws {
            let session = try HookSession(.fish)
            try session.run("shq hook off")
            try session.run("echo invisible")
            try session.run("shq run echo hidden")  // SHQ_DISABLED is exported: shq run records nothing either
            try session.run("shq hook on")
            try session.run("echo visible")
            try session.run("set -gx SHQ_DISABLED 1")
            try session.run("echo invisible too")
            try session.run("set -e SHQ_DISABLED")
            try session.run("shqr echo \"wrapped  twice\"")  // the abbreviation: recorded by shq run, never by the hook
            try session.sync()
            let rows = try session.rows()
            #expect(rows.filter { $0.source == "hook" }.map(\.cmd) == ["echo visible", "set -e SHQ_DISABLED"])
            #expect(rows.filter { $0.source == "run" }.map(\.cmd) == ["echo 'wrapped  twice'"])
        }

        /// The user's own fish_preexec / fish_postexec handlers and prompt keep working, and still see the
        /// command's status; the hook loaded twice records once.
        @Test func userHandlersPromptAndDoubleLoading() throws {
            let mine = """
                function my_pre --on-event fish_preexec; echo "pre:$argv" >> ~/events; end
                function my_post --on-event fish_postexec; echo "post:$status:$argv" >> ~/events; end
                """
            let session = try HookSession(.fish, before: mine, after: "shq hook init | source")
            try session.run("shq hook init | source")
            try session.run("sh -c 'exit 7'")
            try session.run("echo once")
            try session.sync()
            #expect(try session.commands() == ["sh -c 'exit 7'", "echo once"])  // `shq …` lines: the default ignore list
            let events = try String(contentsOfFile: session.home + "/events", encoding: .utf8)
            #expect(events.contains("pre:sh -c 'exit 7'\npost:7:sh -c 'exit 7'\n"), "\(events)")
        }

        @Test func recordSurvivesSIGKILLAndIngestsInTheBackground() throws {
            let session = try HookSession(.fish)
            for i in 0..<70 { try session.run("true \(i)") }
            try session.sync(timeout: 60)
            // No shq command ran: the hook's occasional background ingest moved the first batch.
            var stored = 0
            for _ in 0..<100 {
                // (the store may not have its tables yet while that ingest creates it)
                stored = (try? session.query("SELECT count(*) AS n FROM invocations"))?.first?["n"] as? Int ?? 0
                if stored >= 60 { break }
                usleep(100_000)
            }
            #expect(stored >= 60)
            // Killed right after its last command, the shell has already spooled it.
            kill(try session.terminal.shellPID(), SIGKILL)
            #expect(try session.commands() == (0..<70).map { "true \($0)" })
        }

        @Test func unusableThenMissingDataDirectoryPrintsNothing() throws {
            let scratch = TemporaryDirectory()
            try "not a directory".write(toFile: scratch.file("file"), atomically: true, encoding: .utf8)
            let unusable = try HookSession(.fish, database: scratch.file("file") + "/shq/history.db")
            try unusable.run("echo one")
            try unusable.terminal.waitFor("^one\\n\\$ $")
            try unusable.sync()
            let screen = try unusable.terminal.waitFor("^__SYNC1__\\n\\$ $")
            #expect(screen.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                == ["$ echo one", "one", "$  echo __SYNC1__", "__SYNC1__", "$"])

            let session = try HookSession(.fish)
            try session.run("echo before")
            try session.sync()
            #expect(try session.commands() == ["echo before"])
            try FileManager.default.removeItem(atPath: session.fixture.directory.path)
            try session.run("echo after")
            try session.sync()
            #expect(try session.commands() == ["echo after"])
            #expect(try !session.terminal.screen().contains("warning"))
        }
    }
}
