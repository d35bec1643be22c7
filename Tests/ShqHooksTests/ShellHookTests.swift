import Foundation
@testable import ShqHooks
import ShqTestSupport
import Testing

/// What ShqHooks embeds and how `shq hook init` hands the scripts their settings.
@Suite struct ShellHookTests {
    /// The repository's shell-hooks/ folder, which the build plugin embeds.
    static let hooksFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shell-hooks").path

    @Test(arguments: ShellHook.allCases)
    func embeddedScriptIsTheFileInShellHooks(_ shell: ShellHook) throws {
        let file = try String(contentsOfFile: Self.hooksFolder + "/shq.\(shell.rawValue)", encoding: .utf8)
        #expect(shell.script == file)
        #expect(shell.script.contains("__shq_default_ignore"))  // the scripts carry no ignore list of their own
    }

    /// fish has no sub-second clock: the hook adds the offset `hook init` hands over to /proc/uptime. The
    /// time it reads must be the time of day (within the 10 ms steps of /proc/uptime and the start-up of
    /// the fish that reads it).
    @Test func fishClockIsTheTimeOfDay() throws {
        let script = ShellHook.fish.initScript(binary: nil, terminal: nil, version: "", defaultIgnore: "")
        let before = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let result = try ShqProcess.run(["-c", script + "\n__shq_now; echo $__shq_t"], environment: ["HOME": NSTemporaryDirectory()], executable: "/usr/bin/fish")
        let after = Int64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(result.status == 0, "\(result.stderrText)")
        let now = try #require(Int64(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), "\(result.stdoutText)")
        #expect(now >= before - 20_000 && now <= after + 20_000, "fish read \(now), between \(before) and \(after)")
    }

    /// Every form of the init script parses in its shell (`bash -n`, `zsh -n`).
    @Test(arguments: ShellHook.allCases)
    func initScriptParses(_ shell: ShellHook) throws {
        let directory = TemporaryDirectory()
        let forms = [
            shell.initScript(binary: "/usr/bin/shq", terminal: "/dev/pts/3", version: "1.0", defaultIgnore: "ls:cd"),
            shell.initScript(binary: nil, terminal: nil, version: "", defaultIgnore: ""),
            shell.initScript(binary: "/x/shq", terminal: nil, version: "1", defaultIgnore: "", markNonce: "n1", session: ["-i"]),
        ]
        for (index, script) in forms.enumerated() {
            let path = directory.file("init-\(index)")
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try ShqProcess.run(["-n", path], executable: "/usr/bin/\(shell.rawValue)")
            #expect(result.status == 0, "form \(index): \(result.stderrText)")
        }
    }

    /// The binary's path and default ignore list reach the script as the shell reads them back,
    /// quotes, spaces and globs included.
    @Test(arguments: ShellHook.allCases)
    func binaryPathAndDefaultIgnoreAreSubstituted(_ shell: ShellHook) throws {
        let binary = "/opt/it's here/bin/shq"
        let ignore = "ls:cd *:echo 'x' $HOME:a\\\\b"
        let whole = shell.initScript(binary: binary, terminal: "/dev/pts/9", version: "2.5", defaultIgnore: ignore)
        #expect(whole.hasSuffix(shell.script))
        let settings = String(whole.dropLast(shell.script.count))  // the assignments, without the hook itself
        let probe = settings + #"printf '%s\n' "$__shq_bin" "$__shq_tty" "$__shq_version" "$__shq_default_ignore""#
        let result = try ShqProcess.run(["-c", probe], executable: "/usr/bin/\(shell.rawValue)")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText == "\(binary)\n/dev/pts/9\n2.5\n\(ignore)\n")
    }

    @Test func shellsAreNamedFromPathsAndLoginNames() {
        #expect(ShellHook.named("/usr/bin/bash") == .bash)
        #expect(ShellHook.named("-zsh") == .zsh)
        #expect(ShellHook.named("zsh-5.9") == .zsh)
        #expect(ShellHook.named("fish") == .fish)
        #expect(ShellHook.named("/usr/bin/fish") == .fish)
        #expect(ShellHook.named("fishy") == nil)
        #expect(ShellHook.named("bashful") == nil)
    }

    @Test func hookPresenceParsesWhatTheHookExports() {
        let presence = HookPresence("bash 123 1.2")
        #expect(presence?.shell == .bash && presence?.pid == 123 && presence?.version == "1.2")
        #expect(HookPresence("zsh 7")?.version == "")
        #expect(HookPresence("fish 7 1")?.shell == .fish)
        #expect(HookPresence("tcsh 7 1") == nil)
        #expect(HookPresence("bash x") == nil)
    }
}
