import ArgumentParser
import Glibc
import ShqStore

struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        abstract: "Record a command that ran outside shq.",
        discussion: """
            Stores one invocation from the outside: a CI step, a cron job, a script. Output can come from
            files (--stdout, --stderr); when stdin is a pipe or a file and --stdout is not given, stdin is
            taken as the command's stdout:

              make 2>&1 | shq save -c make --exit ${PIPESTATUS[0]}
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customShort("c"), help: ArgumentHelp("The command line to record.", valueName: "command"))
    var command: String

    @Option(name: .customLong("exit"), help: ArgumentHelp("Its exit status.", valueName: "code"))
    var exitCode: Int32?

    @Option(help: ArgumentHelp("How long it ran, in milliseconds.", valueName: "ms"))
    var duration: Double?

    @Option(name: .customLong("started-at"), help: ArgumentHelp("When it started: ISO 8601 (no zone = local time) or @epoch-seconds. Default: now minus --duration.", valueName: "time"))
    var startedAt: String?

    @Option(help: ArgumentHelp("The directory it ran in. Default: the current directory.", valueName: "dir"))
    var cwd: String?

    @Option(help: ArgumentHelp("A file holding its standard output.", valueName: "file"))
    var stdout: String?

    @Option(help: ArgumentHelp("A file holding its standard error.", valueName: "file"))
    var stderr: String?

    @Option(help: ArgumentHelp("A label to find it by (selector ':tag').", valueName: "tag"))
    var tag: String?

    func validate() throws {
        if let duration, duration < 0 || !duration.isFinite { throw ValidationError("--duration must be a non-negative number of milliseconds") }
        if let startedAt, Timestamp(parsing: startedAt) == nil {
            throw ValidationError("--started-at '\(startedAt)': expected ISO 8601 like 2026-11-23T14:05:00Z, or @epoch-seconds")
        }
    }

    func run() throws {
        let durationMicros = duration.map { Int64(($0 * 1000).rounded()) }
        let start = startedAt.flatMap(Timestamp.init(parsing:))
            ?? Timestamp(microseconds: Timestamp.now().microseconds - (durationMicros ?? 0))
        var invocation = Invocation(
            session: ProcessEnvironment.nonEmpty("SHQ_SESSION"),
            cmd: RawArguments.bytes(of: command),
            cwd: cwd.map { RawArguments.bytes(of: $0) } ?? ProcessEnvironment.currentDirectory,
            host: ProcessEnvironment.hostName,
            user: ProcessEnvironment.userName,
            source: .save,
            startedAt: start,
            durationMicros: durationMicros,
            exitCode: exitCode,
            status: exitCode.map { $0 == 0 ? .completed : .failed } ?? .completed,
            tag: tag
        )
        invocation.endedAt = durationMicros.map { Timestamp(microseconds: start.microseconds + $0) }

        var sources: [(OutputStream, Int32)] = []
        defer { for (_, fd) in sources where fd > 2 { close(fd) } }
        if let stdout {
            sources.append((.stdout, try openForReading(stdout)))
        } else if Self.stdinIsData() {
            sources.append((.stdout, 0))
        }
        if let stderr { sources.append((.stderr, try openForReading(stderr))) }

        try store.open().save(invocation, outputs: sources)
    }

    private func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure("\(path): \(errnoDescription(errno))") }
        return fd
    }

    /// stdin counts as output when it is a pipe, socket or regular file, never a terminal or /dev/null.
    private static func stdinIsData() -> Bool {
        var info = stat()
        guard fstat(0, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK || type == S_IFREG
    }
}
