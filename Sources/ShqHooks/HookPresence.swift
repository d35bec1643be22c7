import Glibc

/// What a loaded hook tells processes started from its shell: `SHQ_HOOK="<shell> <pid> <version>"`,
/// exported by the hook script. A process whose parent is that pid was started by the hooked shell itself;
/// another parent means the variable was inherited (a nested shell without the hook, a script).
public struct HookPresence: Sendable, Equatable {
    public var shell: ShellHook
    public var pid: Int32
    /// The version of shq that printed the hook script (empty if unknown).
    public var version: String

    public init?(_ value: String) {
        let fields = value.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let shell = ShellHook(rawValue: String(fields[0])), let pid = Int32(fields[1]) else { return nil }
        self.shell = shell
        self.pid = pid
        self.version = fields.count > 2 ? String(fields[2]) : ""
    }

    /// From this process's environment; nil when no hook is loaded (or the value is not one of ours).
    public static var current: HookPresence? {
        getenv("SHQ_HOOK").flatMap { HookPresence(String(cString: $0)) }
    }
}

extension ShellHook {
    /// The file name of shq's completion script for this shell.
    public var completionFileName: String {
        switch self {
        case .bash: return "shq"
        case .zsh: return "_shq"
        case .fish: return "shq.fish"
        }
    }

    /// Where this shell finds shq's completion script, in order: under the prefix `make install` used
    /// (the binary's folder's parent), then the user's and the system's folders. bash reads them through
    /// the bash-completion package; zsh reads the folders on its `fpath`; fish its own completions folder and
    /// the `vendor_completions.d` folders under its data directories.
    public func completionDirectories(executable: String?) -> [String] {
        func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        var prefix: String?
        if let executable, let slash = executable.lastIndex(of: "/") {
            let bin = executable[..<slash]
            if bin.hasSuffix("/bin") { prefix = String(bin.dropLast(4)) }
        }
        let share: String
        switch self {
        case .bash: share = "/share/bash-completion/completions"
        case .zsh: share = "/share/zsh/site-functions"
        case .fish: share = "/share/fish/vendor_completions.d"
        }
        let installed = prefix.map { [$0 + share] } ?? []
        switch self {
        case .bash:
            let dataHome = value("XDG_DATA_HOME") ?? (value("HOME") ?? "") + "/.local/share"
            let user = (value("BASH_COMPLETION_USER_DIR") ?? dataHome + "/bash-completion") + "/completions"
            let dataDirs = (value("XDG_DATA_DIRS") ?? "/usr/local/share:/usr/share").split(separator: ":")
            let system: [String] = dataDirs.map { String($0) + "/bash-completion/completions" }
            return unique([user] + installed + system)
        case .zsh:
            let system = ["/usr/local/share/zsh/site-functions", "/usr/share/zsh/site-functions", "/usr/share/zsh/vendor-completions"]
            return unique(installed + system)
        case .fish:
            let config = (value("XDG_CONFIG_HOME") ?? (value("HOME") ?? "") + "/.config") + "/fish/completions"
            let dataHome = value("XDG_DATA_HOME") ?? (value("HOME") ?? "") + "/.local/share"
            let dataDirs = (value("XDG_DATA_DIRS") ?? "/usr/local/share:/usr/share").split(separator: ":")
            let system: [String] = dataDirs.map { String($0) + "/fish/vendor_completions.d" }
            return unique([config, dataHome + "/fish/vendor_completions.d"] + installed + system)
        }
    }

    /// bash loads completion scripts from those folders only through the bash-completion package.
    public static let bashCompletionLoader = "/usr/share/bash-completion/bash_completion"

    private func unique(_ paths: [String]) -> [String] {
        var seen: Set<String> = []
        return paths.filter { seen.insert($0).inserted }
    }
}
