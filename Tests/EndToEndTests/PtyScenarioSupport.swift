import Foundation
import ShqTestSupport

/// What the `shq run --pty` scenarios ask beyond `RunScenario`.
extension RunScenario {
    /// Types `command` (one `shq run`), waits until its record has ended and the prompt is back: the
    /// screen alone can show an old prompt before the shell has even read the line.
    func runToEnd(_ command: String, timeout: Double = 20) throws {
        let before = FileManager.default.fileExists(atPath: fixture.database) ? try endedRecords() : 0  // no store yet: none
        try terminal.run(command)
        try waitUntil("the record of `\(command)` to end", timeout: timeout) { try endedRecords() > before }
        try waitForPrompt(timeout: timeout)
    }

    private func endedRecords() throws -> Int {
        Int(try fixture.sqlite("SELECT count(*) FROM \(Self.runRecords) WHERE status NOT IN ('running', 'stopped')").first ?? "0") ?? 0
    }

    /// Waits until the `shq` process of the newest record is stopped (state T in /proc).
    func waitForWrapperStopped() throws {
        try waitUntil("shq to be stopped") {
            guard let pid = Int32(try latest("wrapper_pid")) else { return false }
            return ProcessProbe.state(pid) == "T"
        }
    }

    /// Waits until the newest record's command holds its PTY's foreground (its group is the PTY's
    /// foreground group). After `fg` shq notices by polling, then makes the real terminal raw and hands
    /// the PTY over, so from here on keys reach the command.
    func waitForCommandInPtyForeground() throws {
        try waitUntil("the command in its PTY's foreground") {
            guard let fields = commandStat() else { return false }
            return fields[2] == fields[5]  // pgrp == tpgid
        }
    }

    /// Waits until the newest record's command has its pid recorded: shq has settled the real
    /// terminal (raw or not) before it spawns the command.
    func waitForCommandSpawned() throws {
        try waitUntil("the command's pid recorded") { Int(try latest("pid")) != nil }
    }

    /// Fields of /proc/<command>/stat after "(comm)": state ppid pgrp session tty_nr tpgid …
    private func commandStat() -> [Substring]? {
        guard let pid = Int((try? latest("pid")) ?? ""),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return nil }
        return stat[close.upperBound...].split(separator: " ")
    }

    /// Saves `stty -g` under `name` (typed at the prompt).
    func saveSettings(_ name: String) throws {
        let path = fixture.directory.file("stty-\(name)")
        try terminal.run("stty -g > \(path).tmp && mv \(path).tmp \(path)")
        try waitUntil("stty -g saved") { FileManager.default.fileExists(atPath: path) }
        try waitForPrompt()
    }

    func settings(_ name: String) throws -> String {
        try String(contentsOfFile: fixture.directory.file("stty-\(name)"), encoding: .utf8)
    }

    /// A 500-line file whose first line is `# Network services, Internet style` (like /etc/services,
    /// which a minimal system may lack); returns its path.
    func longFile() throws -> String {
        let path = fixture.directory.file("services.txt")
        let lines = ["# Network services, Internet style"] + (1...499).map { "service-\($0)\t\($0)/tcp" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The streams the newest record stored.
    func latestStreams() throws -> [String] {
        try fixture.sqlite("SELECT stream FROM outputs WHERE invocation = (SELECT max(seq) FROM \(Self.runRecords)) ORDER BY stream")
    }

    /// The newest record's merged terminal output (`shq show -O` prints the `pty` stream), byte-exact.
    func latestTerminalOutput() throws -> Data { try latestOutput("stdout") }
}

extension TmuxTerminal.Shell {
    /// How `jobs -l` words a job stopped by SIGTTIN (plain `jobs` in bash says only "Stopped").
    var jobsLongTTYInput: String { self == .bash ? "Stopped \\(tty input\\)" : "suspended \\(tty input\\)" }
}
