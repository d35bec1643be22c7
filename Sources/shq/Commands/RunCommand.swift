import ArgumentParser
import ShqPrivacy
import ShqRun
import ShqStore
import ShqSystem

struct RunCommand: ParsableCommand {
    /// The name and its alias: `main` checks them before parsing, without building `configuration`.
    static let names = ["run", "r"]

    static let configuration = CommandConfiguration(
        commandName: names[0],
        _superCommandName: Shq.name,
        abstract: "Run a command and record it with its output.",
        usage: "shq run [<options>] [--] <command> ...\n       shq run [<options>] -c <line>",
        discussion: """
            Runs CMD with its arguments (or, with -c, a shell line through $SHELL -c) exactly as if you \
            had typed it: Ctrl-Z, bg, fg, Ctrl-C, pipes and `&` behave as for the bare command, and shq \
            exits with its status (or dies of its signal). Its stdout and stderr are shown live and stored \
            separately; `shq show --follow` tails them while it runs.

            Each stream is stored up to --capture-cap (default: $SHQ_CAPTURE_CAP, else capture_cap in the \
            config file, else 32M); beyond that the first and last halves are kept and the output is marked \
            truncated. The screen always gets everything. If the store cannot be written, the command \
            still runs and shq warns once; if another process holds it locked, the command starts \
            anyway (after 50 ms at most) and the record is written when the store is free.

            With --pty the command runs on its own pseudo-terminal, so it sees a terminal exactly as \
            without shq (colours, vim, less, top; Ctrl-Z and fg still work); its stdout and stderr are \
            then stored as one stream. Without a terminal on stdin and stdout it uses pipes (with a note).

              shq run make -j4
              shq run -c 'ls | grep foo'
              shq run --color -- pytest -x
              shq run --pty vim notes.txt
            """,
        aliases: Array(names.dropFirst())
    )

    @OptionGroup var store: StoreOptions

    @Option(
        name: .customShort("c"),
        help: ArgumentHelp("Run this shell line with $SHELL -c (else /bin/sh).", valueName: "line"))
    var line: String?

    @Flag(
        name: [.customShort("X"), .customLong("force-capture")],
        help: "Record even if the ignore rules would skip this command.")
    var forceCapture = false

    @Flag(
        inversion: .prefixedNo,
        help: "Redact secrets in the stored output too. Default: redact_output in the config file, else off.")
    var redactOutput: Bool?

    @Flag(help: "Ask the command for colour although its output is a pipe (CLICOLOR_FORCE=1, FORCE_COLOR=1).")
    var color = false

    @Flag(
        inversion: .prefixedNo,
        help: """
            Run the command on a pseudo-terminal: colours, vim, less and top work as without shq; stdout and \
            stderr are stored merged. Default: $SHQ_RUN_PTY=1 or run_pty = true in the config.
            """)
    var pty: Bool?

    @Option(
        name: .customLong("capture-cap"),
        help: ArgumentHelp("Bytes stored per stream, with K, M or G suffix.", valueName: "size"))
    var captureCap: String?

    @Argument(
        parsing: .captureForPassthrough,
        help: ArgumentHelp("The command and its arguments.", valueName: "command"))
    var command: [String] = []

    private var words: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
        // Passthrough parsing takes `--help` as the command's first word when it comes first.
        if ["--help", "-h"].contains(command.first) { throw CleanExit.helpRequest(self) }
        if line == nil && words.isEmpty { throw ValidationError("give a command to run, or -c 'LINE'") }
        if line != nil && !words.isEmpty { throw ValidationError("give either -c 'LINE' or a command, not both") }
        if let captureCap, ResolvedSettings.parseSize(captureCap) == nil {
            throw ValidationError("--capture-cap '\(captureCap)': expected a size like 512K, 64M or 1G")
        }
    }

    func run() throws {
        Self.start(
            line: line, wordCount: words.count, location: store.location, captureCap: captureCap, color: color,
            forceCapture: forceCapture, redactOutput: redactOutput, pty: pty)
    }

    /// `shq run CMD [ARGS…]` with no option before CMD, read without the argument parser: reflecting over
    /// the option structs costs ~8 million instructions (~3 ms) at every start, the largest single part
    /// of the wrapper's overhead. Passthrough parsing reads such a line the same way (every word from the
    /// first non-option on belongs to the command), so every option keeps its default.
    static func runIfPlain(_ arguments: [String]) {
        guard arguments.count >= 2, isNamed(arguments[0]),
              let first = arguments[1].first, first != "-"
        else { return }
        start(line: nil, wordCount: arguments.count - 1, location: StoreLocation.resolve(explicit: nil))
    }

    /// `run` or its alias.
    static func isNamed(_ word: String) -> Bool {
        names.contains(word)
    }

    private static func start(
        line: String?, wordCount: Int, location: StoreLocation, captureCap: String? = nil, color: Bool = false,
        forceCapture: Bool = false, redactOutput: Bool? = nil, pty: Bool? = nil
    ) -> Never {
        var request: RunRequest
        if let line {
            request = .shellLine(RawArguments.bytes(of: line), location: location)
        } else {
            // The command words are the last arguments of shq's own argv: take them raw, so arguments
            // that are not UTF-8 run and are stored exactly.
            request = .argv(Array(RawArguments.all.suffix(wordCount)), location: location)
        }
        request.settings = ResolvedSettings(
            flags: .init(captureCap: captureCap, pty: pty, redactOutput: redactOutput, forceCapture: forceCapture))
        request.forceColor = color
        request.forceCapture = forceCapture
        RunEngine.run(request)
    }
}
