import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        _superCommandName: Shq.name,
        abstract: "Show everything recorded about a command: where, when, how it ended, its lifecycle.",
        aliases: ["I"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which command (default @1, the most recent).")
    var selector: String = ""

    @Option(help: "table or json (jsonl prints the same one-line object).")
    var format: OutputFormat = .table

    func validate() throws {
        if format == .csv { throw ValidationError("info prints one record with its timeline: use table or json") }
    }

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        let store = try self.store.openExisting().ingestingHookSpool().reconcilingOrphanedJobs()
        let invocation = try store.resolveOne(parsed, text: selector)
        let details = InvocationDetails(
            invocation: invocation, events: try store.events(for: invocation.seq!),
            outputs: try store.outputs(for: invocation.seq!))
        let text = format == .table ? details.text : details.json + "\n"
        _ = writeAll(1, Array(text.utf8))
    }
}
