import ArgumentParser
import ShqQuery
import ShqRun
import ShqStore

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Mark jobs whose shq process died (SIGKILL, crash, reboot) as orphaned.",
        discussion: """
            A record that still says running or stopped while its `shq run` process no longer exists becomes
            `orphaned`, with an `orphaned` event in its timeline. The output it had already captured is kept
            (`shq show ID`). Reading commands (jobs, history, info) do the same on the way; clean does
            it explicitly and says what it found, including commands that outlived their wrapper.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let registry = JobRegistry(store: try store.open())
        var text = ""
        for record in try registry.reconcile() {
            text += "orphaned  \(record.id.prefix(13))  \(record.cmdText.singleLine)\n"
            if let command = ProcessIdentity(pid: record.pid, startTicks: record.pidStartTicks), command.isAlive {
                text += "          its command still runs as pid \(command.pid): shq kill \(record.id.prefix(13)) ends it\n"
            }
        }
        if text.isEmpty { text = "nothing to clean\n" }
        _ = writeAll(1, Array(text.utf8))
    }
}
