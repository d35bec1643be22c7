import ArgumentParser
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        _superCommandName: Shq.name,
        abstract: "List commands started through shq that are still running or stopped, from every terminal.",
        discussion: """
            Every `shq run` of this machine is a job, whichever terminal or session started it. Liveness is \
            checked against the system (pid and process start time), not taken from the table: a job whose \
            `shq run` process is gone is marked orphaned and no longer listed.

            ELAPSED is wall time since the start; STOPPED the part of it spent stopped (Ctrl-Z). \
            A job can be signalled with `shq kill ID` and awaited with `shq wait ID` from any terminal.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(name: .short, help: "Also show the command's pid, the shq wrapper's pid and the host.")
    var long = false

    @Flag(help: "Also list jobs recorded on other machines sharing the store (not verifiable here, marked '?'), and orphaned jobs whose command still runs.")
    var all = false

    @OptionGroup var table: TableOptions

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if format == .csv || format == .jsonl { throw ValidationError("jobs prints a table or json") }
    }

    func run() throws {
        let opened = try store.openExisting().ingestingHookSpool()
        let jobs = try JobRegistry(store: opened).jobs(everything: all)
        let rows = jobs.map { JobsTable.Row(invocation: $0.invocation, events: $0.events, verified: $0.isVerified) }
        let text: String
        switch format {
        case .json, .jsonl, .csv: text = JobsTable.json(rows)
        case .table:
            text = rows.isEmpty ? "" : JobsTable.render(
                rows, long: long, width: table.width(TerminalOutput()), idDigits: try opened.uniqueIDDigits(rows.map(\.invocation.id)))
        }
        _ = writeAll(1, Array(text.utf8))
    }
}
