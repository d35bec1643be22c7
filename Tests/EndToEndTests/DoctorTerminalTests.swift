import Foundation
import ShqTestSupport
import Testing

/// `shq doctor` in real interactive shells: it tells a shell with the hook (recording, or off) from one
/// without it, including a nested shell that only inherited the hook's variables.
@Suite struct DoctorTerminalTests {
    /// Runs `shq doctor` and returns its output and exit status.
    func doctor(_ session: HookSession, _ marker: String) throws -> (screen: String, status: Int32) {
        try session.terminal.clear()
        try session.run("shq doctor; echo \(marker)-$?")
        let screen = try session.terminal.waitFor("^\(marker)-\\d+$", timeout: 20)
        let status = screen.split(separator: "\n").last { $0.hasPrefix(marker + "-") }.flatMap { Int32($0.dropFirst(marker.count + 1)) }
        return (screen, status ?? -1)
    }

    @Test(arguments: TmuxTerminal.Shell.allCases)
    func seesTheHookOfThisShell(_ shell: TmuxTerminal.Shell) throws {
        // A completion script where bash-completion looks for the user's (zsh's fpath is not visible).
        let completions = "$XDG_DATA_HOME/bash-completion/completions"
        let session = try HookSession(shell, before: "mkdir -p \"\(completions)\"; : > \"\(completions)/shq\"")
        let pid = try session.terminal.shellPID()
        // Any shq command first moves the spool into the store: the session is then found there.
        try session.run("shq history >/dev/null")
        let loaded = try doctor(session, "first")
        #expect(loaded.screen.contains("hook        \(shell.rawValue), loaded in this shell (pid \(pid)), recording"), "\(loaded.screen)")
        if shell == .bash { #expect(loaded.status == 0, "\(loaded.screen)") }

        try session.run("shq hook off")
        let off = try doctor(session, "off")
        #expect(off.screen.contains("off: SHQ_DISABLED is set"), "\(off.screen)")
        if shell == .bash { #expect(off.status == 0, "paused on purpose is not a problem:\n\(off.screen)") }
    }

    @Test func aNestedShellWithoutTheHookIsNotTakenForOne() throws {
        let session = try HookSession(.bash)
        try session.run("env PS1='$ ' bash --norc")  // a child shell: SHQ_HOOK inherited, no hook
        try session.terminal.waitFor("^\\$ $", timeout: 10)
        let nested = try doctor(session, "nested")
        #expect(nested.screen.contains("hook        not loaded in this shell"), "\(nested.screen)")
        #expect(nested.screen.contains("problem"))
        #expect(nested.status == 1)
    }
}
