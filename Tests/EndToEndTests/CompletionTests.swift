import Foundation
import ShqTestSupport
import Testing

/// `make install-completions` (what `make install` runs) into a temporary PREFIX, then loaded the way
/// the Makefile tells a user to: Tab turns `shq hi` into `shq history`.
@Suite struct CompletionTests {
    enum Setup: String, CaseIterable, CustomTestStringConvertible {
        /// bash with the bash-completion package sourced, as Debian's default ~/.bashrc does: it finds the
        /// file by itself in ~/.local/share (here PREFIX/share, as XDG_DATA_HOME).
        case bashCompletion
        /// bash without the package: the `source …` line the Makefile prints.
        case bashSourced
        /// zsh: the `fpath=(…)` line the Makefile prints, then compinit.
        case zsh

        var testDescription: String { rawValue }
    }

    @Test(arguments: Setup.allCases)
    func tabCompletesASubcommand(_ setup: Setup) throws {
        let prefix = TemporaryDirectory()
        let make = try ShqProcess.run(
            ["-s", "-C", ShqProcess.packageRoot, "install-completions", "PREFIX=" + prefix.path, "COMPLETIONS_SHQ=" + ShqProcess.binary],
            executable: "/usr/bin/make")
        try #require(make.status == 0, "\(make.stderrText)")
        func printedLine(_ marker: String) throws -> String {
            let line = try #require(make.stdoutText.split(separator: "\n").first { $0.contains(marker) })
            return String(line[line.range(of: marker)!.upperBound...])
        }
        let fixture = StoreFixture()
        let terminal: TmuxTerminal
        switch setup {
        case .bashCompletion:
            terminal = try TmuxTerminal(
                .bash, database: fixture.database, rc: ". /usr/share/bash-completion/bash_completion",
                environment: ["XDG_DATA_HOME": prefix.file("share")])
        case .bashSourced:
            terminal = try TmuxTerminal(.bash, database: fixture.database, rc: try printedLine("add to ~/.bashrc:  "))
        case .zsh:
            let fpath = try printedLine("add to ~/.zshrc, before compinit:  ")
            terminal = try TmuxTerminal(.zsh, database: fixture.database, rc: fpath + "\nautoload -Uz compinit && compinit")
        }
        try terminal.type("shq hi")
        try terminal.key("Tab")
        try terminal.waitFor("^\\$ shq history ?$")
    }
}
