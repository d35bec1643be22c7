import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        _superCommandName: Shq.name,
        abstract: "List recorded commands.",
        usage: "shq history [<selector>] [<options>]",
        discussion: """
            The table lists the newest commands with the most recent last; json, jsonl and csv list them \
            newest first. SELECTOR narrows and picks (see `shq help selectors`); the filter options are \
            the same as `shq search`'s and apply with it:

              shq history .%failed       failures in this directory
              shq history @50: -n 10     10 of the last 50 (the newest 10)
              shq history '%/^git /'     git commands
              shq history --since 2h --exit 1
            """,
        aliases: ["i", "list"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (default: all; the newest 20 are shown).")
    var selector: String = ""

    @OptionGroup var filters: FilterOptions

    @Option(name: .short, help: ArgumentHelp("How many to show at most (default 20 without a range in SELECTOR).", valueName: "N"))
    var n: Int?

    @OptionGroup var table: TableOptions

    @Option(help: "table, json, jsonl or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        if let n, n < 1 { throw ValidationError("-n must be at least 1") }
    }

    func run() throws {
        var query = SelectorQuery(try SelectorParser.parse(selector))
        query.conditions.add(filters.conditions)
        let limit = n ?? (query.range == nil ? 20 : nil)
        let opened = try store.openExisting().ingestingHookSpool().reconcilingOrphanedJobs()
        let rows = try opened.resolve(query, limit: limit)
        if rows.isEmpty && selector.isEmpty && filters.isEmpty {
            // Nothing asked for and nothing found: the store holds no command at all. Said on stderr, so
            // the output stays empty for scripts.
            _ = writeAll(2, Array("shq: nothing recorded yet in \(opened.path); \(StoreOptions.howToStart)\n".utf8))
        }
        let output = TerminalOutput()
        let idDigits = format == .table ? try opened.uniqueIDDigits(rows.map(\.id)) : 32  // JSON keeps whole ids
        output.write(format.style.render(rows, width: table.width(output), colour: output.colour, idDigits: idDigits), fromEnd: format == .table)
    }
}
