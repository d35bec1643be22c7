import ArgumentParser
import Glibc
import ShqQuery
import ShqRun
import ShqStore
import ShqSystem

struct WaitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        _superCommandName: Shq.name,
        abstract: "Wait until recorded jobs end; exit with the last one's status.",
        discussion: """
            Works for jobs started in any terminal. The exit status is the last job's, as a shell shows it: \
            its exit code, or 128+N when a signal N ended it. An orphaned job (its shq process died) has no \
            known status: 1. With --timeout, gives up after SECONDS with status 124 (as timeout(1) does). \
            An id prefix names a running or stopped job first, even when ended commands share it.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The jobs to wait for (ids or selectors).")
    var selectors: [String]

    @Option(help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout: Double?

    func validate() throws {
        if selectors.isEmpty { throw ValidationError("name at least one job (see shq jobs)") }
        if let timeout, !(timeout >= 0) || !timeout.isFinite { throw ValidationError("--timeout must be a number of seconds") }
    }

    func run() throws {
        let registry = JobRegistry(store: try store.openExisting().ingestingHookSpool())
        let deadline = timeout.map { Timestamp(microseconds: Timestamp.now().microseconds + Int64($0 * 1_000_000)) }
        var records: [Invocation] = []
        for text in selectors {
            records.append(try registry.store.resolveJob(try SelectorParser.parse(text), text: text))
        }
        var status: Int32 = 0
        for record in records {
            guard let ended = try JobWait.untilEnded(record.seq!, registry: registry, deadline: deadline) else {
                throw CommandFailure("wait: \(try registry.store.shortID(record.id)): still \(record.status.rawValue) after \(timeout ?? 0)s", exitCode: 124)
            }
            if let termination = ended.termination {
                status = termination.shellStatus
            } else {
                status = 1
                _ = writeAll(2, Array("shq: wait: \(try registry.store.shortID(ended.id)): \(ended.status.rawValue): exit status unknown\n".utf8))
            }
        }
        Glibc.exit(status)
    }
}
