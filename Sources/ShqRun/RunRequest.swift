import ShqStore
import ShqSystem

/// What `shq run` was asked to do: the argv to spawn, the command text to record, and capture options.
public struct RunRequest: Sendable {
    /// The program and its arguments, raw bytes (arguments need not be UTF-8).
    public var arguments: [[UInt8]]
    /// The command line as recorded: `-c LINE` records LINE, argv is recorded shell-quoted.
    public var commandText: [UInt8]
    /// Bytes kept per stream; beyond it the head and tail are kept and the output marked truncated.
    public var captureCap: Int64
    /// Sets the colour-forcing conventions in the child's environment.
    public var forceColor: Bool
    /// `-X`: record even what the ignore rules would skip (secrets are still redacted by the policy).
    public var forceCapture: Bool
    /// Redact secrets in the stored output (`--redact-output`, or `redact_output` in the config file).
    public var redactOutput = false
    /// Whether to run the command on a PTY (`--pty`), and whether the user asked for it on this command.
    public var pty: PtyChoice = .off
    public var location: StoreLocation

    public init(
        arguments: [[UInt8]], commandText: [UInt8], captureCap: Int64 = CaptureCap.defaultBytes,
        forceColor: Bool = false, forceCapture: Bool = false, location: StoreLocation
    ) {
        self.arguments = arguments
        self.commandText = commandText
        self.captureCap = captureCap
        self.forceColor = forceColor
        self.forceCapture = forceCapture
        self.location = location
    }

    /// `shq run CMD ARGS…`: argv as given, recorded shell-quoted so the text re-runs.
    public static func argv(_ arguments: [[UInt8]], location: StoreLocation) -> RunRequest {
        RunRequest(arguments: arguments, commandText: CommandText.quoted(arguments), location: location)
    }

    /// `shq run -c LINE`: `$SHELL -c LINE` (else /bin/sh), recorded as LINE.
    public static func shellLine(_ line: [UInt8], location: StoreLocation) -> RunRequest {
        let shell = ProcessEnvironment.nonEmpty("SHELL") ?? "/bin/sh"
        return RunRequest(arguments: [Array(shell.utf8), Array("-c".utf8), line], commandText: line, location: location)
    }
}
