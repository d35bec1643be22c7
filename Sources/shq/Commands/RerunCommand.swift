import ArgumentParser
import ShqQuery
import ShqRun
import ShqStore
import ShqSystem

struct RerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        _superCommandName: Shq.name,
        abstract: "Run a recorded command again, through `shq run`, in the directory it ran in.",
        discussion: """
            The new run is recorded like any `shq run` (output captured), in the mode the first run had \
            (--pty or pipes) when it was a `shq run`. What is about to run is printed on stderr first, as \
            the shell line -n prints instead of running it.

              shq rerun %failed -n      show how the last failed command would be rerun
              shq rerun @2              rerun the command before the last one
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "Which command (default @1, the most recent; see `shq help selectors`).")
    var selector: String = ""

    @Flag(name: .short, help: "Print what would run, don't run it.")
    var n = false

    func run() throws {
        let parsed = try SelectorParser.parse(selector)
        let opened = try store.openExisting().ingestingHookSpool()
        let invocation = try opened.resolveOne(parsed, text: selector)
        let streams = try opened.outputs(for: invocation.seq!).map(\.stream)
        let pty = invocation.source == .run && !streams.isEmpty ? streams.contains(.pty) : nil
        let plan = try RerunPlan(invocation, database: store.db, pty: pty)
        if n {
            _ = writeAll(1, Array(plan.shellText.utf8))
            return
        }
        _ = writeAll(2, Array(("rerun: " + plan.shellText).utf8))
        try plan.execute()
    }
}
