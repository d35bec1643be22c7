import Foundation

/// Runs a program with stdin/stdout/stderr redirected to files and reports its peak memory as measured
/// by GNU time (`%M`, maximum resident set size).
///
/// Not wait4 on a child spawned from here: posix_spawn shares the test runner's address space until
/// exec, and the kernel carries that address space's high-water mark into the child's `ru_maxrss`, so a
/// 100 MB test runner would make every child look 100 MB big. `time` is small and forks the program
/// itself.
public enum MeasuredProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var maxResidentKiB: Int
    }

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null"
    ) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let report = NSTemporaryDirectory() + "/shq-rss-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(report) }
        let argv = (["/usr/bin/time", "-f", "%M", "-o", report, executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/usr/bin/time", &actions, nil, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let measured = try String(contentsOfFile: report, encoding: .utf8)
        // GNU time prints "Command exited with non-zero status N" before the figure when N != 0.
        let kib = measured.split(separator: "\n").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), maxResidentKiB: kib ?? Int.max)
    }
}
