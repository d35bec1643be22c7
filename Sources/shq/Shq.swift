import ArgumentParser
import Glibc
import ShqRun
import ShqStore
import ShqSystem

@main
struct Shq: ParsableCommand {
    static let name = "shq"
    static let configuration = CommandConfiguration(
        commandName: name,
        abstract: "Remembers every command you run: what, where, when, how long, how it ended, and its output.",
        discussion: """
            Record interactive commands with the shell hook (eval "$(shq hook init)" in ~/.bashrc or ~/.zshrc; \
            shq hook init | source in fish's config.fish), \
            run a command through `shq run` to also capture its output (or keep every command's output: \
            eval "$(shq hook init --capture)", see `shq session --help`), then ask the history. \
            `shq doctor` checks the set-up.

            The store is one SQLite file: --db, else $SHQ_DB, else ${XDG_DATA_HOME:-~/.local/share}/shq/history.db.

            The config file ${XDG_CONFIG_HOME:-~/.config}/shq/config holds one key = value per line \
            (# starts a comment); flags and environment variables override it:
            \(Settings.keysHelp)

            More: shq help <subcommand>, shq help selectors, man shq.
            """,
        version: ShqVersion.current,
        subcommands: [
            RunCommand.self,
            SessionCommand.self,
            SaveCommand.self,
            HistoryCommand.self,
            ShowCommand.self,
            InfoCommand.self,
            SQLCommand.self,
            HookCommand.self,
            IgnoreCheckCommand.self,
            SearchCommand.self,
            GrepCommand.self,
            StatsCommand.self,
            RerunCommand.self,
            PickCommand.self,
            ImportCommand.self,
            ExportCommand.self,
            SelectorsTopic.self,
            ForgetCommand.self,
            PruneCommand.self,
            JobsCommand.self,
            KillCommand.self,
            WaitCommand.self,
            CleanCommand.self,
            SyncCommand.self,
            DoctorCommand.self,
        ]
    )

    /// Runs the command line; failures print `shq: <what failed>: <why>` and exit non-zero.
    static func main() {
        // The session leader of `shq run --pty`'s terminal: not a user command, no argument parsing.
        if CommandLine.argc > 1, let first = CommandLine.unsafeArgv[1], String(cString: first) == PtyMonitor.subcommand {
            PtyMonitor.main(RawArguments.all)
        }
        // `shq run` must own its job-control signals before anything can start a thread (see JobSignals).
        // (Its alias too: `shq r` without this left SIGCHLD to whichever thread took it, and hung.)
        // `shq session` reads its signals the same way.
        if CommandLine.argc > 1, let first = CommandLine.unsafeArgv[1],
           RunCommand.isNamed(String(cString: first)) || String(cString: first) == SessionCommand.name
            || String(cString: first) == PickCommand.name {
            JobSignals.blockAtStartup()
        }
        let arguments = KillArguments.normalized(Array(CommandLine.arguments.dropFirst()))
        RunCommand.runIfPlain(arguments)
        if let unknown = UnknownCommand.message(for: arguments) { fail(unknown, code: 64) }
        // `shq grep` exits as grep does: 2 for any error (1 means "nothing found").
        let errorCode: Int32? = arguments.first.map(GrepCommand.isNamed) == true ? 2 : nil
        do {
            if let options = PickCommand.widgetOptions(arguments) {
                try PickCommand.pick(options, widget: true, store: StoreOptions.openExisting(StoreLocation.resolve(explicit: nil)))
                return
            }
            var command = try parseSubcommandAlone(arguments) ?? parseAsRoot(arguments)
            try command.run()
        } catch let error as StoreError {
            fail("\(error)", code: errorCode ?? 1)
        } catch let error as CommandFailure {
            fail(error.message, code: errorCode ?? error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)  // --help, --version
            }
            fail(message(for: error), code: errorCode ?? (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }

    /// Parsing from the root reflects over every subcommand's options: ~8 million instructions, 2–3 ms
    /// of every start (callgrind). A command line that names a subcommand is parsed by that subcommand
    /// alone. Each subcommand names `shq` as its `_superCommandName`, which spares that parse the
    /// library's check for `--generate-completion-script` (two more commands reflected: 5 of the 13
    /// million instructions of `shq history -n 20`). Anything but the subcommand itself, such as the
    /// help for `--help`, and any failure, falls back to the root parse, so every message and help
    /// text is the usual one.
    private static func parseSubcommandAlone(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
              let type = configuration.subcommands.first(where: {
                  $0.configuration.commandName == name || $0.configuration.aliases.contains(name)
              }),
              type.configuration.subcommands.isEmpty,
              let command = try? type.parseAsRoot(Array(arguments.dropFirst())),
              Swift.type(of: command) == type
        else { return nil }
        return command
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        let text = "shq: " + message + "\n"
        _ = writeAll(2, Array(text.utf8))
        Glibc.exit(code)
    }
}

/// An error already worded for the user (`shq: ` is added when printed).
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 1
    init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }
}
