import ArgumentParser
import ShqQuery
import ShqStore

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show everything recorded about a command: where, when, how it ended, its lifecycle.",
        aliases: ["I"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which command (default ~1, the most recent).")
    var selector: String = ""

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func run() throws {
        let store = try self.store.openForReading()
        let invocation = try store.resolveOne(try SelectorParser.parse(selector), text: selector)
        let details = InvocationDetails(
            invocation: invocation, events: try store.events(for: invocation.seq!),
            outputs: try store.outputs(for: invocation.seq!))
        let text = format == .json ? details.json + "\n" : details.text
        _ = writeAll(1, Array(text.utf8))
    }
}
