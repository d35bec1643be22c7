import Foundation
import ShqTestSupport
import Testing

/// The hook shares the shell with the user's own prompt machinery, and with bad data directories.
extension HookEndToEndTests {
    @Suite struct Coexistence {
        private func lines(_ path: String) -> [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        @Test func bashUserPromptCommandStringPS0AndDebugTrap() throws {
            let session = try HookSession(.bash, before: """
                PROMPT_COMMAND='echo "pc $?" >> "$HOME/pc.log"'
                PS0='[ps0]\\n'
                trap 'echo "dbg $BASH_COMMAND" >> "$HOME/dbg.log"' DEBUG
                """)
            try session.run("(exit 7)")
            try session.run("echo two")
            try session.sync()
            #expect(try session.commands() == ["(exit 7)", "echo two"])
            // The user's PROMPT_COMMAND still runs at every prompt and still sees the command's status.
            #expect(lines(session.home + "/pc.log").contains("pc 7"))
            #expect(lines(session.home + "/dbg.log").contains("dbg echo two"))
            #expect(try session.terminal.screen().contains("[ps0]"))
        }

        @Test func bashUserPromptCommandArray() throws {
            let session = try HookSession(.bash, before: """
                PROMPT_COMMAND=('echo a1 >> "$HOME/pc.log"' 'echo a2 >> "$HOME/pc.log"')
                """)
            try session.run("echo hi")
            try session.sync()
            #expect(try session.commands() == ["echo hi"])
            #expect(lines(session.home + "/pc.log").suffix(2) == ["a1", "a2"])
        }

        @Test func zshUserHookFunctions() throws {
            let session = try HookSession(.zsh, before: """
                user_precmd() { echo "pre $?" >> "$HOME/hooks.log" }
                user_preexec() { echo "exec $1" >> "$HOME/hooks.log" }
                precmd_functions+=(user_precmd)
                preexec_functions+=(user_preexec)
                """)
            try session.run("(exit 5)")
            try session.sync()
            #expect(try session.commands() == ["(exit 5)"])
            let log = lines(session.home + "/hooks.log")
            #expect(log.contains("exec (exit 5)") && log.contains("pre 5"))
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func loadingTwiceRecordsOnce(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell, after: "eval \"$(shq hook init)\"")
            try session.run("source <(shq hook init)")
            try session.run("echo once")
            try session.sync()
            #expect(try session.commands() == ["source <(shq hook init)", "echo once"])
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func unusableDataDirectoryPrintsNothing(_ shell: TmuxTerminal.Shell) throws {
            let scratch = TemporaryDirectory()
            try "not a directory".write(toFile: scratch.file("file"), atomically: true, encoding: .utf8)
            let session = try HookSession(shell, database: scratch.file("file") + "/shq/history.db")
            // Each line typed once the prompt is back: under load, keys typed earlier are echoed early.
            try session.run("echo one")
            try session.terminal.waitFor("^one\\n\\$ $")
            try session.run("echo two")
            try session.terminal.waitFor("^two\\n\\$ $")
            try session.sync()
            let screen = try session.terminal.screen()
            #expect(screen.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                == ["$ echo one", "one", "$ echo two", "two", "$  echo __SYNC1__", "__SYNC1__", "$"])
        }

        @Test(arguments: TmuxTerminal.Shell.allCases)
        func missingDataDirectoryIsRecreated(_ shell: TmuxTerminal.Shell) throws {
            let session = try HookSession(shell)
            try session.run("echo before")
            try session.sync()
            #expect(try session.commands() == ["echo before"])
            // The whole data folder goes away under a running shell.
            try FileManager.default.removeItem(atPath: session.fixture.directory.path)
            try session.run("echo after")
            try session.sync()
            #expect(try session.commands() == ["echo after"])
            #expect(try !session.terminal.screen().contains("No such file"))
        }
    }
}
