import ArgumentParser
import Glibc
import ShqStore
import ShqSystem

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        _superCommandName: Shq.name,
        abstract: "Check the set-up: store, config file, this shell's hook, capture, completions, version.",
        discussion: """
            Reads and reports; changes nothing and creates no store. Exits 0 when all is well, 1 with the \
            problems listed last (an unknown config key, no hook in this shell, missing completions…).
            """
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        var report = SetupReport()
        let summary = StoreSummary(location: store.location, session: ProcessEnvironment.nonEmpty("SHQ_SESSION"))
        report.check(store: summary)
        report.checkConfig()
        report.checkHook(store: summary)
        report.checkCapture()
        report.checkCompletions()
        _ = writeAll(1, Array(report.text.utf8))
        if !report.problems.isEmpty { Glibc.exit(1) }  // the problems are listed above, on stdout
    }
}
