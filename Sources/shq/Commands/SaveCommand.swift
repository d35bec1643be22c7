import ArgumentParser
import Glibc
import ShqPrivacy
import ShqRun
import ShqQuery
import ShqStore
import ShqSystem

struct SaveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save",
        _superCommandName: Shq.name,
        abstract: "Record a command that ran outside shq.",
        usage: "shq save -c <command> [<options>]",
        discussion: """
            Stores one invocation from the outside: a CI step, a cron job, a script. Output can come from \
            files (--stdout, --stderr); when stdin is a pipe or a file and --stdout is not given, stdin is \
            taken as the command's stdout:

              make 2>&1 | shq save -c make --exit ${PIPESTATUS[0]}

            Secrets in the command line are replaced by [REDACTED] and secret-prone commands (pass show, \
            vault kv get, ...) are not saved; -X stores the command verbatim. Output is stored unless it \
            contains the no-save marker (ESC ] shq;nosave BEL); --redact-output (or redact_output = true in \
            the config file) redacts it too. More in `man shq`.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(name: .customShort("c"), help: ArgumentHelp("The command line to record.", valueName: "command"))
    var command: String

    @Option(name: .customLong("exit"), help: ArgumentHelp("Its exit status.", valueName: "code"))
    var exitCode: Int32?

    @Option(help: ArgumentHelp("How long it ran: milliseconds, or with a unit like 1.5s, 90m, 2h (as %duration takes it).", valueName: "duration"))
    var duration: DurationArgument?

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

    @Flag(name: [.customShort("X"), .customLong("force-capture")], help: "Store the command line verbatim: no secret exclusion, no redaction.")
    var forceCapture = false

    @Flag(inversion: .prefixedNo, help: "Redact secrets in the stored output too. Default: redact_output in the config file, else off.")
    var redactOutput: Bool?

    func validate() throws {
        if let startedAt, Timestamp(parsing: startedAt) == nil {
            throw ValidationError("--started-at '\(startedAt)': expected ISO 8601 like 2026-11-23T14:05:00Z, or @epoch-seconds")
        }
    }

    func run() throws {
        let command: [UInt8]
        switch RecordingPolicy.decide(RawArguments.bytes(of: self.command), entryPoint: .save, forceCapture: forceCapture) {
        case .record(let bytes):
            command = bytes
        case .skip(let reason):
            if stdout == nil && Self.stdinIsData() { drainStandardInput() }
            _ = writeAll(2, Array("shq: not saved: \(reason)\n".utf8))
            return
        }
        let durationMicros = duration?.micros
        let start = startedAt.flatMap(Timestamp.init(parsing:))
            ?? Timestamp(microseconds: Timestamp.now().microseconds - (durationMicros ?? 0))
        var invocation = Invocation.fromCurrentEnvironment(
            cmd: command, cwd: cwd.map { RawArguments.bytes(of: $0) }, source: .save, startedAt: start,
            status: exitCode.map { $0 == 0 ? .completed : .failed } ?? .completed)
        invocation.durationMicros = durationMicros
        invocation.exitCode = exitCode
        invocation.tag = tag
        invocation.endedAt = durationMicros.map { Timestamp(microseconds: start.microseconds + $0) }

        var sources: [(OutputStream, Int32)] = []
        defer { for (_, fd) in sources where fd > 2 { close(fd) } }
        if let stdout {
            sources.append((.stdout, try openForReading(stdout)))
        } else if Self.stdinIsData() {
            sources.append((.stdout, 0))
        }
        if let stderr { sources.append((.stderr, try openForReading(stderr))) }

        let redact = ResolvedSettings(flags: .init(redactOutput: redactOutput, forceCapture: forceCapture)).redactOutput
        let filter: (OutputStream) -> OutputFilter? = { _ in OutputPrivacyFilter(redactOutput: redact) }
        // Another process holding the store's write lock delays the caller at most
        // `Store.startWaitMilliseconds`: then the record goes to the spool and is written once the store
        // is free (Docs/design/store.md, "A locked store").
        let opened = try store.open()
        // Without waiting for another ingest either (a detached one may be waiting for the same lock).
        opened.waitingAtMost(milliseconds: Store.startWaitMilliseconds) { opened.ingestingHookSpool(wait: false) }
        let outputDropped: Bool
        if let seq = try RecordLater.insertBriefly(invocation, into: opened) {
            outputDropped = try opened.saveOutputs(of: seq, outputs: sources, filter: filter)
        } else {
            outputDropped = try Store.saveLater(invocation, location: opened.location, outputs: sources, filter: filter).outputDropped
            RecordLater.startIngest(opened.location)
        }
        if outputDropped {
            _ = writeAll(2, Array("shq: output not saved: it contains the no-save marker\n".utf8))
        }
    }

    /// Reads stdin to its end so that the writer of a pipe never fails with EPIPE.
    private func drainStandardInput() {
        try? readChunks(fd: 0) { _ in true }
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

/// A duration option: milliseconds, or with units, read by `DurationText.micros` (the reader `%duration` uses).
struct DurationArgument: ExpressibleByArgument {
    let micros: Int64

    init?(argument: String) {
        guard let micros = try? DurationText.micros(argument, bareUnit: 1000) else { return nil }
        self.micros = micros
    }
}
