import ArgumentParser
import Glibc
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        _superCommandName: Shq.name,
        abstract: "Delete commands from the history, with their output, leaving no trace in the file.",
        discussion: """
            Deletes the selected invocations, their lifecycle events and their output (blobs no other \
            command shares), then rewrites the database file (VACUUM) and empties its WAL, so nothing of \
            them remains on disk. Running commands are kept until they end.

            It first lists what will go. On a terminal it then asks; -y skips the question. Without a \
            terminal to ask on (a script, a pipe), it deletes only with -y, and otherwise refuses. \
            --dry-run only lists.

              shq forget @1          the most recent command
              shq forget 0193a2b4    by id prefix
              shq forget -y @1 @2    the two most recent, without asking
              shq forget --dry-run '%/password/'
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which commands (see `shq help selectors`); several selectors add up.")
    var selectors: [String]

    @Flag(name: [.short, .long], help: "Do not ask: delete at once (needed without a terminal).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Only list what would be deleted.")
    var dryRun = false

    func validate() throws {
        if selectors.isEmpty { throw ValidationError("give a selector, e.g. @1 (forgetting needs an explicit choice)") }
    }

    func run() throws {
        let parsed = try selectors.map { try SelectorParser.parse($0) }
        let opened = try store.openExisting().ingestingHookSpool()
        var matches: [Invocation] = []
        for (selector, text) in zip(parsed, selectors) {
            let found = try opened.resolve(selector)
            guard !found.isEmpty else { throw CommandFailure("'\(text)': no matching command") }
            matches += found.filter { row in !matches.contains { $0.seq == row.seq } }
        }
        let live = matches.filter { $0.status.isLive }
        let doomed = matches.filter { !$0.status.isLive }
        let list = HistoryTable.render(doomed, idDigits: try opened.uniqueIDDigits(doomed.map(\.id)))
        var keptNote = ""
        if !live.isEmpty { keptNote = "; \(live.count) still running, kept (forget them after they end)" }
        if dryRun {
            _ = writeAll(1, Array((list + "would forget \(Self.commands(doomed.count))\(keptNote)\n").utf8))
            return
        }
        if !yes && !doomed.isEmpty {
            guard isatty(0) == 1 else {
                throw CommandFailure("forget: \(Self.commands(doomed.count)) \(doomed.count == 1 ? "matches" : "match"); not deleting without a terminal to confirm on: "
                    + "add -y to delete, or --dry-run to list them")
            }
            guard Self.confirm(list + "forget \(doomed.count == 1 ? "this command" : "these \(doomed.count) commands") and their output? [y/N] ") else {
                throw CommandFailure("forget: not confirmed; nothing deleted")
            }
        }
        let count = try opened.forget(doomed.compactMap(\.seq))
        _ = writeAll(1, Array(("forgot \(Self.commands(count))\(keptNote)\n").utf8))
    }

    static func commands(_ count: Int) -> String { "\(count) command\(count == 1 ? "" : "s")" }

    /// Shows `question` on stderr and reads the answer from the terminal on stdin: yes only for y or yes.
    static func confirm(_ question: String) -> Bool {
        _ = writeAll(2, Array(question.utf8))
        var answer: [UInt8] = []
        var byte: UInt8 = 0
        while read(0, &byte, 1) == 1, byte != 10 { answer.append(byte) }
        let text = String(decoding: answer, as: UTF8.self).lowercased()
        return text == "y" || text == "yes"
    }
}
