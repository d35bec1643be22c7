import ArgumentParser
import Glibc
import ShqRun
import ShqStore
import ShqSystem

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        _superCommandName: Shq.name,
        abstract: "Mark jobs whose shq process died (SIGKILL, crash, reboot) as orphaned.",
        discussion: """
            A record that still says running or stopped while its `shq run` process no longer exists becomes \
            `orphaned`, with an `orphaned` event in its timeline. The output it had already captured is kept \
            (`shq show ID`). Reading commands (jobs, history, info) do the same on the way; clean does \
            it explicitly and says what it found. A command that outlived its wrapper is sent SIGHUP, as a terminal \
            hangs up on a session whose leader died; one that ignores it (nohup) keeps running, listed by \
            `shq jobs --all` and reachable with `shq kill`.
            """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        let registry = JobRegistry(store: try store.openExisting().ingestingHookSpool())
        var text = ""
        for record in try registry.reconcile() {
            let id = try registry.store.shortID(record.id)
            text += "orphaned  \(id)  \(record.cmdText.singleLine)\n"
            guard let command = ProcessIdentity(pid: record.pid, startTicks: record.pidStartTicks) else { continue }
            // Recovery sent it SIGHUP; give it a moment to act on it before saying what became of it.
            if command.isAlive { usleep(100_000) }
            text += command.isAlive
                ? "          its command (pid \(command.pid)) ignores SIGHUP and still runs: shq kill -KILL \(id)\n"
                : "          its command (pid \(command.pid)) outlived it and was hung up (SIGHUP)\n"
        }
        if text.isEmpty { text = "nothing to clean\n" }
        _ = writeAll(1, Array(text.utf8))
    }
}
