import Foundation

/// A real interactive shell in a real terminal: tmux drives bash or zsh, tests type keys and read the
/// screen. Each terminal has its own tmux server (socket), so tests can run in parallel.
public final class TmuxTerminal: @unchecked Sendable {
    public enum Shell: String, Sendable, CaseIterable {
        case bash, zsh, fish
        /// The shells every hook and job-control scenario runs in. fish runs the tests that name it
        /// (`withFish`, ScenarioShell.withFish, HookEndToEndTests.Fish): most type bash syntax.
        public static var allCases: [Shell] { [.bash, .zsh] }
        /// bash, zsh and fish: for the scenarios whose lines read the same in fish.
        public static var withFish: [Shell] { [.bash, .zsh, .fish] }
    }

    public let shell: Shell
    public let socket: String
    public let home: TemporaryDirectory
    private static let counter = Counter()

    /// Starts `shell` interactively with a plain prompt (`$ `), `shq`'s folder first on PATH, and
    /// `SHQ_DB` at `database` (`underSession`: started as `shq session -- SHELL`). `rc` is extra shell code run at start-up (after the prompt is set), from
    /// the rc file the shell reads by itself in the temporary HOME: ~/.bashrc, or $ZDOTDIR/.zshrc.
    public init(
        _ shell: Shell, database: String, rc: String = "", environment: [String: String] = [:],
        width: Int = 120, height: Int = 40, underSession: Bool = false
    ) throws {
        self.shell = shell
        self.home = TemporaryDirectory("shq-term")
        self.socket = "shq-test-\(getpid())-\(Self.counter.next())"
        let binDir = (ShqProcess.binary as NSString).deletingLastPathComponent
        var env: [String: String] = [
            "HOME": home.path, "TERM": "xterm-256color", "SHQ_DB": database, "LANG": "C.UTF-8",
            "PATH": binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "XDG_DATA_HOME": home.path + "/data", "HISTFILE": home.path + "/history",
        ]
        // A coverage build (`make coverage`) writes the profiles of the shq processes started in here too.
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] { env["LLVM_PROFILE_FILE"] = profile }
        for (key, value) in environment { env[key] = value }
        var command: String
        switch shell {
        case .bash:
            try ("PS1='$ '\nPS2='> '\nunset PROMPT_COMMAND\n" + rc + "\n").write(toFile: home.file(".bashrc"), atomically: true, encoding: .utf8)
            command = "bash --noprofile -i"
        case .zsh:
            try ("PS1='$ '\nPS2='> '\nunsetopt PROMPT_SP\n" + rc + "\n").write(toFile: home.file(".zshrc"), atomically: true, encoding: .utf8)
            env["ZDOTDIR"] = home.path
            command = "zsh -i"
        case .fish:
            // No greeting, no autosuggestions (grey text after the cursor would be on the screen).
            let config = "function fish_prompt; printf '$ '; end\nset -g fish_greeting\nset -g fish_autosuggestion_enabled 0\n"
            try FileManager.default.createDirectory(atPath: home.file(".config/fish"), withIntermediateDirectories: true)
            try (config + rc + "\n").write(toFile: home.file(".config/fish/config.fish"), atomically: true, encoding: .utf8)
            command = "fish -i"
        }
        if Self.underSession || underSession { command = "shq session -- " + command }
        let envArgs = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.shellQuote($0.value))" }.joined(separator: " ")
        try tmux(["new-session", "-d", "-x", String(width), "-y", String(height), "exec env -i \(envArgs) \(command)"])
        _ = try waitFor("\\$ $", timeout: 10)
    }

    deinit {
        _ = try? tmux(["kill-server"])
    }

    // MARK: Typing

    /// Types `text` literally, then Enter.
    public func run(_ text: String) throws {
        try tmux(["send-keys", "-l", text])
        try tmux(["send-keys", "Enter"])
    }

    /// Types `text` literally, no Enter.
    public func type(_ text: String) throws { try tmux(["send-keys", "-l", text]) }

    /// Sends a key by tmux name: `C-c`, `C-z`, `Enter`, `Escape`, `q`.
    public func key(_ name: String) throws { try tmux(["send-keys", name]) }

    /// Closes the terminal window: the tmux server goes away and the shell's terminal hangs up.
    public func closeWindow() throws { try tmux(["kill-server"]) }

    /// From now on, appends every byte the terminal receives from the shell's side to `path`
    /// (`tmux pipe-pane -O`): what the terminal got, before it drew anything.
    public func recordOutput(to path: String) throws {
        try tmux(["pipe-pane", "-O", "cat >> " + Self.shellQuote(path)])
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-x", String(width), "-y", String(height)])
    }

    // MARK: Reading

    /// The visible screen, wrapped lines joined, trailing blank lines removed.
    public func screen() throws -> String {
        let text = try tmux(["capture-pane", "-p", "-J"])
        return text.replacingOccurrences(of: "\\n+$", with: "\n", options: .regularExpression)
    }

    /// The visible screen row by row, as drawn: a line that wrapped is two rows (compare with `screen()`).
    public func rows() throws -> [String] {
        let text = try tmux(["capture-pane", "-p"])
        return text.replacingOccurrences(of: "\\n+$", with: "", options: .regularExpression)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The visible screen with colours and attributes as escape sequences (`capture-pane -e`).
    public func screenWithEscapes() throws -> String {
        try tmux(["capture-pane", "-p", "-J", "-e"])
    }

    /// Polls the screen until `pattern` (a regex, multi-line) matches; returns the screen.
    @discardableResult
    public func waitFor(_ pattern: String, timeout: Double = 10) throws -> String {
        let regex = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if regex.firstMatch(in: last, range: NSRange(last.startIndex..., in: last)) != nil { return last }
            usleep(50_000)
        }
        throw TerminalTimeout(pattern: pattern, screen: last, processes: processStates())
    }

    /// Every process of the pane's session with its state and the kernel function it sleeps in, and the
    /// terminal's foreground group: what a timeout needs to tell a slow machine from a hung shell.
    public func processStates() -> String {
        // The pane's session, and the shell's when it runs under `shq session` on a terminal of its own.
        let pane = (try? tmux(["display-message", "-p", "#{pane_pid}"])).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let sessions = Set([pane, try? shellPID()].compactMap { $0.flatMap { Self.statFields($0)?[3] } })
        var lines: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let fields = Self.statFields(pid), sessions.contains(fields[3]) else { continue }
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/wchan", encoding: .utf8)) ?? "?"
            lines.append("pid \(pid) ppid \(fields[1]) pgrp \(fields[2]) tpgid \(fields[5]) state \(fields[0]) wchan \(wchan) \(comm.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return lines.sorted().joined(separator: "\n")
    }

    /// The fields of /proc/<pid>/stat after "(comm)": state ppid pgrp session tty_nr tpgid …
    private static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return nil }
        let fields = stat[close.upperBound...].split(separator: " ")
        return fields.count > 5 ? fields : nil
    }

    /// Clears the screen (so later waits don't match old text), by typing `clear`.
    public func clear() throws {
        try run("clear")
        try waitFor("\\A\\$ $", timeout: 5)
    }

    /// Runs `echo "__RC=$?__"` (fish: `$status`) and returns the status the shell saw for the previous command.
    public func lastStatus() throws -> Int32 {
        let marker = "__RC\(Self.counter.next())="
        try run(shell == .fish ? "echo \"\(marker)\"$status\"__\"" : "echo \"\(marker)$?__\"")
        let screen = try waitFor("^\(marker)\\d+__", timeout: 10)
        let regex = try NSRegularExpression(pattern: "^\(marker)(\\d+)__", options: [.anchorsMatchLines])
        let match = regex.firstMatch(in: screen, range: NSRange(screen.startIndex..., in: screen))!
        return Int32(screen[Range(match.range(at: 1), in: screen)!])!
    }

    /// `SHQ_TEST_SESSION=1`: every shell starts under `shq session`, so the terminal suites (job control,
    /// `--pty`) run inside a session: `shellPID` is then the shell under the proxy.
    public static let underSession = ProcessInfo.processInfo.environment["SHQ_TEST_SESSION"] == "1"

    /// The pid of the interactive shell.
    public func shellPID() throws -> Int32 {
        let pane = Int32(try tmux(["display-message", "-p", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))!
        guard Self.underSession else { return pane }
        // The proxy's one child (the tmux pane's process is the proxy).
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            if let pid = Int32(name), let fields = Self.statFields(pid), Int32(fields[1]) == pane { return pid }
        }
        return pane
    }

    /// The terminal's foreground process group, from field 8 (tpgid) of /proc/<shell>/stat.
    public func foregroundGroup() throws -> Int32 {
        let shell = try shellPID()
        guard let fields = Self.statFields(shell) else { throw CocoaError(.fileReadNoSuchFile) }
        return Int32(fields[5])!
    }

    /// True when the shell itself owns the terminal (its pid is the foreground group).
    public func shellOwnsTerminal() throws -> Bool { try foregroundGroup() == (try shellPID()) }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        // Not Foundation.Process: its waitUntilExit() never returns after `new-session` (see DirectProcess).
        let result = try DirectProcess.run("/usr/bin/tmux", ["-L", socket, "-f", "/dev/null"] + arguments)
        return String(decoding: result.stdout, as: UTF8.self)
    }

    public static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let lock = NSLock()
        func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

public struct TerminalTimeout: Error, CustomStringConvertible {
    public let pattern: String
    public let screen: String
    public var processes: String = ""
    public var description: String {
        "timed out waiting for /\(pattern)/; screen was:\n\(screen)" + (processes.isEmpty ? "" : "\nprocesses of the terminal's session:\n\(processes)")
    }
}
