import Glibc
import ShqHooks
import ShqRun
import ShqSession
import ShqStore
import ShqSystem

/// The lines `shq doctor` prints, and the problems found on the way.
struct SetupReport {
    private(set) var lines: [(label: String, text: String)] = []
    private(set) var problems: [String] = []
    let executable = ShellHook.currentExecutable
    /// The shell `shq doctor` runs in: the hook's, else the parent process's, else $SHELL's.
    var shell: ShellHook? { HookPresence.current?.shell ?? ShellHook.detect() }

    init() {
        add("version", "shq \(ShqVersion.current)" + (executable.map { " (\($0))" } ?? ""))
    }

    mutating func add(_ label: String, _ text: String) { lines.append((label, text)) }

    mutating func check(store summary: StoreSummary) {
        let location = summary.location
        guard let bytes = summary.bytes else {
            add("store", location.databasePath + ": none yet (the first command recorded creates it)")
            return
        }
        if let error = summary.error {
            add("store", location.databasePath + ": " + Self.size(bytes) + ", unreadable")
            problems.append("store: \(error)")
            return
        }
        add("store", location.databasePath + ": " + Self.size(bytes) + ", " + Self.count(summary.commands ?? 0, "command"))
        if let chunkBytes = summary.chunkFileBytes {
            add("chunks", location.chunkFilePath + ": " + Self.size(chunkBytes) + " of output, "
                + Self.size(summary.chunkFileAllocated ?? 0) + " on disk")
        }
        if summary.chunkFileRecordedEnd > (summary.chunkFileBytes ?? 0) {
            let what = summary.chunkFileBytes == nil ? "missing" : "shorter than the store says"
            problems.append("chunks: \(location.chunkFilePath): \(what); output stored there cannot be shown")
        }
        if summary.pendingSpoolFiles > 0 {
            add("spool", Self.count(Int64(summary.pendingSpoolFiles), "file")
                + " of records waiting in \(location.spoolDirectory) (the next shq command moves them in)")
        }
    }

    mutating func checkConfig() {
        let path = Settings.defaultPath
        guard access(path, F_OK) == 0 else {
            add("config", path + ": none (defaults everywhere)")
            return
        }
        let settings = Settings.load(path: path)
        add("config", path + (settings.values.isEmpty ? ": sets nothing" : ""))
        let known = Set(Settings.keys.map(\.name))
        for (key, value) in settings.values.sorted(by: { $0.key < $1.key }) {
            add("", "  \(key) = \(value)" + (known.contains(key) ? "" : "  (unknown key)"))
        }
        problems += settings.problems.map { "config \(path): " + $0 }
    }

    mutating func checkHook(store summary: StoreSummary) {
        let location = summary.location
        let advice = "add to \(shell?.rcFile ?? "your shell's rc file"): \(shell?.initLine ?? "eval \"$(shq hook init)\"")"
        guard let hook = HookPresence.current else {
            add("hook", "not loaded in this shell")
            problems.append("hook: not loaded in this shell; " + advice)
            return
        }
        guard hook.pid == getppid() else {
            add("hook", "not loaded in this shell (pid \(getppid())); SHQ_HOOK comes from \(hook.shell.rawValue) pid \(hook.pid)")
            problems.append("hook: this shell inherited SHQ_HOOK from another shell (pid \(hook.pid)) but has no hook of its own; " + advice)
            return
        }
        var text = "\(hook.shell.rawValue), loaded in this shell (pid \(hook.pid))"
        if hook.version != ShqVersion.current {
            text += ", from shq \(hook.version.isEmpty ? "(unknown version)" : hook.version)"
            problems.append("hook: loaded from another version of shq than this one (\(ShqVersion.current)); open a new shell")
        }
        if ProcessEnvironment.nonEmpty("SHQ_DISABLED") != nil {
            add("hook", text + ", off: SHQ_DISABLED is set (shq hook on resumes)")
        } else if summary.sessionSpooling || summary.sessionStored {
            var recording = text + ", recording"
            if let last = summary.sessionLastStarted {
                recording += " (\(Self.count(summary.sessionCommands, "command")) from this shell, the last at \(last.localDisplay))"
            }
            add("hook", recording)
        } else {
            add("hook", text + ", but nothing from this shell reached " + location.spoolDirectory)
            problems.append("hook: this shell's records never reached \(location.spoolDirectory); "
                + "is it writable, and is SHQ_DB the same as when the shell started?")
        }
    }

    mutating func checkCapture() {
        let settings = ResolvedSettings.current
        let pty = settings.pty == .byDefault ? ", with a terminal of their own (run_pty)" : ""
        add("capture", "shq run stores what commands print (up to \(Self.size(settings.captureCap)) a stream)\(pty);")
        let terminal = ProcessEnvironment.ttyName
        if terminal != nil && ProcessEnvironment.nonEmpty(Session.terminalVariable) == terminal {
            add("", "commands typed at the prompt keep their output: this terminal runs under shq session")
        } else if settings.capture {
            add("", "commands typed at the prompt keep their output in shells started from now on (shq session)")
        } else {
            add("", "commands typed at the prompt are recorded without their output (hook init --capture keeps it)")
        }
        if let value = ProcessEnvironment.value("SHQ_CAPTURE") { add("", "SHQ_CAPTURE=\(value)") }
    }

    mutating func checkCompletions() {
        let shells = shell.map { [$0] } ?? ShellHook.allCases
        for candidate in shells {
            let directories = candidate.completionDirectories(executable: executable)
            let found = directories.map { $0 + "/" + candidate.completionFileName }.first { access($0, R_OK) == 0 }
            let label = "completion"
            guard let found else {
                add(label, "\(candidate.rawValue): none found in " + directories.joined(separator: ", "))
                if shell != nil {
                    problems.append("completion: no \(candidate.rawValue) completion script in those folders (make install writes one)")
                }
                continue
            }
            add(label, "\(candidate.rawValue): \(found)" + (candidate == .zsh ? " (its folder must be on fpath)" : ""))
            if candidate == .bash, access(ShellHook.bashCompletionLoader, R_OK) != 0 {
                problems.append("completion: bash loads completion scripts through the bash-completion package, which is not installed")
            }
        }
    }

    var text: String {
        var out = lines.map { ($0.label + String(repeating: " ", count: max(1, 12 - $0.label.count))) + $0.text }
        if !problems.isEmpty {
            out.append("")
            out.append(problems.count == 1 ? "1 problem:" : "\(problems.count) problems:")
            out += problems.map { "  - " + $0 }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `1 command`, `2 commands`.
    static func count(_ number: Int64, _ noun: String) -> String { "\(number) \(noun)" + (number == 1 ? "" : "s") }

    /// 512 bytes, 12.3 KB, 4.5 MB, 1.2 GB.
    static func size(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        let units = ["KB", "MB", "GB", "TB"]
        var scaled = bytes * 10 / 1024
        var unit = 0
        while scaled >= 10 * 1024, unit < units.count - 1 { scaled /= 1024; unit += 1 }
        return "\(scaled / 10).\(scaled % 10) \(units[unit])"
    }
}
