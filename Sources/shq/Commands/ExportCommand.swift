import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        _superCommandName: Shq.name,
        abstract: "Stream every record (or those SELECTOR names), oldest first.",
        discussion: """
            Records are read and written one at a time, so exporting a large history needs little memory.

              shq export --format jsonl > history.jsonl
              shq export .%failed --format csv
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (default: all; see `shq help selectors`).")
    var selector: String = ""

    @Option(help: "jsonl, json or csv.")
    var format: OutputFormat = .jsonl

    func validate() throws {
        if format == .table { throw ValidationError("export writes jsonl, json or csv; for a table use `shq history`") }
    }

    func run() throws {
        let query = SelectorQuery(try SelectorParser.parse(selector))
        let window = query.window
        var writer = RecordStreamWriter(style: format.style) { writeAll(1, Array($0.utf8)) == 0 }
        guard writer.begin() else { return }
        var open = true
        try store.openExisting().ingestingHookSpool().forEachInvocation(query.conditions, offset: window.offset, limit: window.count, order: .oldestFirst) {
            open = writer.add($0)
            return open
        }
        if open { _ = writer.end() }
    }
}
