import ArgumentParser
import ShqSession

struct SessionCommand: ParsableCommand {
    static let name = "session"

    static let configuration = CommandConfiguration(
        commandName: name,
        _superCommandName: Shq.name,
        abstract: "Run a shell whose every command's output is kept (a terminal proxy).",
        discussion: """
            Starts SHELL (default $SHELL; a leading `-`, as in `-zsh`, makes it a login shell) on a new \
            pseudo-terminal and relays every byte between it and your terminal unchanged. With the hook \
            loaded in that shell, the output of each command you type is stored with its record: \
            `shq show @1` shows what the last command printed, whatever started it.

            Usually started by the hook: eval "$(shq hook init --capture)" at the top of ~/.bashrc or \
            ~/.zshrc (or capture = true in the config file). Per command the first and last MiB are kept \
            (session_capture_cap, $SHQ_SESSION_CAP); full-screen programs (vim, less, top) are noted, not \
            stored, unless capture_alt_screen = true. Without a terminal on stdin and stdout the shell \
            runs as it is. The session ends with the shell's exit status.

              shq session
              shq session -- -zsh
              shq session -- bash --norc
            """
    )

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The shell and its arguments.", valueName: "shell"))
    var shell: [String] = []

    func validate() throws {
        // Passthrough parsing takes `--help` as the shell when it comes first.
        if ["--help", "-h"].contains(shell.first) { throw CleanExit.helpRequest(self) }
    }

    func run() throws {
        let words = shell.first == "--" ? Array(shell.dropFirst()) : shell
        // Taken raw from argv, so arguments that are not UTF-8 reach the shell exactly.
        Session.main(Array(RawArguments.all.suffix(words.count)))
    }
}
