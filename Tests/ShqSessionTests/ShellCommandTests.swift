import ShqSystem
import Testing
@testable import ShqSession

/// Which program `shq session -- WORDS` starts, with which argv: a leading `-` keeps a login shell one.
@Suite struct ShellCommandTests {
    private func command(_ words: [String]) -> (program: String, arguments: [String]) {
        let (program, arguments) = Session.shellCommand(words.map { Array($0.utf8) })
        return (String(decoding: program, as: UTF8.self), arguments.map { String(decoding: $0, as: UTF8.self) })
    }

    @Test func aLoginShellKeepsItsDashedName() {
        #expect(command(["-zsh"]) == ("zsh", ["-zsh"]))
        // What `hook init --capture` passes for a login bash: its executable, dashed, then its arguments.
        #expect(command(["-/usr/bin/bash", "--noprofile", "-i"]) == ("/usr/bin/bash", ["-bash", "--noprofile", "-i"]))
    }

    @Test func otherShellsRunAsGiven() {
        #expect(command(["/bin/bash", "-i"]) == ("/bin/bash", ["/bin/bash", "-i"]))
        #expect(command(["-"]) == ("-", ["-"]))
    }
}
