import ArgumentParser
import ShqPrivacy
import ShqQuery
import ShqRun
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

    /// Opens the store for a command that shows records, after orphan recovery: a job whose `shq run`
    /// died is never shown as running. Recovery failing (a read-only store) does not stop the reading.
    func openForReading() throws -> Store {
        let store = try open()
        _ = try? JobRegistry(store: store).reconcile()
        return store
    }
}

/// `--format` for commands that print records: an aligned table, a JSON array, JSON Lines, or CSV.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, jsonl, csv

    var style: RecordStyle { RecordStyle(rawValue: rawValue)! }
}

/// `--wide` for commands that print a table: on a terminal, lines are cut to its width unless given.
struct TableOptions: ParsableArguments {
    @Flag(help: "Show whole command lines on a terminal instead of cutting them to its width with '…'.")
    var wide = false

    /// The width to cut table lines to: the terminal's, nil with --wide or when not writing to a terminal.
    func width(_ output: TerminalOutput) -> Int? { wide ? nil : output.columns }
}
