import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        _superCommandName: Shq.name,
        abstract: "Summarise the history: totals, failures, top programs, slowest commands, busiest directories, per day.",
        usage: "shq stats [<selector>] [<options>]",
        discussion: """
            SELECTOR restricts what is counted (`shq stats .` for this directory, `shq stats %failed`). \
            For `shq run` jobs it also shows wall time against active time (wall minus time stopped with \
            Ctrl-Z until resumed).
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands to count (default: all; see `shq help selectors`).")
    var selector: String = ""

    @Option(help: ArgumentHelp("How many entries in each top list.", valueName: "N"))
    var top: Int = 10

    @OptionGroup var table: TableOptions

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if format == .csv || format == .jsonl { throw ValidationError("stats prints table or json") }
    }

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        if parsed.range != nil { throw CommandFailure("stats counts by filters; ranges and ids (\(selector)) are not supported here") }
        let opened = try store.openExisting().ingestingHookSpool()
        let stats = try opened.stats(SelectorQuery(parsed).conditions, top: top)
        let output = TerminalOutput()
        let idDigits = format == .table ? try opened.uniqueIDDigits(stats.slowest.map(\.id)) : 32
        output.write(format == .json ? stats.json : stats.text(width: table.width(output), colour: output.colour, idDigits: idDigits))
    }
}
