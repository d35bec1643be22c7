import ShqPrivacy
import ShqRun
import ShqStore

/// What a session keeps, each setting resolved here and nowhere else.
public struct SessionSettings: Sendable {
    /// Per command: 2 MiB, the first and last MiB of a longer output (Docs/design/session.md: storing costs
    /// 3–8 ms of CPU per MB, so 6–16 ms at the command's end; 32 MiB, `shq run`'s cap, would cost up to
    /// 0.25 s and as much memory).
    public static let defaultCaptureCap: Int64 = 2 << 20

    /// `SHQ_SESSION_CAP`, else `session_capture_cap` in the config file, else `defaultCaptureCap`.
    public var captureCap: Int64
    /// `capture_alt_screen = true`: keep the output of full-screen programs too.
    public var keepAltScreen: Bool
    /// `redact_output = true`: redact secrets in the stored output.
    public var redactOutput: Bool

    public static func current() -> SessionSettings {
        SessionSettings(
            captureCap: ProcessEnvironment.nonEmpty("SHQ_SESSION_CAP").flatMap(CaptureCap.parse)
                ?? Settings.current["session_capture_cap"].flatMap(CaptureCap.parse) ?? defaultCaptureCap,
            keepAltScreen: Settings.current.bool("capture_alt_screen") ?? false,
            redactOutput: OutputPrivacyFilter.redactOutputByDefault)
    }

    /// Whether the shell hook starts a session: `SHQ_CAPTURE` (`0` off, `1` on) wins, then `--capture`,
    /// then `capture = true` in the config file.
    public static func captureWanted(flag: Bool) -> Bool {
        if let environment = ProcessEnvironment.nonEmpty("SHQ_CAPTURE") { return environment != "0" }
        return flag || Settings.current.bool("capture") == true
    }
}
