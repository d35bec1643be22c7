import ArgumentParser
import ShqPrivacy
import ShqQuery
import ShqRender
import ShqStore

/// Options every command that reads or writes the history takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history database to use.", discussion: "Default: $SHQ_DB, else ${XDG_DATA_HOME:-~/.local/share}/shq/history.db.", valueName: "path"))
    var db: String?

    var location: StoreLocation { StoreLocation.resolve(explicit: db) }

    /// Opens the store, creating it on first use: for commands that record. What else a command does
    /// first (ingest the hook spool, reconcile orphaned jobs) it names at its call site: see
    /// `Store.ingestingHookSpool()`.
    func open() throws -> Store {
        try Store(location: location)
    }

    /// Opens the store for a command that reads or deletes: it never creates one (a mistyped `--db`
    /// would otherwise leave a new empty store, and folders, behind). None yet is an error saying how
    /// to start recording.
    func openExisting() throws -> Store { try Self.openExisting(location) }

    static func openExisting(_ location: StoreLocation) throws -> Store {
        guard location.holdsHistory else {
            throw CommandFailure("no history at \(location.databasePath): nothing recorded there yet; \(Self.howToStart)")
        }
        return try Store(location: location)
    }

    static let howToStart = "to record every command, add eval \"$(shq hook init)\" to ~/.bashrc or ~/.zshrc "
        + "(fish: shq hook init | source, in ~/.config/fish/config.fish; shq run CMD also keeps its output)"
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
