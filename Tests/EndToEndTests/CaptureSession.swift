import Foundation
import ShqTestSupport

/// An interactive bash, zsh or fish in tmux whose rc file starts with `eval "$(shq hook init --capture)"`
/// (fish: `shq hook init --capture | source` in config.fish): the shell restarts under `shq session`.
/// Every byte the terminal receives is recorded (`tmux pipe-pane`),
/// so a test can compare what `shq show` returns with what the terminal got between the C and D marks.
final class CaptureSession: @unchecked Sendable {
    let fixture = StoreFixture()
    let terminal: TmuxTerminal
    let received: String
    private var syncs = 0

    init(_ shell: TmuxTerminal.Shell, after: String = "", config: String? = nil, environment: [String: String] = [:]) throws {
        let home = TemporaryDirectory("shq-capture")
        received = home.file("received")
        var environment = environment
        if let config {
            try FileManager.default.createDirectory(atPath: home.file("config/shq"), withIntermediateDirectories: true)
            try config.write(toFile: home.file("config/shq/config"), atomically: true, encoding: .utf8)
            environment["XDG_CONFIG_HOME"] = home.file("config")
        }
        let rc = (shell == .fish ? "shq hook init --capture | source" : "eval \"$(shq hook init --capture)\"") + "\n" + after
        terminal = try TmuxTerminal(shell, database: fixture.database, rc: rc, environment: environment)
        try terminal.recordOutput(to: received)
        keep = home
    }

    private let keep: TemporaryDirectory

    func run(_ line: String) throws { try terminal.run(line) }

    /// Runs a line and waits until it has ended (the hook's D mark reached the terminal): keys typed
    /// ahead are echoed by the terminal while a command runs, so they would be part of its output.
    func command(_ line: String, timeout: Double = 60) throws {
        let before = endMarks()
        try terminal.run(line)
        let deadline = Date().addingTimeInterval(timeout)
        while endMarks() <= before {
            guard Date() < deadline else { throw StoreTimeout(description: "\(line) did not end; screen was:\n\(try terminal.screen())") }
            usleep(20_000)
        }
    }

    /// How many D marks the terminal has received.
    func endMarks() -> Int {
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: received))) ?? Data()
        let mark = Data("\u{1B}]133;D;".utf8)
        var count = 0, cursor = bytes.startIndex
        while let found = bytes.range(of: mark, in: cursor..<bytes.endIndex) {
            count += 1
            cursor = found.upperBound
        }
        return count
    }

    /// Returns once every line typed so far has run and its prompt came back (the marker line starts
    /// with a space: not recorded, no output stored).
    func sync(timeout: Double = 30) throws {
        syncs += 1
        try terminal.run(" echo __SYNC\(syncs)__")
        try terminal.waitFor("^__SYNC\(syncs)__", timeout: timeout)
    }

    struct Record {
        var seq: Int, id: String, cmd: String, exit: Int?, tag: String?
    }

    /// The recorded commands, oldest first (after moving the spool into the store).
    func records() throws -> [Record] {
        let ingest = try fixture.shq("hook", "ingest")
        precondition(ingest.status == 0, ingest.stderrText)
        let result = try ShqProcess.run(
            ["-json", fixture.database, "SELECT seq, id, cmd, exit_code, tag FROM invocations ORDER BY seq"], executable: "/usr/bin/sqlite3")
        guard !result.stdout.isEmpty else { return [] }
        let rows = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]] ?? []
        return rows.map { Record(seq: $0["seq"] as! Int, id: $0["id"] as! String, cmd: $0["cmd"] as! String,
                                 exit: $0["exit_code"] as? Int, tag: $0["tag"] as? String) }
    }

    /// Waits until `count` records have their `pty` output stored (the proxy stores after each command).
    func waitForStoredOutputs(_ count: Int, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let stored = try fixture.sqlite("SELECT count(*) FROM outputs WHERE stream = 'pty'").first.flatMap { Int($0) } ?? 0
            if stored >= count { return }
            usleep(50_000)
        }
        throw StoreTimeout(description: "timed out waiting for \(count) stored outputs; screen was:\n\(try terminal.screen())")
    }

    /// The stored output of a record, and whether it is marked truncated.
    func output(of record: Record) throws -> (bytes: Data, truncated: Bool) {
        let shown = try fixture.shq("show", record.id)
        let truncated = try fixture.sqlite("SELECT truncated FROM outputs WHERE invocation = \(record.seq) AND stream = 'pty'").first == "1"
        return (shown.stdout, truncated)
    }

    /// Whether a record has any output row.
    func hasOutput(_ record: Record) throws -> Bool {
        try !fixture.sqlite("SELECT 1 FROM outputs WHERE invocation = \(record.seq)").isEmpty
    }

    /// What the terminal received between each bare `OSC 133 ; C` and the next `OSC 133 ; D`, in order.
    func terminalSegments(atLeast count: Int, timeout: Double = 30) throws -> [Data] {
        let start = Data("\u{1B}]133;C\u{07}".utf8), end = Data("\u{1B}]133;D;".utf8)
        let deadline = Date().addingTimeInterval(timeout)
        var segments: [Data] = []
        repeat {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: received))) ?? Data()
            segments = []
            var cursor = bytes.startIndex
            while let open = bytes.range(of: start, in: cursor..<bytes.endIndex),
                  let close = bytes.range(of: end, in: open.upperBound..<bytes.endIndex) {
                segments.append(bytes.subdata(in: open.upperBound..<close.lowerBound))
                cursor = close.upperBound
            }
            // The sync lines' own output is no command's: they are not recorded.
            segments.removeAll { String(decoding: $0, as: UTF8.self).wholeMatch(of: /__SYNC\d+__\r\n/) != nil }
            if segments.count >= count { return segments }
            usleep(50_000)
        } while Date() < deadline
        return segments
    }

    /// How many `shq session` proxies run in this terminal: the pane's process and its descendants.
    func proxyCount() throws -> Int {
        var pending = [try terminal.shellPID()], count = 0
        let children = Self.childrenByParent()
        while let pid = pending.popLast() {
            let argv = ((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()).split(separator: 0)
            if argv.count > 1, String(decoding: argv[0], as: UTF8.self).hasSuffix("shq"),
               String(decoding: argv[1], as: UTF8.self) == "session" { count += 1 }
            pending += children[pid] ?? []
        }
        return count
    }

    /// The shell the proxy started (the proxy is the pane's process): its one live child.
    func innerShellPID() throws -> Int32? {
        Self.childrenByParent()[try terminal.shellPID()]?.first(where: Self.isAlive)
    }

    /// The proxy's children, zombies included.
    func proxyChildren() throws -> [Int32] {
        Self.childrenByParent()[try terminal.shellPID()] ?? []
    }

    static func childrenByParent() -> [Int32: [Int32]] {
        var children: [Int32: [Int32]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { continue }
            let fields = stat[close.upperBound...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(pid) }
        }
        return children
    }

    /// True while the process exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return false }
        return stat[close.upperBound...].split(separator: " ").first != "Z"
    }
}

struct StoreTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Polls `condition` until it holds, for at most `timeout` seconds.
func waitUntil(_ what: String, timeout: Double = 20, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !SQLiteFailed.pending(condition) {
        guard Date() < deadline else { throw StoreTimeout(description: "timed out waiting until \(what)") }
        usleep(20_000)
    }
}
