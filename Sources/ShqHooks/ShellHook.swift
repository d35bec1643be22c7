import Glibc

/// The shell integrations `shq hook init` prints (shell-hooks/, embedded at build time).
public enum ShellHook: String, CaseIterable, Sendable {
    case bash, zsh, fish

    /// The script as it is in shell-hooks/.
    public var script: String {
        switch self {
        case .bash: return EmbeddedShellHooks.shq_bash
        case .zsh: return EmbeddedShellHooks.shq_zsh
        case .fish: return EmbeddedShellHooks.shq_fish
        }
    }

    /// The file the user adds the hook to, and the line that loads it.
    public var rcFile: String {
        switch self {
        case .bash: return "~/.bashrc"
        case .zsh: return "~/.zshrc"
        case .fish: return "~/.config/fish/config.fish"
        }
    }

    public var initLine: String { self == .fish ? "shq hook init | source" : "eval \"$(shq hook init)\"" }

    /// The script to `eval`, told where this binary is (for the occasional background ingest), which
    /// terminal the shell is on (so bash need not fork `tty` at start-up), shq's version (which the
    /// hook exports in SHQ_HOOK for `shq doctor`) and the binary's default ignore list (so the scripts
    /// carry no copy of it that could drift). With `markNonce` (the shell runs directly under
    /// `shq session`), the hook writes the session's marks. With `session` (the words after
    /// `shq session --`), an interactive shell on a terminal first replaces itself with the proxy.
    /// Without `bindKeys` (`--no-bind`), Ctrl-R (and Up) keep the shell's own bindings.
    public func initScript(
        binary: String?, terminal: String?, version: String, defaultIgnore: String, markNonce: String? = nil, session: [String]? = nil,
        bindKeys: Bool = true, clockOffset: Int64 = ShellHook.clockOffsetMicros()
    ) -> String {
        // bash and zsh: POSIX single quotes; fish: single quotes in which only \\ and \' are escapes.
        func quoted(_ value: String) -> String {
            if self == .fish {
                return "'" + value.map { $0 == "\\" || $0 == "'" ? "\\" + String($0) : String($0) }.joined() + "'"
            }
            return "'" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
        }
        func assignment(_ name: String, _ value: String?) -> String {
            guard let value else { return "" }
            return (self == .fish ? "set -g " + name + " " : name + "=") + quoted(value) + "\n"
        }
        var prefix = ""
        if let session, let binary {
            // Before anything else of the hook: the rest of the rc file then runs once, in the shell
            // under the proxy. If the proxy cannot start it execs the shell itself, without capture.
            // fish runs this inside `shq hook init | source`, whose stdin is the pipe (at its end by
            // then): the proxy gets the terminal back on stdin from its name (not /dev/tty, which is
            // another device number than stdout's, so the proxy would see no terminal to serve). Should
            // the proxy still run fish without one, SHQ_SESSION_TRIED (this terminal) stops a second try
            // instead of an endless loop of restarts.
            let words = ([binary, "session", "--"] + session).map(quoted).joined(separator: " ")
            if self == .fish {
                if let terminal, !terminal.isEmpty {
                    prefix = "if status is-interactive; and test -t 1; and test -x \(quoted(binary)); and test \"$SHQ_SESSION_TRIED\" != \(quoted(terminal))\n"
                        + "    set -gx SHQ_SESSION_TRIED \(quoted(terminal))\n    exec \(words) <\(quoted(terminal))\nend\n"
                }
            } else {
                prefix = "if [[ $- == *i* && -t 0 && -t 1 && -x \(quoted(binary)) ]]; then exec \(words); fi\n"
            }
        }
        if let markNonce {
            prefix += assignment("__shq_mark_nonce", markNonce) + (self == .fish ? "set -e SHQ_SESSION_NONCE\n" : "unset SHQ_SESSION_NONCE\n")
        }
        // fish has no sub-second clock of its own; the hook reads /proc/uptime (CLOCK_BOOTTIME) and adds this.
        let clock = self == .fish ? assignment("__shq_clock_offset", String(clockOffset)) : ""
        return prefix + assignment("__shq_bin", binary) + assignment("__shq_tty", terminal ?? "") + assignment("__shq_version", version)
            + assignment("__shq_default_ignore", defaultIgnore) + assignment("__shq_no_bind", bindKeys ? "" : "1") + clock + script
    }

    /// CLOCK_REALTIME − CLOCK_BOOTTIME in µs: what turns /proc/uptime (which counts CLOCK_BOOTTIME) into
    /// the time of day. The corresponding C function is `clock_gettime`.
    public static func clockOffsetMicros() -> Int64 {
        var real = timespec(), boot = timespec()
        clock_gettime(CLOCK_BOOTTIME, &boot)
        clock_gettime(CLOCK_REALTIME, &real)
        return (Int64(real.tv_sec) - Int64(boot.tv_sec)) * 1_000_000 + (Int64(real.tv_nsec) - Int64(boot.tv_nsec)) / 1000
    }

    /// The words that start the parent shell again as it was started: its executable (prefixed with `-`
    /// when it is a login shell, as its argv[0] says) and its arguments, from /proc/PPID.
    public static func parentCommandLine() -> [String]? {
        let parent = "/proc/\(getppid())"
        guard let exe = readLink(parent + "/exe"), let file = fopen(parent + "/cmdline", "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if words.last == "" { words.removeLast() }
        guard let argv0 = words.first else { return nil }
        return [(argv0.hasPrefix("-") ? "-" : "") + exe] + words.dropFirst()
    }

    /// The shell that runs `eval "$(shq hook init)"`: the parent process's executable
    /// (/proc/PPID/exe, else its name in /proc/PPID/comm), else `$SHELL`.
    public static func detect() -> ShellHook? {
        let parent = "/proc/\(getppid())"
        if let exe = readLink(parent + "/exe"), let shell = named(exe) { return shell }
        if let comm = readFirstLine(parent + "/comm"), let shell = named(comm) { return shell }
        if let raw = getenv("SHELL") { return named(String(cString: raw)) }
        return nil
    }

    /// `bash`, `/usr/bin/zsh`, `-zsh` (a login shell's argv[0]), `zsh-5.9`…
    static func named(_ path: String) -> ShellHook? {
        var name = Substring(path.split(separator: "/").last ?? "")
        if name.hasPrefix("-") { name = name.dropFirst() }
        return allCases.first { name == $0.rawValue || name.hasPrefix($0.rawValue + "-") }
    }

    /// This executable's path. The corresponding C function is `readlink("/proc/self/exe")`.
    public static var currentExecutable: String? { readLink("/proc/self/exe") }

    private static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func readFirstLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
