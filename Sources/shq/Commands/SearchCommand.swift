import ArgumentParser
import ShqQuery
import ShqStore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        _superCommandName: Shq.name,
        abstract: "Find commands containing TEXT (case-insensitive substring), newest first.",
        usage: "shq search <text> ... [<options>]",
        discussion: """
            TEXT matches anywhere in the command line, ignoring ASCII case; several words are searched as one \
            phrase ("git commit"). The whole history is searched, through a trigram index.

              shq search docker --cwd . --exit 1
              shq search 'rsync -avz' --since 7d --format jsonl
            """,
        aliases: ["s"]
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The text to find.")
    var text: [String]

    @Option(help: ArgumentHelp("Only commands run in this directory.", valueName: "dir"))
    var cwd: String?

    @Option(name: .customLong("exit"), help: ArgumentHelp("Only commands that exited with this status.", valueName: "code"))
    var exitCode: Int32?

    @Option(help: ArgumentHelp("Only commands started since: ISO 8601, @epoch, today, or an age like 2h, 7d.", valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("Only commands from this shell session.", valueName: "id"))
    var session: String?

    @Option(help: ArgumentHelp("Only commands recorded on this host.", valueName: "name"))
    var host: String?

    @Option(name: .short, help: ArgumentHelp("How many to show at most.", valueName: "N"))
    var n: Int = 20

    @OptionGroup var table: TableOptions

    @Option(help: "table, json, jsonl or csv.")
    var format: OutputFormat = .table

    func validate() throws {
        if n < 1 { throw ValidationError("-n must be at least 1") }
        if text.joined().isEmpty { throw ValidationError("give some text to search for") }
        if let since, SearchFilters.time(since) == nil {
            throw ValidationError("--since '\(since)': expected ISO 8601, @epoch, today, or an age like 30m, 2h, 7d")
        }
    }

    func run() throws {
        let filters = SearchFilters(
            directory: cwd, exitCode: exitCode, since: since.flatMap { SearchFilters.time($0) }, session: session, host: host)
        let rows = try store.openExisting().search(text.joined(separator: " "), where: filters.conditions(), limit: n)
        let output = TerminalOutput()
        output.write(format.style.render(rows, width: table.width(output), colour: output.colour), fromEnd: format == .table)
    }
}
