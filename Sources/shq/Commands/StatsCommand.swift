import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        _superCommandName: Shq.name,
        abstract: "Summarise the history as pictures: top programs and directories with their failures, a year's calendar, hours of the day, durations.",
        usage: "shq stats [<selector>] [<options>]",
        discussion: """
            SELECTOR and the filters restrict what is counted (`shq stats .` for this directory, \
            `shq stats %/make/ --since 30d`). Bars are scaled to the terminal's width (80 columns when not \
            on one); the end of each bar shows the share that failed. Colour only on a terminal \
            (NO_COLOR, --color); without it the shades are distinct Unicode blocks, or ASCII when the \
            locale is not UTF-8. `--format json` gives every figure behind the pictures; `--format csv` \
            one table, chosen with --only (programs, directories, days, hours, durations). For `shq run` \
            jobs it also shows wall time against active time (wall minus time stopped with Ctrl-Z until \
            resumed).
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands to count (default: all; see `shq help selectors`).")
    var selector: String = ""

    @OptionGroup var filters: FilterOptions

    @Option(help: ArgumentHelp("How many entries in each top list.", valueName: "N"))
    var top: Int = 10

    @Option(help: ArgumentHelp("Only this part: \(StatsSection.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "part"))
    var only: StatsSection?

    @Option(name: .customLong("color"), help: "auto (a terminal, unless NO_COLOR), always or never.")
    var colour: ColourChoice = .auto

    @OptionGroup var table: TableOptions

    @Option(help: "table, json or csv (csv: with --only naming a table).")
    var format: OutputFormat = .table

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if format == .jsonl { throw ValidationError("stats prints table, json or csv") }
        if format == .csv, !StatsSection.tables.contains(where: { $0 == only }) {
            throw ValidationError("--format csv prints one table: add --only with one of \(StatsSection.tables.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        if parsed.range != nil { throw CommandFailure("stats counts by filters; ranges and ids (\(selector)) are not supported here") }
        var conditions = SelectorQuery(parsed).conditions
        conditions.add(filters.conditions)
        let opened = try store.openExisting().ingestingHookSpool()
        let stats = try opened.stats(conditions, top: top)
        let output = TerminalOutput(colour: colour)
        switch format {
        case .json: output.write(stats.json)
        case .csv: output.write(only.flatMap(stats.csv) ?? "")
        case .table, .jsonl:
            let idDigits = try opened.uniqueIDDigits(stats.slowest.map(\.id))
            let style = ChartStyle(colour: output.colour, unicode: TerminalOutput.unicode)
            output.write(stats.text(width: output.columns ?? 80, style: style, only: only,
                                    tableWidth: table.width(output), idDigits: idDigits))
        }
    }
}

extension StatsSection: ExpressibleByArgument {}
extension ColourChoice: ExpressibleByArgument {}
