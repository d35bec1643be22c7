import ArgumentParser
import ShqHooks
import ShqPrivacy
import ShqQuery
import ShqSession
import ShqStore
import ShqSync
import ShqSystem

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Shell integration: record every interactive command.",
        discussion: """
            Add to ~/.bashrc or ~/.zshrc:

              eval "$(shq hook init)"

            or to ~/.config/fish/config.fish:

              shq hook init | source

            Every command you type is then recorded (line, cwd, start, duration, exit status, pipestatus) \
            except those the ignore rules skip (see `shq ignore-check --help`).

            With `eval "$(shq hook init --capture)"` (fish: `shq hook init --capture | source`; or \
            capture = true in the config file) every command's output is kept too: the shell restarts \
            under `shq session` (put the line at the top of the rc file: what comes before it runs \
            twice). SHQ_CAPTURE=0 turns that off for one terminal.
            """,
        subcommands: [Init.self, Off.self, On.self, Ingest.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the hook script for this shell, to eval in your shell's rc file.",
            discussion: "The shell is the one running this command (its parent process), else $SHELL.")

        @Option(help: "The shell to print the hook for (default: detected).")
        var shell: ShellHook?

        @Flag(help: "Also keep every command's output: restart the interactive shell under `shq session` (default: capture in the config file; SHQ_CAPTURE=0 or 1 decides for one terminal).")
        var capture = false

        @Flag(name: .customLong("no-bind"), help: "Leave Ctrl-R (and Up) to the shell instead of binding them to `shq pick` (as SHQ_BIND_CTRL_R=0 does).")
        var noBind = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            guard let shell = shell ?? ShellHook.detect() else {
                throw CommandFailure("hook init: cannot tell which shell this is; use --shell bash, --shell zsh or --shell fish")
            }
            // The spool folder is made now, at shell start-up, so the prompt never needs a process for it.
            try? store.location.createSpoolDirectory()
            // stdout is the pipe of `$(…)`; stdin and stderr are still the shell's terminal.
            let terminal = ProcessEnvironment.ttyName
            let served = terminal != nil && ProcessEnvironment.nonEmpty(Session.terminalVariable) == terminal
            let script = shell.initScript(
                binary: ShellHook.currentExecutable, terminal: terminal, version: ShqVersion.current,
                defaultIgnore: IgnoreRules.defaultIgnore,
                markNonce: served ? ProcessEnvironment.nonEmpty(Session.nonceVariable) : nil,
                session: !served && terminal != nil && ResolvedSettings(flags: .init(capture: capture)).capture ? ShellHook.parentCommandLine() : nil,
                bindKeys: !noBind)
            _ = writeAll(1, Array(script.utf8))
        }
    }

    struct Off: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop recording in the current shell (from its next prompt, SHQ_DISABLED=1).",
            discussion: "The hook of this shell (found by $SHQ_SESSION) sets SHQ_DISABLED=1 before it judges this line.")

        func run() throws { try HookSwitch.off.send() }
    }

    struct On: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record again in the current shell (from its next prompt, SHQ_DISABLED unset).",
            discussion: "The hook of this shell (found by $SHQ_SESSION) unsets SHQ_DISABLED before it judges this line.")

        func run() throws { try HookSwitch.on.send() }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move pending hook records into the store (every shq command does this first).")

        @Flag(help: "Started by the hook: return at once if another ingest is running, print nothing.")
        var background = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            let opened = try Store(location: store.location)
            opened.ingestingHookSpool(wait: !background, quiet: background)
            // sync_every: the background ingest is already off the prompt's path.
            let settings = ResolvedSettings.current
            if background, let url = settings.syncURL, let every = settings.syncEvery.flatMap(DurationText.parse), every > 0 {
                AutoSync.runIfDue(store: opened, url: url, settings: settings, interval: every)
            }
        }
    }
}

extension ShellHook: ExpressibleByArgument {}

extension HookSwitch {
    /// Leaves the request for the hook of the shell this runs in (its session is in $SHQ_SESSION), in the
    /// spool folder of the store the hook writes to ($SHQ_DB or the default, as the hook resolves it).
    func send() throws {
        guard let session = ProcessEnvironment.nonEmpty("SHQ_SESSION") else {
            let byHand = self == .off ? "set SHQ_DISABLED=1" : "unset SHQ_DISABLED"
            throw CommandFailure("hook \(rawValue): only works in a shell where the hook is loaded (eval \"$(shq hook init)\"); elsewhere, \(byHand)")
        }
        let location = StoreLocation.resolve()
        try? location.createSpoolDirectory()
        do {
            try request(session: session, spoolDirectory: location.spoolDirectory)
        } catch {
            throw CommandFailure("hook \(rawValue): \(error.reason)")
        }
    }
}
