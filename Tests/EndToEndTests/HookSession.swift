import Foundation
import ShqTestSupport

/// An interactive bash, zsh or fish in tmux with the hook loaded (`eval "$(shq hook init)"`, in fish
/// `shq hook init | source`), and its store.
final class HookSession: @unchecked Sendable {
    let fixture = StoreFixture()
    let terminal: TmuxTerminal
    private var syncs = 0

    /// `before` runs ahead of the hook in the rc file (user settings the hook must live with), `after` after it.
    init(_ shell: TmuxTerminal.Shell, before: String = "", after: String = "", database: String? = nil) throws {
        let rc = before + "\n" + shell.hookLine + "\n" + after
        terminal = try TmuxTerminal(shell, database: database ?? fixture.database, rc: rc)
    }

    func run(_ line: String) throws { try terminal.run(line) }

    /// Returns once every line typed so far has run and its prompt came back. The marker line starts
    /// with a space, so the hook skips it.
    func sync(timeout: Double = 20) throws {
        syncs += 1
        try terminal.run(" echo __SYNC\(syncs)__")
        try terminal.waitFor("^__SYNC\(syncs)__", timeout: timeout)
    }

    struct Row {
        var cmd: String, cwd: String?, exit: Int?, pipestatus: String?, duration: Int?, shell: String?, tty: String?
        var session: String?, source: String?
    }

    /// Every recorded invocation, oldest first, after ingesting the spool (as any shq command does).
    func rows() throws -> [Row] {
        let ingest = try fixture.shq("hook", "ingest")
        precondition(ingest.status == 0, ingest.stderrText)
        return try query("SELECT cmd, cwd, exit_code, pipestatus, duration_us, shell, tty, session, source FROM invocations ORDER BY seq")
            .map { r in
                Row(cmd: r["cmd"] as? String ?? "", cwd: r["cwd"] as? String, exit: r["exit_code"] as? Int,
                    pipestatus: r["pipestatus"] as? String, duration: r["duration_us"] as? Int, shell: r["shell"] as? String,
                    tty: r["tty"] as? String, session: r["session"] as? String, source: r["source"] as? String)
            }
    }

    func commands() throws -> [String] { try rows().map(\.cmd) }

    /// Rows of a read-only query, straight from SQLite (no ingest).
    func query(_ sql: String) throws -> [[String: Any]] {
        let result = try ShqProcess.run(["-json", fixture.database, sql], executable: "/usr/bin/sqlite3")
        guard result.status == 0 else { throw SQLiteFailed(query: sql, result: result) }
        guard !result.stdout.isEmpty else { return [] }
        return try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]] ?? []
    }

    var home: String { terminal.home.path }
}

extension TmuxTerminal.Shell {
    /// The rc-file line that loads the hook, as the user guide gives it.
    var hookLine: String { self == .fish ? "shq hook init | source" : "eval \"$(shq hook init)\"" }
}
