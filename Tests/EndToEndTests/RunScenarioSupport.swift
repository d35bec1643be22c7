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
    /// The same, and fish with and without its hook: the scenarios whose lines read the same in fish, or
    /// that type fish's own syntax there.
    static let withFish = all + [ScenarioShell(shell: .fish, hooked: false), ScenarioShell(shell: .fish, hooked: true)]
    static let hookedWithFish = withFish.filter(\.hooked)

    var testDescription: String { shell.rawValue + (hooked ? "+hook" : "") }

    /// The rc-file lines that load the hook (none without it).
    var rc: String { hooked ? "\n" + shell.hookLine + "\n" : "" }
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
    /// A job stopped by Ctrl-Z (SIGTSTP): bash's notice and `jobs` say "Stopped", zsh's "suspended"; fish's
    /// notice says "fish: Job 1, 'NAME' has stopped" and its `jobs` table "stopped".
    var stopped: String {
        switch self {
        case .bash: return "Stopped"
        case .zsh: return "suspended"
        case .fish: return "stopped"
        }
    }
    /// The notice (or `jobs` line) of a job stopped by Ctrl-Z, naming it: `[1]+  Stopped   shq run sleep 30`
    /// in bash, `zsh: suspended  shq run sleep 30`, `fish: Job 1, 'shq run sleep 30' has stopped` or the
    /// `jobs` row `1  4242  0%  stopped  shq run sleep 30` in fish. zsh cuts a long job text short: `whole:
    /// false` checks only that the text starts with `name`. fish's notice cuts a long name with `…`:
    /// accepted only as a prefix of `name` of at least 20 characters.
    func stoppedJob(_ name: String, whole: Bool = true) -> String {
        let escaped = NSRegularExpression.escapedPattern(for: name)
        guard self == .fish else { return stopped + " +" + escaped + (whole ? "$" : "") }
        let cut = name.count > 20 ? (20..<name.count).map { NSRegularExpression.escapedPattern(for: String(name.prefix($0))) + "…" } : []
        let noticed = "Job \\d+, '(" + ([escaped] + cut).joined(separator: "|") + (whole ? ")' has stopped$" : ")")
        return "(" + noticed + "|stopped\\s+" + escaped + (whole ? "$" : "") + ")"
    }
    /// Stopped by SIGTTIN / SIGTTOU: bash's `jobs` says just "Stopped", fish's "stopped".
    var stoppedTTYInput: String {
        switch self {
        case .bash: return "Stopped"
        case .zsh: return "suspended \\(tty input\\)"
        case .fish: return "stopped"
        }
    }
    var stoppedTTYOutput: String {
        switch self {
        case .bash: return "Stopped"
        case .zsh: return "suspended \\(tty output\\)"
        case .fish: return "stopped"
        }
    }
    /// What `bg` prints.
    var continued: String {
        switch self {
        case .bash: return "&$"
        case .zsh: return "continued"
        case .fish: return "Send job \\d+ '.*' to background$"
        }
    }
    /// The exit status of a pipeline's first command.
    var firstPipeStatus: String {
        switch self {
        case .bash: return "${PIPESTATUS[0]}"
        case .zsh: return "${pipestatus[1]}"
        case .fish: return "$pipestatus[1]"
        }
    }
    /// `$?` after `fg` brought back a job that then ended with `status`. fish 3's `fg` returns 0 whatever
    /// became of the job (so does a plain `sleep 30` there, without shq); the record keeps the signal.
    func statusAfterForeground(_ status: Int32) -> Int32 { self == .fish ? 0 : status }
}
