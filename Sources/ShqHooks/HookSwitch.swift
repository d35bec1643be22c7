import Glibc

/// `shq hook off` / `shq hook on`. A process cannot change the variables of the shell that started it,
/// so it leaves the word `off` or `on` in `.<session>.hook` in the spool folder; the hook reads it at the
/// next prompt (one `[[ -s ]]` test, no process), sets or unsets `SHQ_DISABLED` and empties the file.
/// Without a `shq` shell function in the way, job messages name `shq` itself (see Docs/hooks.md).
public enum HookSwitch: String, Sendable {
    case off, on

    /// The file the hook of `session` reads.
    static func path(session: String, spoolDirectory: String) -> String {
        spoolDirectory + "/." + session + ".hook"
    }

    /// Writes the request for the hook of `session` (owner-only, like every spool file).
    public func request(session: String, spoolDirectory: String) throws(HookSwitchFailure) {
        // The hook's own UUID; anything else (a path, an empty value) is not a session it would read.
        guard !session.isEmpty, session.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw HookSwitchFailure(reason: "SHQ_SESSION is not a hook session id: '\(session)'")
        }
        let path = Self.path(session: session, spoolDirectory: spoolDirectory)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw HookSwitchFailure(reason: "\(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let line = Array((rawValue + "\n").utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw HookSwitchFailure(reason: "\(path): \(String(cString: strerror(errno)))")
        }
    }
}

public struct HookSwitchFailure: Error, Sendable {
    public let reason: String
}
