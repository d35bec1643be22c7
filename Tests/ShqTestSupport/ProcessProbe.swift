import Foundation

/// Facts about processes from /proc, for tests that check what really happened to a process.
public enum ProcessProbe {
    /// The fields of /proc/PID/stat after the command name: [state, ppid, pgrp, …]; nil when gone.
    public static func statFields(_ pid: Int32) -> [String]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return nil }
        return stat[close.upperBound...].split(separator: " ").map(String.init)
    }

    /// The state letter (R, S, T, Z…), nil when the process is gone.
    public static func state(_ pid: Int32) -> String? { statFields(pid)?.first }

    /// Start time in clock ticks since boot (/proc/PID/stat field 22).
    public static func startTicks(_ pid: Int32) -> Int64? { statFields(pid).flatMap { Int64($0[19]) } }

    /// Polls until `condition` holds or `timeout` seconds pass; returns whether it held.
    @discardableResult
    public static func waitUntil(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// Zombie processes whose parent is `parent` (or any parent when nil) and not `excludingParent`, as
    /// "pid comm" lines.
    public static func zombies(parent: Int32? = nil, excludingParent: Int32? = nil) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { pid in
            guard let fields = statFields(pid), fields[0] == "Z" else { return nil }
            if let parent, Int32(fields[1]) != parent { return nil }
            if let excludingParent, Int32(fields[1]) == excludingParent { return nil }
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
            return "\(pid) \(comm.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// Starts a program in the background, as a child of the test process, with every signal unblocked
    /// and at its default action. (Foundation's `Process` starts children with almost every signal
    /// blocked — SigBlk fffffffe3bfbea27 measured here — so a TERM sent to them does nothing.)
    /// `environment` entries are added to the test's own; `stdout`/`stderr` name files to write (else
    /// /dev/null).
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdout: String? = nil, stderr: String? = nil
    ) throws -> SpawnedProcess {
        var attributes = cleanSignalAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
        return SpawnedProcess(pid: pid)
    }
}

extension ProcessProbe {
    /// Spawn attributes giving the child an empty signal mask and default dispositions: the test runner's
    /// threads block almost every signal, and a child must not inherit that.
    static func cleanSignalAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return attributes
    }
}

/// A child of the test process, reaped with waitpid.
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: Int32
    private var status: Int32?
    private let lock = NSLock()

    init(pid: Int32) { self.pid = pid }

    /// Reaps it if it has exited (never blocks).
    public var isRunning: Bool { reap(block: false) == nil }

    /// Waits up to `timeout` seconds for it to end; then SIGKILLs it (so a test never hangs on a
    /// stopped process) and returns nil.
    @discardableResult
    public func wait(timeout: Double = 10) -> Int32? {
        if ProcessProbe.waitUntil(timeout: timeout, { reap(block: false) != nil }) { return status }
        Glibc.kill(pid, SIGKILL)
        _ = reap(block: true)
        return nil
    }

    /// The signal that ended it, if one did (after `wait`).
    public var terminationSignal: Int32? {
        guard let status, status & 0x7f != 0, status & 0x7f != 0x7f else { return nil }
        return status & 0x7f
    }

    public var exitCode: Int32? {
        guard let status, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// Ends it (SIGKILL) if still running, and reaps it.
    public func stop() {
        if isRunning { Glibc.kill(pid, SIGKILL) }
        _ = reap(block: true)
    }

    private func reap(block: Bool) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        if waitpid(pid, &raw, block ? 0 : WNOHANG) == pid { status = raw }
        return status
    }
}
