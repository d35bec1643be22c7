import Foundation
import ShqTestSupport
import Testing

extension HookEndToEndTests {
    @Suite struct Init {
        private func firstScriptLine(_ output: String) -> String? {
            output.split(separator: "\n").first { $0.hasPrefix("# shq — ") }.map(String.init)
        }

        @Test(arguments: ["bash", "zsh"])
        func detectsTheShellThatRunsIt(_ shell: String) throws {
            // As in `eval "$(shq hook init)"`: the command substitution's shell is shq's parent.
            let script = "out=$(\(TmuxTerminal.shellQuote(ShqProcess.binary)) hook init); printf '%s\\n' \"$out\""
            let result = try ShqProcess.run(["-c", script], environment: ["SHELL": "/bin/sh"], executable: "/usr/bin/" + shell)
            #expect(result.status == 0)
            #expect(firstScriptLine(result.stdoutText)?.hasPrefix("# shq — \(shell) integration") == true)
            #expect(result.stdoutText.hasPrefix("__shq_bin='"))
        }

        @Test func fallsBackToSHELLThenHonoursTheFlag() throws {
            let viaEnv = try ShqProcess.run(["hook", "init"], environment: ["SHELL": "/usr/bin/zsh"])
            #expect(firstScriptLine(viaEnv.stdoutText)?.hasPrefix("# shq — zsh") == true)
            let forced = try ShqProcess.run(["hook", "init", "--shell", "bash"], environment: ["SHELL": "/usr/bin/zsh"])
            #expect(firstScriptLine(forced.stdoutText)?.hasPrefix("# shq — bash") == true)
        }

        @Test func scriptsAreTheOnesInShellHooks() throws {
            for shell in ["bash", "zsh"] {
                let printed = try ShqProcess.run(["hook", "init", "--shell", shell]).stdoutText
                let source = try String(contentsOfFile: ShqProcess.packageRoot + "/shell-hooks/shq." + shell, encoding: .utf8)
                #expect(printed.hasSuffix(source))
            }
        }

        /// One default ignore list, the binary's: the scripts carry none, `hook init` hands it over.
        @Test(arguments: ["bash", "zsh"])
        func defaultIgnoreListComesFromTheBinary(_ shell: String) throws {
            let fixture = StoreFixture()
            let defaults = try fixture.shq("ignore-check", "--defaults")
            #expect(defaults.status == 0)
            let list = defaults.stdoutText.trimmingCharacters(in: .newlines)
            #expect(list.split(separator: ":").contains("shq *"))
            let show = "printf '<%s>\\n' \"${__shq_default_ignore-unset}\""
            let script = TmuxTerminal.shellQuote(ShqProcess.packageRoot + "/shell-hooks/shq." + shell)
            let bare = try ShqProcess.run(["-c", "source \(script); \(show)"], database: fixture.database, executable: "/usr/bin/" + shell)
            #expect(bare.stdoutText == "<unset>\n")
            let binary = TmuxTerminal.shellQuote(ShqProcess.binary)
            let loaded = try ShqProcess.run(
                ["-c", "eval \"$(\(binary) hook init --shell \(shell))\"; \(show)"], database: fixture.database,
                executable: "/usr/bin/" + shell)
            #expect(loaded.stdoutText == "<\(list)>\n")
            // Extending the list, as the help says, keeps the defaults.
            let extended = try fixture.shq("ignore-check", "jobs -l", environment: ["SHQ_IGNORE": list + ":vault *"])
            #expect(extended.stdoutText == "skipped: matches SHQ_IGNORE pattern 'jobs *'\n")
            #expect(try fixture.shq("ignore-check").status != 0)
        }

        /// `hook off`/`on` leave a word for the hook of $SHQ_SESSION; outside a hooked shell they say what to do.
        @Test func hookOffAndOnWriteForTheSessionsHook() throws {
            let fixture = StoreFixture()
            let outside = try fixture.shq("hook", "off", environment: ["SHQ_SESSION": ""])
            #expect(outside.status == 1)
            #expect(outside.stderrText == "shq: hook off: only works in a shell where the hook is loaded (eval \"$(shq hook init)\"); elsewhere, set SHQ_DISABLED=1\n")
            let session = "0193a2f1-0000-7000-8000-000000000001"
            let file = fixture.database + "-spool/." + session + ".hook"
            #expect(try fixture.shq("hook", "off", environment: ["SHQ_SESSION": session]).status == 0)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "off\n")
            #expect(try fixture.shq("hook", "on", environment: ["SHQ_SESSION": session]).status == 0)
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "on\n")
            let strange = try fixture.shq("hook", "off", environment: ["SHQ_SESSION": "../x"])
            #expect(strange.status == 1 && strange.stderrText.contains("not a hook session id"))
        }

        @Test func ignoreCheckSaysWhyAndExitsLikeGitCheckIgnore() throws {
            let fixture = StoreFixture()
            let skipped = try fixture.shq("ignore-check", "shq history")
            #expect(skipped.status == 0 && skipped.stdoutText == "skipped: matches SHQ_IGNORE pattern 'shq *'\n")
            let kept = try fixture.shq("ignore-check", "make")
            #expect(kept.status == 1 && kept.stdoutText == "recorded\n" && kept.stderrText.isEmpty)
            let excluded = try fixture.shq("ignore-check", "deploy --token x", environment: ["SHQ_EXCLUDE": "*password*:*--token*"])
            #expect(excluded.stdoutText == "skipped: matches SHQ_EXCLUDE pattern '*--token*'\n")
            #expect(try fixture.shq("ignore-check", " make").stdoutText == "skipped: leading space\n")
            #expect(try fixture.shq("ignore-check", "make", environment: ["SHQ_DISABLED": "1"]).stdoutText == "skipped: SHQ_DISABLED is set\n")
        }
    }
}
