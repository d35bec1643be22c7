import ArgumentParser
import ShqQuery
import ShqStore
import ShqSystem

/// The filters `history`, `search`, `stats` and `grep` take, with the same names and meanings.
struct FilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only commands run in this directory.", valueName: "dir"))
    var cwd: String?

    @Option(name: .customLong("exit"), help: ArgumentHelp("Only commands that exited with this status.", valueName: "code"))
    var exitCode: Int32?

    @Option(help: ArgumentHelp("Only commands started since: ISO 8601, @epoch, today, or an age like 90m, 2h, 7d.", valueName: "when"))
    var since: String?

    @Option(help: ArgumentHelp("Only commands started before: the same forms as --since.", valueName: "when"))
    var until: String?

    @Option(help: ArgumentHelp("Only commands from this shell session.", valueName: "id"))
    var session: String?

    @Option(help: ArgumentHelp("Only commands recorded on this host ('.' for this machine: synced history holds others).", valueName: "name"))
    var host: String?

    func validate() throws {
        if let since, SearchFilters.time(since) == nil {
            throw ValidationError("--since '\(since)': expected ISO 8601, @epoch, today, or an age like 30m, 2h, 7d")
        }
        if let until, SearchFilters.time(until) == nil {
            throw ValidationError("--until '\(until)': expected ISO 8601, @epoch, today, or an age like 30m, 2h, 7d")
        }
    }

    var isEmpty: Bool { cwd == nil && exitCode == nil && since == nil && until == nil && session == nil && host == nil }

    var conditions: Conditions {
        SearchFilters(
            directory: cwd, exitCode: exitCode, since: since.flatMap { SearchFilters.time($0) },
            until: until.flatMap { SearchFilters.time($0) }, session: session,
            host: host == "." ? ProcessEnvironment.hostName : host
        ).conditions()
    }
}
