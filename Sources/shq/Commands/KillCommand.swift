import ArgumentParser
import Glibc
import ShqQuery
import ShqRender
import ShqRun
import ShqStore
import ShqSystem

struct KillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        _superCommandName: Shq.name,
        abstract: "Send a signal to the command of a recorded job, in whichever terminal it runs.",
        discussion: """
            The signal (default TERM; a name like INT, SIGHUP or a number) goes to the command itself; its \
            `shq run` then ends, stops or resumes exactly as it would after a signal from its own terminal, so \
            the shell that started it shows the same as after a plain `kill`. A stopped job is continued \
            after TERM, HUP, KILL and CONT, as bash's `kill %N` does for TERM and HUP; other signals wait for \
            the job to be resumed. Jobs of other users and of other machines are refused. An id prefix names \
            a running or stopped job first, even when ended commands share it.

              shq kill 0193a2b4          shq kill -INT 0193a2b4 0193a2c7          shq kill -s STOP @1
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: [.short, .customLong("signal")], help: ArgumentHelp("The signal: a name or number (also -NAME, -N).", valueName: "signal"))
    var signal: String = "TERM"

    @Argument(help: "The jobs (ids or selectors; see shq jobs).")
    var selectors: [String]

    func validate() throws {
        if SignalName.number(signal) == nil { throw ValidationError("'\(signal)' is not a signal name or number") }
        if selectors.isEmpty { throw ValidationError("name at least one job (see shq jobs)") }
    }

    func run() throws {
        let signal = SignalName.number(signal)!
        let registry = JobRegistry(store: try store.openExisting().ingestingHookSpool())
        try registry.reconcile()
        var failures = 0
        for text in selectors {
            do {
                let record = try registry.store.resolveJob(try SelectorParser.parse(text), text: text)
                let report = try JobKill.send(signal, to: record, registry: registry)
                _ = writeAll(1, Array(Self.describe(report, id: try registry.store.shortID(report.before.id)).utf8))
            } catch let refusal as JobKill.Refusal {
                failures += 1
                _ = writeAll(2, Array("shq: kill: \(text): \(Self.describe(refusal))\n".utf8))
            } catch let error as ResolutionError {
                failures += 1
                _ = writeAll(2, Array("shq: kill: \(error)\n".utf8))
            }
        }
        if failures > 0 { Glibc.exit(1) }
    }

    /// `01jd4k2…  SIGTERM → pid 4242 (sleep 100): failed, killed by SIGTERM`
    static func describe(_ report: JobKill.Report, id: String) -> String {
        let before = report.before
        var text = "\(id)  \(SignalName.name(of: report.signal)) → pid \(report.target.pid) (\(before.cmdText.singleLine))"
        if report.continued && report.signal != SIGCONT { text += " + SIGCONT (it was stopped)" }
        let after = report.after
        if after.status != before.status || !after.status.isLive {
            text += ": \(InvocationDetails.statusText(of: after))"
        } else {
            text += ": still \(after.status.rawValue)"
        }
        return text + "\n"
    }

    static func describe(_ refusal: JobKill.Refusal) -> String {
        switch refusal {
        case .otherHost(let host): return "recorded on \(host); shq kill only reaches this machine"
        case .ended(let record): return "not running (\(InvocationDetails.statusText(of: record)))"
        case .otherUser(let uid): return "belongs to another user (uid \(uid)); refusing"
        case .failed(let code): return errnoDescription(code)
        }
    }
}
