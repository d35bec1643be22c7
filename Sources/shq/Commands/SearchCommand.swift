import ArgumentParser
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        _superCommandName: Shq.name,
        abstract: "Find commands containing TEXT (case-insensitive substring): the newest N matches.",
        usage: "shq search <text> ... [<options>]",
        discussion: """
            TEXT matches anywhere in the command line, ignoring ASCII case; several words are searched as one \
            phrase ("git commit"). The whole history is searched, through a trigram index. The filters \
            are the same as `shq history`'s, and so is the order: the table lists the newest last, json, \
            jsonl and csv newest first.

              shq search docker --cwd . --exit 1
              shq search 'rsync -avz' --since 7d --format jsonl
            """,
        aliases: ["s"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The text to find.")
    var text: [String]

    @OptionGroup var filters: FilterOptions

    @Option(name: .short, help: ArgumentHelp("How many to show at most.", valueName: "N"))
    var n: Int = 20

    @OptionGroup var table: TableOptions

    @Option(help: "table, json, jsonl or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        if n < 1 { throw ValidationError("-n must be at least 1") }
        if text.joined().isEmpty { throw ValidationError("give some text to search for") }
    }

    func run() throws {
        let opened = try store.openExisting().ingestingHookSpool()
        let rows = try opened.search(text.joined(separator: " "), where: filters.conditions, limit: n)
        let output = TerminalOutput()
        let idDigits = format == .table ? try opened.uniqueIDDigits(rows.map(\.id)) : 32  // JSON keeps whole ids
        output.write(format.style.render(rows, width: table.width(output), colour: output.colour, idDigits: idDigits), fromEnd: format == .table)
    }
}
