import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        _superCommandName: Shq.name,
        abstract: "List recorded commands.",
        usage: "shq history [<selector>] [<options>]",
        discussion: """
            The table lists the newest commands with the most recent last; json, jsonl and csv list them \
            newest first. SELECTOR narrows and picks (see `shq help selectors`):

              shq history .%failed       failures in this directory
              shq history @50: -n 10     10 of the last 50 (the newest 10)
              shq history '%/^git /'     git commands
            """,
        aliases: ["i", "list"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (default: all, newest first).")
    var selector: String = ""

    @Option(name: .short, help: ArgumentHelp("How many to show at most (default 20 without a range in SELECTOR).", valueName: "N"))
    var n: Int?

    @OptionGroup var table: TableOptions

    @Option(help: "table, json, jsonl or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        if let n, n < 1 { throw ValidationError("-n must be at least 1") }
    }

    func run() throws {
        let query = SelectorQuery(try SelectorParser.parse(selector))
        let limit = n ?? (query.range == nil ? 20 : nil)
        let rows = try store.open().ingestingHookSpool().reconcilingOrphanedJobs().resolve(query, limit: limit)
        let output = TerminalOutput()
        output.write(format.style.render(rows, width: table.width(output), colour: output.colour), fromEnd: format == .table)
    }
}
