import CShims
import Glibc
import ShqSystem

/// A process named so that a reused pid is never mistaken for it: its pid plus its start time (clock
/// ticks since boot, field 22 of /proc/PID/stat). Two processes with the same pid never share a start
/// time within one boot.
public struct ProcessIdentity: Equatable, Sendable, CustomStringConvertible {
    public let pid: Int32
    public let startTicks: Int64

    public init(pid: Int32, startTicks: Int64) {
        self.pid = pid
        self.startTicks = startTicks
    }

    /// The identity recorded in a row, when both halves are known.
    public init?(pid: Int32?, startTicks: Int64?) {
        guard let pid, let startTicks, pid > 0 else { return nil }
        self.init(pid: pid, startTicks: startTicks)
    }

    /// The calling process.
    public static func current() -> ProcessIdentity? {
        ProcessSnapshot.read(getpid()).map { ProcessIdentity(pid: getpid(), startTicks: $0.startTicks) }
    }

    /// The process this identity names, as it is now: nil when it is gone, a zombie (dead, not yet
    /// reaped), or when the pid now belongs to another process.
    public func snapshot() -> ProcessSnapshot? {
        guard let now = ProcessSnapshot.read(pid), now.startTicks == startTicks, !now.isZombie else { return nil }
        return now
    }

    public var isAlive: Bool { snapshot() != nil }

    public var description: String { "pid \(pid)" }

    /// A pidfd for this process, checked after opening so it cannot refer to a successor. Nil when the
    /// process is gone or pidfds are unavailable (`errno` tells which: ESRCH or ENOSYS/EPERM).
    public func openDescriptor() -> Int32? {
        let fd = shq_pidfd_open(pid)
        guard fd >= 0 else { return nil }
        // The pid could have been reused between the caller's check and pidfd_open: the descriptor now
        // pins one process, so checking the start time once more settles which one it is.
        guard isAlive else {
            close(fd)
            errno = ESRCH
            return nil
        }
        return fd
    }

    /// Sends `signal` to this process and to no other. Returns 0 or an errno (ESRCH: it is gone).
    /// The corresponding C function is `pidfd_send_signal`, falling back to `kill` without pidfds.
    public func send(_ signal: Int32) -> Int32 {
        if let fd = openDescriptor() {
            defer { close(fd) }
            return shq_pidfd_send_signal(fd, signal) == 0 ? 0 : errno
        }
        if errno == ESRCH { return ESRCH }
        guard isAlive else { return ESRCH }
        return kill(pid, signal) == 0 ? 0 : errno
    }
}

/// What /proc says about one process at one moment.
public struct ProcessSnapshot: Equatable, Sendable {
    /// The state letter: R, S, D, T (stopped), t (traced), Z (zombie), …
    public let state: UInt8
    public let processGroup: Int32
    public let startTicks: Int64

    public var isZombie: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
    public var isStopped: Bool { state == UInt8(ascii: "T") }

    /// Parses /proc/PID/stat. The command name (field 2) is in parentheses and may itself contain spaces
    /// and parentheses, so fields are counted from the last ')'.
    public static func read(_ pid: Int32) -> ProcessSnapshot? {
        guard let bytes = ProcFile.read("/proc/\(pid)/stat"), let nameEnd = bytes.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        let fields = bytes[(nameEnd + 1)...].split(separator: UInt8(ascii: " "))
        // After the name: state(0) ppid(1) pgrp(2) … starttime(19).
        guard fields.count > 19, let state = fields[0].first,
              let group = Int32(String(decoding: fields[2], as: UTF8.self)),
              let start = Int64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        return ProcessSnapshot(state: state, processGroup: group, startTicks: start)
    }

    /// The real user id of a process (the `Uid:` line of /proc/PID/status), which decides who may
    /// signal it. Nil when it is gone.
    public static func realUserID(of pid: Int32) -> uid_t? {
        guard let bytes = ProcFile.read("/proc/\(pid)/status") else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Uid:".utf8)) {
            let values = line.dropFirst(4).split(whereSeparator: { $0 == 9 || $0 == 32 })
            return values.first.flatMap { UInt32(String(decoding: $0, as: UTF8.self)) }
        }
        return nil
    }
}

/// Small /proc files read in one go, without Foundation.
enum ProcFile {
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        return try? readAll(fd: fd)
    }
}
