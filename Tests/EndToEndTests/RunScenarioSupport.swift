import Foundation
import Testing
import ShqTestSupport

/// The shell a terminal scenario runs in, with or without the hook loaded from its rc file (as a user
/// loads it: `eval "$(shq hook init)"` at the end of ~/.bashrc, or of $ZDOTDIR/.zshrc). Every job-control
/// scenario runs in all four: with the hook, job messages must read exactly as without it.
struct ScenarioShell: Sendable, CustomTestStringConvertible {
    let shell: TmuxTerminal.Shell
    let hooked: Bool

    static let all = TmuxTerminal.Shell.allCases.flatMap { [ScenarioShell(shell: $0, hooked: false), ScenarioShell(shell: $0, hooked: true)] }
    static let hookedOnly = all.filter(\.hooked)

    var testDescription: String { shell.rawValue + (hooked ? "+hook" : "") }

    /// The rc-file lines that load the hook (none without it).
    var rc: String { hooked ? "\neval \"$(shq hook init)\"\n" : "" }
}

/// One terminal scenario for `shq run`: a real interactive shell in tmux with its own store, plus
/// questions about what the store recorded. With the hook loaded, the store also holds the hook's
/// records of the lines typed; the questions are about `shq run`'s records, so they leave those out.
final class RunScenario: @unchecked Sendable {
    let fixture = StoreFixture()
    let terminal: TmuxTerminal
    let shell: TmuxTerminal.Shell

    init(_ setup: ScenarioShell, rc: String = "") throws {
        shell = setup.shell
        terminal = try TmuxTerminal(setup.shell, database: fixture.database, rc: rc + setup.rc)
    }

    /// Rows of `shq run`'s records (not the hook's), for `fixture.sqlite`.
    static let runRecords = "(SELECT * FROM invocations WHERE source <> 'hook')"

    /// Polls until `condition` holds; fails the wait with `what` after `timeout` seconds.
    func waitUntil(_ what: String, timeout: Double = 15, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try SQLiteFailed.pending(condition) { return }
            usleep(50_000)
        }
        throw ScenarioTimeout(what: what, screen: (try? terminal.screen()) ?? "")
    }

    /// Waits until `count` commands have been spawned (their `started` event is recorded).
    func waitForStarted(_ count: Int = 1) throws {
        try waitUntil("\(count) started command(s)") {
            Int(try fixture.sqlite("SELECT count(*) FROM invocation_events WHERE kind = 'started'").first ?? "0") ?? 0 >= count
        }
    }

    /// Waits until the shell has given the terminal to a job (after `fg`).
    func waitForJobInForeground() throws {
        try waitUntil("a job in the foreground") { try !terminal.shellOwnsTerminal() }
    }

    /// Waits for the prompt to come back: the shell owns the terminal and the screen ends with `$ `.
    func waitForPrompt(timeout: Double = 15) throws {
        try terminal.waitFor("^\\$ $", timeout: timeout)
        try waitUntil("the shell to own the terminal") { try terminal.shellOwnsTerminal() }
    }

    /// Waits until the newest record's command is stopped (state T in /proc): from then on it
    /// cannot write more.
    func waitForCommandStopped() throws {
        try waitUntil("the command to be stopped") {
            guard let pid = Int32(try latest("pid")) else { return false }
            return ProcessProbe.state(pid) == "T"
        }
    }

    /// One column of the newest record (`sqlite3` text; empty for NULL).
    func latest(_ column: String) throws -> String {
        try fixture.sqlite("SELECT \(column) FROM \(Self.runRecords) ORDER BY seq DESC LIMIT 1").first ?? ""
    }

    /// The newest record's lifecycle events as `kind` or `kind:signal` / `kind:code`.
    func latestEvents() throws -> [String] {
        try fixture.sqlite("""
            SELECT kind || coalesce(':' || signal, '') || coalesce(':' || exit_code, '') FROM invocation_events
            WHERE invocation = (SELECT max(seq) FROM \(Self.runRecords)) ORDER BY at, rowid
            """)
    }

    /// The newest record's stored stream, byte-exact.
    func latestOutput(_ stream: String) throws -> Data {
        let flag = stream == "stdout" ? "-O" : "-E"
        return try fixture.shq("show", try latest("id"), flag).stdout
    }

    /// Lines of the screen matching `pattern` (a regex, anchored per line by the caller).
    func screenLines(matching pattern: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return try terminal.screen().split(separator: "\n").map(String.init).filter {
            regex.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil
        }
    }
}

struct ScenarioTimeout: Error, CustomStringConvertible {
    let what: String
    let screen: String
    var description: String { "timed out waiting for \(what); screen was:\n\(screen)" }
}

/// How each shell words job-control notices.
extension TmuxTerminal.Shell {
    /// A job stopped by Ctrl-Z (SIGTSTP).
    var stopped: String { self == .bash ? "Stopped" : "suspended" }
    /// The notice (or `jobs` line) of a job stopped by Ctrl-Z, naming it: `[1]+  Stopped   shq run sleep 30`
    /// in bash, `zsh: suspended  shq run sleep 30`. zsh cuts a long job text short: `whole: false` checks
    /// only that the text starts with `name`.
    func stoppedJob(_ name: String, whole: Bool = true) -> String {
        stopped + " +" + NSRegularExpression.escapedPattern(for: name) + (whole ? "$" : "")
    }
    /// Stopped by SIGTTIN / SIGTTOU: bash's `jobs` says just "Stopped".
    var stoppedTTYInput: String { self == .bash ? "Stopped" : "suspended \\(tty input\\)" }
    var stoppedTTYOutput: String { self == .bash ? "Stopped" : "suspended \\(tty output\\)" }
    /// What `bg` prints.
    var continued: String { self == .bash ? "&$" : "continued" }
    /// The exit status of a pipeline's first command.
    var firstPipeStatus: String { self == .bash ? "${PIPESTATUS[0]}" : "${pipestatus[1]}" }
}
