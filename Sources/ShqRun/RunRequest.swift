import ShqStore
import ShqSystem

/// What `shq run` was asked to do: the argv to spawn, the command text to record, and capture options.
public struct RunRequest: Sendable {
    /// The program and its arguments, raw bytes (arguments need not be UTF-8).
    public var arguments: [[UInt8]]
    /// The command line as recorded: `-c LINE` records LINE, argv is recorded shell-quoted.
    public var commandText: [UInt8]
    /// Capture cap, PTY choice and output redaction, resolved once from flags, environment and config.
    public var settings: ResolvedSettings
    /// Sets the colour-forcing conventions in the child's environment.
    public var forceColor: Bool
    /// `-X`: record even what the ignore rules would skip (secrets are still redacted by the policy).
    public var forceCapture: Bool
    public var location: StoreLocation

    public init(
        arguments: [[UInt8]], commandText: [UInt8], settings: ResolvedSettings = .current,
        forceColor: Bool = false, forceCapture: Bool = false, location: StoreLocation
    ) {
        self.arguments = arguments
        self.commandText = commandText
        self.settings = settings
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
