import CShims
import Foundation

/// Runs a program with posix_spawn and waitpid, with a clean signal mask and default dispositions.
///
/// Foundation's `Process.waitUntilExit()` (Swift 6.3 on Linux) does not return until every process that
/// inherited the child's descriptors has exited, so for a command that leaves a daemon behind (`tmux
/// new-session -d` starts the tmux server) it never returns. Measured: `sh -c '(sleep 3 &); exit 0'`
/// takes 3 s to "exit" through `Process`. And children of the test runner inherit its blocked and
/// ignored signals, which changes job control and signal tests.
public enum DirectProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
    }

    /// stdin and stderr are /dev/null; stdout is read to end of file, then the child is reaped.
    public static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        var pipeFDs: [Int32] = [-1, -1]
        // Close-on-exec: other tests spawn concurrently (a tmux server among them lives on); a plain
        // pipe() leaks the write end into them and this read never sees end of file.
        guard shq_pipe_cloexec(&pipeFDs) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        let pid: pid_t
        do {
            pid = try spawn(executable, arguments, stdout: pipeFDs[1], closing: pipeFDs[0])
        } catch {
            close(pipeFDs[0])
            close(pipeFDs[1])
            throw error
        }
        close(pipeFDs[1])
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(pipeFDs[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        close(pipeFDs[0])
        let (status, _) = wait(pid)
        return Result(status: status, stdout: output)
    }

    /// Starts `executable` with stdin/stderr on /dev/null and stdout on `stdout` (/dev/null when nil),
    /// `environment` added to this process's. Reap it with `wait`.
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdout: Int32? = nil, closing: Int32? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let stdout {
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
            posix_spawn_file_actions_addclose(&actions, stdout)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        if let closing { posix_spawn_file_actions_addclose(&actions, closing) }
        // The test runner's threads may block or ignore signals; the tmux server (and the shells it
        // starts) must begin with a clean mask and default dispositions, like a login session.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw POSIXError(.init(rawValue: rc) ?? .EIO) }
        return pid
    }

    /// Reaps `pid`: its exit status, or the signal it died of.
    public static func wait(_ pid: pid_t) -> (status: Int32, signal: Int32?) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal != 0 ? (128 + signal, signal) : ((status >> 8) & 0xff, nil)
    }
}
