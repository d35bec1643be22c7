import ArgumentParser
import ShqQuery
import ShqStore

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        _superCommandName: Shq.name,
        abstract: "Delete commands from the history, with their output, leaving no trace in the file.",
        discussion: """
            Deletes the selected invocations, their lifecycle events and their output (blobs no other \
            command shares), then rewrites the database file (VACUUM) and empties its WAL, so nothing of \
            them remains on disk. Running commands are kept until they end.

              shq forget @1          the most recent command
              shq forget 0193a2      by id prefix
              shq forget @1 @2       the two most recent
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (see `shq help selectors`); several selectors add up.")
    var selectors: [String]

    func validate() throws {
        if selectors.isEmpty { throw ValidationError("give a selector, e.g. @1 (forgetting needs an explicit choice)") }
    }

    func run() throws {
        let parsed = try selectors.map { try SelectorParser.parse($0) }
        let opened = try store.openExisting()
        var matches: [Invocation] = []
        for (selector, text) in zip(parsed, selectors) {
            let found = try opened.resolve(selector)
            guard !found.isEmpty else { throw CommandFailure("'\(text)': no matching command") }
            matches += found
        }
        let live = matches.filter { $0.status.isLive }
        let count = try opened.forget(matches.filter { !$0.status.isLive }.compactMap(\.seq))
        var report = "forgot \(count) command\(count == 1 ? "" : "s")"
        if !live.isEmpty { report += "; \(live.count) still running, kept (forget them after they end)" }
        _ = writeAll(1, Array((report + "\n").utf8))
    }
}
