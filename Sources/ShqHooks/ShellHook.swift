import Glibc

/// The shell integrations `shq hook init` prints (shell-hooks/, embedded at build time).
public enum ShellHook: String, CaseIterable, Sendable {
    case bash, zsh

    /// The script as it is in shell-hooks/.
    public var script: String {
        switch self {
        case .bash: return EmbeddedShellHooks.shq_bash
        case .zsh: return EmbeddedShellHooks.shq_zsh
        }
    }

    /// The script to `eval`, told where this binary is (for the occasional background ingest), which
    /// terminal the shell is on (so bash need not fork `tty` at start-up), shq's version (which the
    /// hook exports in SHQ_HOOK for `shq doctor`) and the binary's default ignore list (so the scripts
    /// carry no copy of it that could drift).
    public func initScript(binary: String?, terminal: String?, version: String, defaultIgnore: String) -> String {
        func assignment(_ name: String, _ value: String?) -> String {
            guard let value else { return "" }
            return name + "='" + value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'\n"
        }
        return assignment("__shq_bin", binary) + assignment("__shq_tty", terminal ?? "") + assignment("__shq_version", version)
            + assignment("__shq_default_ignore", defaultIgnore) + script
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
