import ArgumentParser
import ShqQuery
import ShqStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List recorded commands, newest first.",
        aliases: ["i", "list"]
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .short, help: "How many to show.")
    var n: Int = 20

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if n < 1 { throw ValidationError("-n must be at least 1") }
    }

    func run() throws {
        let rows = try store.openForReading().invocations(limit: n)
        let text: String
        switch format {
        case .json: text = "[" + rows.map(\.jsonObject).joined(separator: ",\n") + "]\n"
        case .table: text = HistoryTable.render(rows)
        }
        _ = writeAll(1, Array(text.utf8))
    }
}
