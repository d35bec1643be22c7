import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        _superCommandName: Shq.name,
        abstract: "Print the captured output of a command.",
        usage: "shq show [<selector>] [<options>]",
        discussion: """
            Byte-exact by default: the command's stdout goes to stdout and its stderr to stderr, so \
            `shq show > out.txt` splits them as the command did. -O prints only stdout, -E only stderr \
            (to stdout, for piping), -A both to stdout, stdout first.

            SELECTOR defaults to @1, the most recent command (see `shq help selectors`). Only commands run \
            through `shq run` (or saved with output) have output; for others, show says so on stderr and \
            exits 1.

            --follow (-f) prints a running command's output as it arrives and returns when the command \
            ends; without SELECTOR it follows the newest command still running.
            """,
        aliases: ["o"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which command (default @1, the most recent).")
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

    @Flag(name: [.customShort("f"), .long], help: "Keep printing a running command's output until it ends.")
    var follow = false

    func validate() throws {
        if [onlyStdout, onlyStderr, allToStdout].filter({ $0 }).count > 1 {
            throw ValidationError("-O, -E and -A exclude each other")
        }
        if let head, head < 0 { throw ValidationError("--head must be at least 0") }
        if let tail, tail < 0 { throw ValidationError("--tail must be at least 0") }
        if follow && (head != nil || tail != nil) { throw ValidationError("--follow prints everything; it takes no --head or --tail") }
    }

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        let store = try self.store.openExisting().ingestingHookSpool()
        if follow && selector.isEmpty {
            guard let target = try OutputFollower.defaultTarget(in: store) else { throw ResolutionError("no command recorded yet") }
            return try followOutput(of: target, in: store)
        }
        let invocation = try store.resolveOne(parsed, text: selector)
        if follow { return try followOutput(of: invocation, in: store) }
        let outputs = try store.outputs(for: invocation.seq!)
        if outputs.isEmpty { throw try Self.noOutput(invocation, in: store) }
        let printer = OutputPrinter(headLines: head, tailLines: tail, stripEscapes: strip)
        for output in outputs {
            guard let fd = destination(of: output.stream) else { continue }
            if try !printer.print(output, from: store, to: fd) { return }
        }
    }

    /// A record without any stored stream (`shq run` stores each, even empty): say why, and how to get
    /// the output next time.
    static func noOutput(_ invocation: Invocation, in store: Store) throws -> CommandFailure {
        let how = switch invocation.source {
        case .hook: "by the shell hook, which records commands but not their output"
        case .import: "by an import from another history, which has no output"
        case .save, .run: "without its output"
        }
        return CommandFailure("show: \(try store.shortID(invocation.id)) (\(invocation.cmdText.singleLine)) was recorded \(how); "
            + "to keep its output next time, run it through shq run: shq run -c \(RerunPlan.quote(invocation.cmd).singleLine)")
    }

    private func followOutput(of invocation: Invocation, in store: Store) throws {
        var follower = OutputFollower(store: store, seq: invocation.seq!, stripEscapes: strip)
        _ = try follower.follow(route: destination(of:))
    }

    /// Where a stream is printed (nil: not at all), by -O, -E and -A.
    private func destination(of stream: OutputStream) -> Int32? {
        switch stream {
        case .stdout, .pty:
            return onlyStderr ? nil : 1
        case .stderr:
            if onlyStdout { return nil }
            return onlyStderr || allToStdout ? 1 : 2
        }
    }
}
