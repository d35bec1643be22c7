import Foundation
import ShqTestSupport

/// One `shq run --pty` scenario: a real interactive shell in tmux with its own store.
final class PtyScenario: @unchecked Sendable {
    let fixture = StoreFixture()
    let terminal: TmuxTerminal
    let shell: TmuxTerminal.Shell
    /// A file the scenario may write terminal settings into (`stty -g > …`).
    let settingsDirectory = TemporaryDirectory("shq-stty")

    init(_ shell: TmuxTerminal.Shell, rc: String = "") throws {
        self.shell = shell
        terminal = try TmuxTerminal(shell, database: fixture.database, rc: rc)
    }

    /// Polls until `condition` holds; throws with `what` and the screen after `timeout` seconds.
    func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        throw PtyScenarioTimeout(what: what, screen: (try? terminal.screen()) ?? "")
    }

    /// Waits until `count` commands have been spawned (their `started` event is recorded).
    func waitForStarted(_ count: Int = 1) throws {
        try waitUntil("\(count) started command(s)") {
            Int(try fixture.sqlite("SELECT count(*) FROM invocation_events WHERE kind = 'started'").first ?? "0") ?? 0 >= count
        }
    }

    func waitForJobInForeground() throws {
        try waitUntil("a job in the foreground") { try !terminal.shellOwnsTerminal() }
    }

    /// The prompt is back: the shell owns the terminal and the screen ends with `$ `.
    func waitForPrompt(timeout: Double = 20) throws {
        try terminal.waitFor("^\\$ $", timeout: timeout)
        try waitUntil("the shell to own the terminal") { try terminal.shellOwnsTerminal() }
    }

    /// Types `command` (one `shq run`), waits until its record has ended and the prompt is back: the
    /// screen alone can show an old prompt before the shell has even read the line.
    func runToEnd(_ command: String, timeout: Double = 20) throws {
        let before = try endedRecords()
        try terminal.run(command)
        try waitUntil("the record of `\(command)` to end", timeout: timeout) { try endedRecords() > before }
        try waitForPrompt(timeout: timeout)
    }

    private func endedRecords() throws -> Int {
        Int(try fixture.sqlite("SELECT count(*) FROM invocations WHERE status NOT IN ('running', 'stopped')").first ?? "0") ?? 0
    }

    /// Waits until the `shq` process of the newest record is stopped (state T in /proc).
    func waitForWrapperStopped() throws {
        try waitUntil("shq to be stopped") {
            guard let pid = Int(try latest("wrapper_pid")),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return false }
            return stat[close.upperBound...].split(separator: " ").first == "T"
        }
    }

    /// Saves `stty -g` under `name` (run at the prompt).
    func saveSettings(_ name: String) throws {
        let path = settingsDirectory.file(name)
        try terminal.run("stty -g > \(path).tmp && mv \(path).tmp \(path)")
        try waitUntil("stty -g saved") { FileManager.default.fileExists(atPath: path) }
        try waitForPrompt()
    }

    func settings(_ name: String) throws -> String {
        try String(contentsOfFile: settingsDirectory.file(name), encoding: .utf8)
    }

    /// One column of the newest record (`sqlite3` text; empty for NULL).
    func latest(_ column: String) throws -> String {
        try fixture.sqlite("SELECT \(column) FROM invocations ORDER BY seq DESC LIMIT 1").first ?? ""
    }

    /// The newest record's lifecycle events as `kind` or `kind:signal` / `kind:code`.
    func latestEvents() throws -> [String] {
        try fixture.sqlite("""
            SELECT kind || coalesce(':' || signal, '') || coalesce(':' || exit_code, '') FROM invocation_events
            WHERE invocation = (SELECT max(seq) FROM invocations) ORDER BY at, rowid
            """)
    }

    /// The streams the newest record stored.
    func latestStreams() throws -> [String] {
        try fixture.sqlite("SELECT stream FROM outputs WHERE invocation = (SELECT max(seq) FROM invocations) ORDER BY stream")
    }

    /// The newest record's merged terminal output, byte-exact.
    func latestOutput() throws -> Data { try fixture.shq("show", "-O").stdout }

    /// Screen lines matching `pattern` (a regex).
    func screenLines(matching pattern: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return try terminal.screen().split(separator: "\n").map(String.init).filter {
            regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil
        }
    }
}

struct PtyScenarioTimeout: Error, CustomStringConvertible {
    let what: String
    let screen: String
    var description: String { "timed out waiting for \(what); screen was:\n\(screen)" }
}

/// How each shell words job-control notices.
extension TmuxTerminal.Shell {
    var ptyStopped: String { self == .bash ? "Stopped" : "suspended" }
    var ptyStoppedTTYInput: String { self == .bash ? "Stopped \\(tty input\\)" : "suspended \\(tty input\\)" }
    var ptyContinued: String { self == .bash ? "&$" : "continued" }
}
