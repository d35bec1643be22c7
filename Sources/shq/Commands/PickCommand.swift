import ArgumentParser
import Glibc
import ShqPicker
import ShqRun
import ShqStore
import ShqSystem

extension MatchMode: ExpressibleByArgument {}
extension PickFilter: ExpressibleByArgument {}

struct PickCommand: ParsableCommand {
    static let name = "pick"
    static let configuration = CommandConfiguration(
        commandName: name,
        _superCommandName: Shq.name,
        abstract: "Pick a command from the history interactively (what the hooks bind to Ctrl-R).",
        usage: "shq pick [--query <text>] [--mode <mode>] [--filter <filter>] [<options>]",
        discussion: """
            Drawn on the terminal below the prompt (--height, default 40% of the rows; full screen when \
            that does not fit, or with --full-screen). Each command line is shown once, newest or best \
            first, with how many times it ran; the pane below shows the selected command's exit status, \
            duration, time, directory and the last lines of its captured output.

            Keys: type to search; Enter runs the command, Tab puts it on the prompt line to edit; Esc, \
            Ctrl-G or Ctrl-C leave the line as it was; Up/Down, Ctrl-P/Ctrl-N, PgUp/PgDn move; Alt-1…9 run \
            the n-th row shown; Ctrl-S cycles the matching (fuzzy, prefix, substring, regex); Ctrl-R \
            cycles the filter (all, host, session, dir, failed); Ctrl-D forgets the selected line's \
            records in the filter, after asking.

            Without the hook, the chosen command is printed on stdout (exit 1 when cancelled):

              cmd=$(shq pick) && eval "$cmd"

            The hooks bind Ctrl-R (SHQ_BIND_CTRL_R=0 before `eval "$(shq hook init)"` leaves it alone) and, \
            with SHQ_BIND_UP=1, the Up arrow (opened on this session's commands).
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "The initial query (the hooks pass the line typed so far).")
    var query = ""

    @Option(help: "fuzzy, prefix, substring or regex.")
    var mode: MatchMode = .fuzzy

    @Option(help: "all, host, session, dir or failed.")
    var filter: PickFilter = .everything

    @Option(help: ArgumentHelp("Rows to draw in: N, or N% of the terminal's (default 40%).", valueName: "N[%]"))
    var height: String?

    @Flag(help: "Draw on the whole screen (the alternate screen) instead of below the prompt.")
    var fullScreen = false

    @Flag(help: .hidden)
    var widget = false

    func validate() throws {
        if let height, parsedHeight(height) == nil { throw ValidationError("--height must be N or N% (N ≥ 3 rows, 10…100%)") }
    }

    private func parsedHeight(_ text: String) -> (percent: Int?, rows: Int?)? {
        if text.hasSuffix("%") {
            guard let percent = Int(text.dropLast()), (10...100).contains(percent) else { return nil }
            return (percent, nil)
        }
        guard let rows = Int(text), rows >= 3 else { return nil }
        return (nil, rows)
    }

    func run() throws {
        var options = PickOptions()
        options.query = query
        options.mode = mode
        options.filter = filter
        options.fullScreen = fullScreen
        if let height, let parsed = parsedHeight(height) { (options.heightPercent, options.heightRows) = parsed }
        try Self.pick(options, widget: widget, store: store.openExisting())
    }

    /// What the hooks run on Ctrl-R, `pick --widget --query LINE [--filter F]`, read without the argument
    /// parser: reflecting over the options costs ~8 million instructions (~3 ms), two thirds of what
    /// happens before the picker's first frame (callgrind, Docs/design/picker.md). Only that exact form
    /// (the query taken as it is, even when it starts with `-`); anything else goes through the parser.
    static func widgetOptions(_ arguments: [String]) -> PickOptions? {
        guard arguments.count == 4 || arguments.count == 6, arguments[0] == name, arguments[1] == "--widget",
              arguments[2] == "--query" else { return nil }
        var options = PickOptions()
        options.query = arguments[3]
        if arguments.count == 6 {
            guard arguments[4] == "--filter", let filter = PickFilter(rawValue: arguments[5]) else { return nil }
            options.filter = filter
        }
        return options
    }

    static func pick(_ options: PickOptions, widget: Bool, store: Store) throws {
        var options = options
        options.session = ProcessEnvironment.nonEmpty("SHQ_SESSION")
        let opened = store.ingestingHookSpool()
        let outcome: PickOutcome
        do {
            var session = try PickSession(store: opened, options: options)
            outcome = try session.run()
        } catch let failure as PickFailure {
            throw CommandFailure("pick: \(failure.message)")
        }
        // --widget (the hooks): the first line says what to do, the rest is the command line.
        switch outcome {
        case .run(let line): _ = writeAll(1, Array(((widget ? "run\n" : "") + line + (widget ? "" : "\n")).utf8))
        case .edit(let line): _ = writeAll(1, Array(((widget ? "edit\n" : "") + line + (widget ? "" : "\n")).utf8))
        case .cancelled: Glibc.exit(1)  // nothing chosen: no output, no message
        }
    }
}
