import ArgumentParser
import ShqQuery
import ShqStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the captured output of a command.",
        discussion: """
            Byte-exact by default: the command's stdout goes to stdout and its stderr to stderr, so
            `shq show > out.txt` splits them as the command did. -O prints only stdout, -E only stderr
            (to stdout, for piping), -A both to stdout, stdout first.

            SELECTOR defaults to ~1, the most recent command (see `shq help selectors`).
            """,
        aliases: ["o"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which command (default ~1, the most recent).")
    var selector: String = ""

    @Flag(name: .customShort("O"), help: "Only standard output.")
    var onlyStdout = false

    @Flag(name: .customShort("E"), help: "Only standard error, printed to stdout.")
    var onlyStderr = false

    @Flag(name: .customShort("A"), help: "Both streams to stdout, stdout first.")
    var allToStdout = false

    @Option(help: ArgumentHelp("Only the first N lines of each stream.", valueName: "N"))
    var head: Int?

    @Option(help: ArgumentHelp("Only the last N lines of each stream.", valueName: "N"))
    var tail: Int?

    @Flag(help: "Remove colour and other terminal escape sequences.")
    var strip = false

    func validate() throws {
        if [onlyStdout, onlyStderr, allToStdout].filter({ $0 }).count > 1 {
            throw ValidationError("-O, -E and -A exclude each other")
        }
        if let head, head < 0 { throw ValidationError("--head must be at least 0") }
        if let tail, tail < 0 { throw ValidationError("--tail must be at least 0") }
    }

    func run() throws {
        let store = try self.store.openForReading()
        let invocation = try store.resolveOne(try SelectorParser.parse(selector), text: selector)
        let printer = OutputPrinter(headLines: head, tailLines: tail, stripEscapes: strip)
        for output in try store.outputs(for: invocation.seq!) {
            let fd: Int32
            switch output.stream {
            case .stdout, .pty:
                if onlyStderr { continue }
                fd = 1
            case .stderr:
                if onlyStdout { continue }
                fd = onlyStderr || allToStdout ? 1 : 2
            }
            if try !printer.print(output, from: store, to: fd) { return }
        }
    }
}
