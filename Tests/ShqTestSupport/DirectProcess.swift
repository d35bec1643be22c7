import Foundation

/// Runs a program with posix_spawn and waitpid, returning its exit status and stdout.
///
/// Foundation's `Process.waitUntilExit()` (Swift 6.3 on Linux) does not return until every process that
/// inherited the child's descriptors has exited, so for a command that leaves a daemon behind (`tmux
/// new-session -d` starts the tmux server) it never returns. Measured: `sh -c '(sleep 3 &); exit 0'`
/// takes 3 s to "exit" through `Process`.
public enum DirectProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: Data
    }

    /// stdin and stderr are /dev/null; stdout is read to end of file, then the child is reaped.
    public static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
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
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw POSIXError(.init(rawValue: rc) ?? .EIO)
        }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(pipeFDs[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Result(status: (status >> 8) & 0xff, stdout: output)
    }
}
