import ArgumentParser
import ShqQuery
import ShqStore

struct RerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        _superCommandName: Shq.name,
        abstract: "Run a recorded command again, through `shq run`, in the directory it ran in.",
        discussion: """
            The new run is recorded like any `shq run` (output captured). -n prints what would run instead.

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
        let invocation = try store.openExisting().resolveOne(try SelectorParser.parse(selector), text: selector)
        let plan = try RerunPlan(invocation, database: store.db)
        if n {
            _ = writeAll(1, Array(plan.shellText.utf8))
            return
        }
        try plan.execute()
    }
}
