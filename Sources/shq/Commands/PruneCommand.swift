import ArgumentParser
import ShqQuery
import ShqRun
import ShqStore
import ShqSystem

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        _superCommandName: Shq.name,
        abstract: "Delete commands older than an age, with their output, and reclaim the space.",
        discussion: """
            Deletes every finished invocation that started more than DURATION ago (units s, m, h, d, w, y; \
            combined like 1d12h), with its events and output, then rewrites the file as `shq forget` does.

              shq prune --older-than 90d
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("older-than"), help: ArgumentHelp("The age beyond which commands go.", valueName: "duration"))
    var olderThan: String

    func validate() throws {
        if DurationText.parse(olderThan) == nil {
            throw ValidationError("--older-than '\(olderThan)': expected a duration like 90d, 12h, 2w, 1d12h")
        }
    }

    func run() throws {
        let age = DurationText.parse(olderThan) ?? 0
        let cutoff = Timestamp(microseconds: Timestamp.now().microseconds - age)
        let count = try store.openExisting().ingestingHookSpool().prune(startedBefore: cutoff)
        _ = writeAll(1, Array("pruned \(count) command\(count == 1 ? "" : "s") older than \(olderThan)\n".utf8))
    }
}
