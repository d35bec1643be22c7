import ArgumentParser
import ShqQuery
import ShqStore

/// Options every command that reads or writes the history takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history database to use.", discussion: "Default: $SHQ_DB, else ${XDG_DATA_HOME:-~/.local/share}/shq/history.db.", valueName: "path"))
    var db: String?

    var location: StoreLocation { StoreLocation.resolve(explicit: db) }

    /// Opens (creating on first use) the store, after moving pending hook records in from the spool.
    func open() throws -> Store {
        let store = try Store(location: location)
        HookSpool.ingest(into: store, wait: true)
        return store
    }
}

/// `--format` for commands that print records: an aligned table, a JSON array, JSON Lines, or CSV.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv

    var style: RecordStyle { RecordStyle(rawValue: rawValue)! }
}
