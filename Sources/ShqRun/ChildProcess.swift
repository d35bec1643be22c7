import CShims
import Glibc
import ShqStore
import ShqSystem

/// The spawned command: same process group as shq (the shell's job), its own pipes on fds 1 and 2,
/// every other inherited fd and the caller's signal mask.
struct ChildProcess {
    let pid: pid_t

    /// Why the command could not start, as a shell would report it.
    struct SpawnFailure: Error {
        let errno: Int32
        /// 127 when the program was not found, 126 when it was found but could not be executed.
        var exitCode: Int32 { errno == ENOENT || errno == ENOTDIR ? 127 : 126 }
    }

    /// The corresponding C function is `posix_spawnp`.
    static func spawn(_ arguments: [[UInt8]], environment: [[UInt8]], stdout: Int32, stderr: Int32) throws(SpawnFailure) -> ChildProcess {
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        let rc = shq_spawn(&pid, argv.pointers[0], argv.pointers, envp.pointers, stdout, stderr)
        guard rc == 0 else { throw SpawnFailure(errno: rc) }
        return ChildProcess(pid: pid)
    }

    /// How the command's state changed, from `waitpid(WUNTRACED | WCONTINUED | WNOHANG)`.
    enum Change {
        case stopped(Int32)
        case continued
        case ended(Termination)
    }

    /// The next state change not yet collected, or nil when there is none.
    func poll() -> Change? {
        var status: Int32 = 0
        guard shq_wait_child(pid, &status) == pid else { return nil }
        if shq_wifstopped(status) != 0 { return .stopped(shq_wstopsig(status)) }
        if shq_wifcontinued(status) != 0 { return .continued }
        if shq_wifsignaled(status) != 0 { return .ended(.signaled(shq_wtermsig(status))) }
        return .ended(.exited(shq_wexitstatus(status)))
    }

    /// The process start time in clock ticks since boot (/proc/PID/stat field 22).
    static func startTicks(of pid: pid_t) -> Int64? {
        ProcessSnapshot.read(pid)?.startTicks
    }
}

/// A NULL-terminated array of C strings copied from raw bytes.
public struct CStringArray {
    public let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    public init(_ strings: [[UInt8]]) {
        count = strings.count
        pointers = .allocate(capacity: strings.count + 1)
        for (index, bytes) in strings.enumerated() {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (offset, byte) in bytes.enumerated() { copy[offset] = CChar(bitPattern: byte) }
            copy[bytes.count] = 0
            pointers[index] = copy
        }
        pointers[strings.count] = nil
    }

    public func free() {
        for index in 0..<count { pointers[index]?.deallocate() }
        pointers.deallocate()
    }
}

/// The environment the command gets: shq's own, plus the colour-forcing conventions with `--color`.
public enum ChildEnvironment {

    static func build(forceColor: Bool) -> [[UInt8]] {
        guard forceColor else { return current() }
        // CLICOLOR_FORCE (BSD ls, many CLIs), FORCE_COLOR (Node, chalk, pytest, …); NO_COLOR would win
        // over both, so it is removed.
        let entries = current().filter { !$0.starts(with: Array("NO_COLOR=".utf8)) }
        return setting([("CLICOLOR_FORCE", "1"), ("FORCE_COLOR", "1")], in: entries)
    }

    /// shq's own environment, entry by entry.
    public static func current() -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(Array(UnsafeRawBufferPointer(start: entry, count: strlen(entry))))
            cursor += 1
        }
        return entries
    }

    /// `entries` with each name set to its value (an earlier entry of that name removed).
    public static func setting(_ values: [(name: String, value: String)], in entries: [[UInt8]]) -> [[UInt8]] {
        let prefixes = values.map { Array(($0.name + "=").utf8) }
        return entries.filter { entry in !prefixes.contains { entry.starts(with: $0) } } + values.map { Array(($0.name + "=" + $0.value).utf8) }
    }
}
