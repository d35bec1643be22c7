import Glibc

/// The user's settings: `${XDG_CONFIG_HOME:-~/.config}/shq/config`, one `key = value` per line, `#`
/// starts a comment line. Unknown keys are kept (`shq doctor` flags them); a missing file means defaults
/// everywhere. The keys are listed in `Settings.keys` and read in `ResolvedSettings`, the one place that
/// resolves them against flags and the environment.
public struct Settings: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    /// A key shq reads: its name, whether its value is true/false (else the form `value` shows), and
    /// what it sets.
    public struct Key: Sendable {
        public let name: String
        public let isBool: Bool
        public let meaning: String
        public var value: String = "true|false"
    }

    /// Every key read from the config file; the list `shq --help`, the man page and `shq doctor` show.
    public static let keys: [Key] = [
        Key(name: "capture", isBool: true,
            meaning: "true: the hook keeps each command's output too (SHQ_CAPTURE)"),
        Key(name: "capture_alt_screen", isBool: true,
            meaning: "true: shq session also keeps what full-screen programs draw"),
        Key(name: "redact_output", isBool: true,
            meaning: "true: stored output has its secrets redacted (--redact-output)"),
        Key(name: "run_pty", isBool: true,
            meaning: "true: shq run gives commands a terminal of their own (--pty)"),
        Key(name: "secret_exclude", isBool: false,
            meaning: "more globs of command lines never to store (SHQ_SECRET_EXCLUDE)", value: "GLOB:GLOB..."),
        Key(name: "capture_cap", isBool: false,
            meaning: "bytes shq run stores per stream, e.g. 64M (--capture-cap)", value: "SIZE"),
        Key(name: "session_capture_cap", isBool: false,
            meaning: "bytes shq session keeps per command, head and tail (SHQ_SESSION_CAP)", value: "SIZE"),
        Key(name: "sync_url", isBool: false,
            meaning: "the PostgreSQL server shq sync uses (SHQ_SYNC_URL, --url)", value: "postgresql://..."),
        Key(name: "sync_every", isBool: false,
            meaning: "start a background shq sync this often, e.g. 10m (SHQ_SYNC_EVERY)", value: "DURATION"),
        Key(name: "sync_encrypt", isBool: true,
            meaning: "false: sync plain rows, for a server made with --no-encrypt"),
        Key(name: "sync_outputs", isBool: true,
            meaning: "true: outputs sync too, the last MiB of each (SHQ_SYNC_OUTPUTS)"),
    ]

    /// The keys as help text: `name = true|false` over an indented meaning, short enough for 80 columns
    /// in `--help` and in the man page (which indents it further).
    public static var keysHelp: String {
        keys.map { "  \($0.name) = \($0.value)\n      \($0.meaning)" }.joined(separator: "\n")
    }

    /// What is wrong with the settings: keys shq does not read, true/false keys with another value.
    public var problems: [String] {
        values.keys.sorted().compactMap { name in
            guard let key = Self.keys.first(where: { $0.name == name }) else {
                return "unknown key '\(name)' (known: \(Self.keys.map(\.name).joined(separator: ", ")))"
            }
            return key.isBool && bool(name) == nil ? "\(name) = \(values[name]!): expected true or false" : nil
        }
    }

    public init(values: [String: String] = [:]) { self.values = values }

    /// Parses the text of a config file.
    public init(parsing text: String) {
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            guard !line.isEmpty, line.first != "#", let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingBlanks
            guard !key.isEmpty else { continue }
            values[String(key)] = String(line[line.index(after: equals)...].trimmingBlanks)
        }
    }

    public subscript(key: String) -> String? { values[key] }

    /// `true/yes/on/1` or `false/no/off/0`; nil when unset or unreadable.
    public func bool(_ key: String) -> Bool? {
        switch values[key]?.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    /// `${XDG_CONFIG_HOME:-$HOME/.config}/shq/config`.
    public static var defaultPath: String {
        (ProcessEnvironment.nonEmpty("XDG_CONFIG_HOME") ?? (ProcessEnvironment.home + "/.config")) + "/shq/config"
    }

    /// The settings file, read once per process.
    public static let current: Settings = load(path: defaultPath)

    /// Reads a settings file; a missing or unreadable file gives empty settings.
    public static func load(path: String) -> Settings {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return Settings() }
        defer { close(fd) }
        let bytes = (try? readAll(fd: fd, limit: 1 << 20)) ?? []
        return Settings(parsing: String(decoding: bytes, as: UTF8.self))
    }
}

extension Substring {
    fileprivate var trimmingBlanks: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return self[first...last]
    }
}
