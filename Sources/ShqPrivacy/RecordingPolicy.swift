/// Where a command line is about to be recorded from; every entry point asks the same policy, so
/// whether a command is stored never depends on how it was run.
public enum RecordingEntryPoint: String, Sendable {
    case hook, run, save, `import`
}

/// The verdict for one command line.
public enum RecordingDecision: Equatable, Sendable {
    /// Store it, as these bytes (possibly redacted).
    case record([UInt8])
    /// Don't store it; the reason is for `shq ignore-check` and diagnostics.
    case skip(reason: String)
}

/// Decides whether and how a command line is stored: ignore rules (SHQ_DISABLED, leading space or
/// backslash, SHQ_IGNORE, SHQ_EXCLUDE), then secret exclusion, then redaction.
public enum RecordingPolicy {
    public static func decide(
        _ command: [UInt8], entryPoint: RecordingEntryPoint, forceCapture: Bool = false
    ) -> RecordingDecision {
        // Ignore rules first. Hook lines were already judged by the shell with its own variables.
        // -X overrides every rule but SHQ_DISABLED: asking for a record is explicit, switching off is too.
        let rules = entryPoint == .hook ? IgnoreRules.environmentIndependent : IgnoreRules.current
        if let reason = rules.reason(toSkip: command), !forceCapture || reason == .disabled {
            return .skip(reason: reason.description)
        }
        return privacyDecision(command, forceCapture: forceCapture, exclusion: .current)
    }

    /// Secret exclusion then redaction; `forceCapture` (`-X`) stores the line verbatim.
    static func privacyDecision(_ command: [UInt8], forceCapture: Bool, exclusion: SecretExclusion) -> RecordingDecision {
        if forceCapture { return .record(command) }
        if let pattern = exclusion.match(command) {
            return .skip(reason: "secret-prone command (matches '\(pattern)'); -X stores it anyway")
        }
        return .record(Redactor.redact(command))
    }
}
