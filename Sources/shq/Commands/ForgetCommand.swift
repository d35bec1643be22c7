import ArgumentParser
import ShqQuery
import ShqStore

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Delete commands from the history, with their output, leaving no trace in the file.",
        discussion: """
            Deletes the selected invocations, their lifecycle events and their output (blobs no other
            command shares), then rewrites the database file (VACUUM) and empties its WAL, so nothing of
            them remains on disk. Running commands are kept until they end.

              shq forget ~1          the most recent command
              shq forget 0193a2      by id prefix
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (see `shq help selectors`).")
    var selector: String

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        let opened = try store.open()
        let matches = try opened.resolve(parsed)
        guard !matches.isEmpty else { throw CommandFailure("'\(selector)': no matching command") }
        let live = matches.filter { $0.status.isLive }
        let count = try opened.forget(matches.filter { !$0.status.isLive }.compactMap(\.seq))
        var report = "forgot \(count) command\(count == 1 ? "" : "s")"
        if !live.isEmpty { report += "; \(live.count) still running, kept (forget them after they end)" }
        _ = writeAll(1, Array((report + "\n").utf8))
    }
}
