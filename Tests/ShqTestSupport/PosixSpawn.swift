import CShims
import Glibc

/// Runs a program and collects its stdout, closing every other descriptor in the child.
///
/// Why not Foundation's Process for tmux: on this toolchain (swift-corelibs-foundation, Swift 6.3) a child
/// inherits a socket Process uses to notice its exit, so `waitUntilExit()` waits for every descendant.
/// `tmux new-session` leaves a server running, so the wait never ends (the client stays a zombie); a server
/// started that way also keeps the sockets of any Process launched at the same moment. Here the child gets
/// only stdin (/dev/null), stdout (our pipe) and stderr (/dev/null), and we wait for the child alone.
public enum PosixSpawn {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
    }

    public static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        var fds: [Int32] = [-1, -1]
        guard shq_pipe_cloexec(&fds) == 0 else { throw SpawnError(errno: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        shq_spawn_file_actions_closefrom(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(fds[1])
        guard spawned == 0 else { close(fds[0]); throw SpawnError(errno: spawned) }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WEXITSTATUS without the C macro: the exit code sits in bits 8–15 of a normal exit.
        return Result(status: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), stdout: output)
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var errno: Int32
        public var description: String { "spawn failed: " + String(cString: strerror(errno)) }
    }
}
