import Glibc
import ShqStore
import ShqSystem

/// Where each source keeps its history when the user names no file: the one place that knows it.
///
/// - bash: `$HISTFILE` (when it fits), `~/.bash_history`;
/// - zsh: `$HISTFILE` (when it fits), `${ZDOTDIR:-~}/.zsh_history`, `~/.zsh_history`, `~/.histfile`
///   (what zsh-newuser-install writes into `.zshrc`);
/// - atuin: `${XDG_DATA_HOME:-~/.local/share}/atuin/history.db`;
/// - zsh-histdb: `${HISTDB_FILE:-~/.histdb/zsh-history.db}`.
///
/// `$HISTFILE` is the shell's own variable and is seen only when exported; it is taken for a shell when it
/// names a file that could be that shell's history: not a database, not the other shell's timestamped
/// format, not named for the other shell (`~/.zsh_history` is not bash's history).
public struct DefaultHistoryLocation: Sendable {
    /// A path to look at, and what it is (for the message naming what was tried).
    public struct Candidate: Equatable, Sendable {
        public let path: String
        /// `$HISTFILE` candidates must also fit the format.
        public let fromHistfile: Bool
    }

    let environment: @Sendable (String) -> String?

    /// `environment` is a parameter so tests can resolve without touching the process.
    public init(environment: @escaping @Sendable (String) -> String? = ProcessEnvironment.value) {
        self.environment = environment
    }

    private func variable(_ name: String) -> String? {
        guard let value = environment(name), !value.isEmpty else { return nil }
        return value
    }

    private var home: String { variable("HOME") ?? ProcessEnvironment.home }

    /// The paths to try for `format`, in order, without duplicates.
    public func candidates(for format: ImportFormat) -> [Candidate] {
        var result: [Candidate] = []
        func add(_ path: String, fromHistfile: Bool = false) {
            if !result.contains(where: { $0.path == path }) { result.append(Candidate(path: path, fromHistfile: fromHistfile)) }
        }
        switch format {
        case .bash:
            if let histfile = variable("HISTFILE") { add(histfile, fromHistfile: true) }
            add(home + "/.bash_history")
        case .zsh:
            if let histfile = variable("HISTFILE") { add(histfile, fromHistfile: true) }
            add((variable("ZDOTDIR") ?? home) + "/.zsh_history")
            add(home + "/.zsh_history")
            add(home + "/.histfile")
        case .fish:
            // fish keeps one file per `fish_history` session name, "fish" unless the user set another.
            add((variable("XDG_DATA_HOME") ?? home + "/.local/share") + "/fish/" + (variable("fish_history") ?? "fish") + "_history")
        case .atuin:
            add((variable("XDG_DATA_HOME") ?? home + "/.local/share") + "/atuin/history.db")
        case .zshHistdb:
            add(variable("HISTDB_FILE") ?? home + "/.histdb/zsh-history.db")
        }
        return result
    }

    /// The first candidate that is a readable file (and, for `$HISTFILE`, fits the format).
    /// Throws naming every path tried when there is none.
    public func find(for format: ImportFormat) throws -> String {
        let candidates = candidates(for: format)
        for candidate in candidates where Self.isReadableFile(candidate.path) {
            if candidate.fromHistfile && !Self.fits(candidate.path, format) { continue }
            return candidate.path
        }
        let tried = candidates.map { $0.fromHistfile ? "$HISTFILE (\($0.path))" : $0.path }.joined(separator: ", ")
        throw StoreError("import \(format.rawValue)", "no \(format.historyName) found (tried \(tried)); give the file to import")
    }

    private static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// Whether `$HISTFILE` could hold `format`'s history: judged by its name and its first 64 KiB.
    private static func fits(_ path: String, _ format: ImportFormat) -> Bool {
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        switch format {
        case .bash where name.contains("zsh"), .zsh where name.contains("bash"): return false
        default: break
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 65536)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { return false }
        return ShellHistoryFile.mismatch(Array(head[0..<count]), as: format) == nil
    }
}

extension ImportFormat {
    /// What the source's history is called in messages: "bash history", "atuin database".
    public var historyName: String {
        switch self {
        case .bash: "bash history"
        case .zsh: "zsh history"
        case .fish: "fish history"
        case .atuin: "atuin database"
        case .zshHistdb: "zsh-histdb database"
        }
    }
}
