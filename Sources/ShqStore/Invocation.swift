import ShqSystem

/// Where a record came from.
public enum InvocationSource: String, Sendable, CaseIterable {
    /// `shq run`: output captured, lifecycle tracked.
    case run
    /// The bash/zsh hook: every interactive command, no output.
    case hook
    /// `shq save`: recorded from outside.
    case save
    /// `shq import`: another tool's history.
    case `import`
}

/// An invocation's state. `running` and `stopped` are live; the rest are final.
public enum InvocationStatus: String, Sendable, CaseIterable {
    case running, stopped, completed, failed
    /// The wrapper died (SIGKILL, crash) before recording an end.
    case orphaned
    /// Never started: a signal arrived before the command was spawned.
    case interrupted

    public var isLive: Bool { self == .running || self == .stopped }
}

extension Termination {
    public var invocationStatus: InvocationStatus {
        self == .exited(0) ? .completed : .failed
    }
}

/// One recorded command.
public struct Invocation: Sendable, Equatable {
    /// Row number inside this store (joins); `id` is the stable, user-facing identifier.
    public var seq: Int64?
    public var id: String
    public var session: String?
    /// The command line exactly as given: raw bytes, may be invalid UTF-8 or hold NULs.
    public var cmd: [UInt8]
    public var cwd: [UInt8]?
    public var host: String?
    public var user: String?
    public var shell: String?
    public var tty: String?
    public var source: InvocationSource
    public var startedAt: Timestamp
    public var endedAt: Timestamp?
    public var durationMicros: Int64?
    public var exitCode: Int32?
    public var signal: Int32?
    public var status: InvocationStatus
    public var pid: Int32?
    /// The process start time (clock ticks since boot, /proc/PID/stat field 22): with `pid`, identifies
    /// the process even after the pid is reused.
    public var pidStartTicks: Int64?
    /// The `shq run` process watching the command, and its start time: if it is gone while the record
    /// still says running or stopped, the record is orphaned.
    public var wrapperPID: Int32?
    public var wrapperStartTicks: Int64?
    public var tag: String?
    /// Space-separated exit codes of a pipeline's stages, when the shell reported them.
    public var pipestatus: String?
    /// Set by importers: makes importing the same history twice add nothing. The store keeps only its
    /// hash (`FNV1a.storedKey`), so records read back have none.
    public var importKey: String?
    /// Bytes the command wrote, filled in when read back from the store.
    public var stdoutBytes: Int64?
    public var stderrBytes: Int64?

    public init(
        id: String = InvocationID.make(), session: String? = nil, cmd: [UInt8], cwd: [UInt8]? = nil,
        host: String? = nil, user: String? = nil, shell: String? = nil, tty: String? = nil,
        source: InvocationSource, startedAt: Timestamp, endedAt: Timestamp? = nil, durationMicros: Int64? = nil,
        exitCode: Int32? = nil, signal: Int32? = nil, status: InvocationStatus, pid: Int32? = nil,
        pidStartTicks: Int64? = nil, tag: String? = nil, pipestatus: String? = nil, importKey: String? = nil
    ) {
        self.id = id
        self.session = session
        self.cmd = cmd
        self.cwd = cwd
        self.host = host
        self.user = user
        self.shell = shell
        self.tty = tty
        self.source = source
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationMicros = durationMicros
        self.exitCode = exitCode
        self.signal = signal
        self.status = status
        self.pid = pid
        self.pidStartTicks = pidStartTicks
        self.tag = tag
        self.pipestatus = pipestatus
        self.importKey = importKey
    }

    public var cmdText: String { String(decoding: cmd, as: UTF8.self) }
    public var cwdText: String? { cwd.map { String(decoding: $0, as: UTF8.self) } }

    public var termination: Termination? {
        if let signal { return .signaled(signal) }
        if let exitCode { return .exited(exitCode) }
        return nil
    }
}

/// A step in an invocation's life, timestamped: the job lifecycle.
public struct LifecycleEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case started, stopped, resumed, exited, signaled, orphaned
        /// A signal shq forwarded to the command (`shq kill`, or a kill() aimed at the wrapper).
        case forwarded
        /// The record reached the store late, at this time: another process held the store's write lock
        /// when the command started (`shq run`, `shq save` wait at most ~50 ms, then go on without it).
        case late
    }

    public var kind: Kind
    public var at: Timestamp
    public var signal: Int32?
    public var exitCode: Int32?

    public init(_ kind: Kind, at: Timestamp = .now(), signal: Int32? = nil, exitCode: Int32? = nil) {
        self.kind = kind
        self.at = at
        self.signal = signal
        self.exitCode = exitCode
    }
}

/// Which captured stream.
public enum OutputStream: String, Sendable, CaseIterable {
    case stdout, stderr
    /// `shq run --pty`: stdout and stderr merged by the terminal.
    case pty
}

/// What counts as a failure, for `%failed`, `stats` and the table's red: a non-zero exit, a signal, or
/// status failed — except exit 148 recorded by the hook. 148 = 128 + SIGTSTP is the shell's `$?` when
/// Ctrl-Z stops the foreground job (bash and zsh alike): the command was stopped, not failed, and may
/// still go on (`fg`).
extension Invocation {
    public static let stoppedAtPromptExit: Int32 = 128 + 20

    public var isFailure: Bool {
        if source == .hook && exitCode == Self.stoppedAtPromptExit { return false }
        return signal != nil || (exitCode ?? 0) != 0 || status == .failed
    }

    /// `isFailure` as SQL over a row of `invocation_rows` named `i`.
    public static let failureSQL = """
        (i.status = 'failed' OR i.exit_code <> 0 OR i.signal IS NOT NULL) AND NOT (i.exit_code IS \(stoppedAtPromptExit) \
        AND i.source = (SELECT code FROM sources WHERE name = 'hook'))
        """
}
