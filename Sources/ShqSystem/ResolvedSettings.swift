/// Every user setting, each resolved here and nowhere else: the command-line flag, else the environment
/// variable, else the config file key, else the default. A value that does not parse counts as unset and
/// the next source decides. Commands build one from their flags and hand it on whole.
public struct ResolvedSettings: Sendable, Equatable {
    /// Bytes `shq run` stores per stream: `--capture-cap`, `SHQ_CAPTURE_CAP`, `capture_cap`, 32M.
    public var captureCap: Int64
    /// Whether `shq run` uses a PTY: `--pty`/`--no-pty`, `SHQ_RUN_PTY` (`1` on, else off), `run_pty`, off.
    public var pty: PtyChoice
    /// Redact stored output: `--redact-output`/`--no-redact-output`, `redact_output`, off. Never with
    /// `-X` (`--force-capture` stores what the command printed).
    public var redactOutput: Bool
    /// The user's secret-exclusion patterns, added to the defaults: those of `SHQ_SECRET_EXCLUDE` and of
    /// `secret_exclude` together (colon-separated globs).
    public var secretExclude: [String]
    /// Whether the hook starts the shell under `shq session`: `SHQ_CAPTURE` (`0` off, else on), else
    /// `hook init --capture`, else `capture`, off. The environment wins over the flag here, because the
    /// flag lives in the rc file that every terminal reads: `SHQ_CAPTURE=0` is how one terminal opts out.
    public var capture: Bool
    /// Bytes `shq session` keeps per command, head and tail: `SHQ_SESSION_CAP`, `session_capture_cap`, 2M.
    public var sessionCaptureCap: Int64
    /// Keep what full-screen programs draw in a session: `capture_alt_screen`, off.
    public var captureAltScreen: Bool
    /// The PostgreSQL server `shq sync` uses, a libpq connection string: `shq sync --url`,
    /// `SHQ_SYNC_URL`, `sync_url`, none.
    public var syncURL: String?
    /// Seal records before they leave this machine: `--no-encrypt` (off), `sync_encrypt`, on.
    public var syncEncrypt: Bool
    /// How often a hook ingest starts a background `shq sync`: `SHQ_SYNC_EVERY`, `sync_every` (a
    /// duration such as 10m, read by ShqQuery's `DurationText`), never.
    public var syncEvery: String?
    /// Outputs travel with `shq sync` too (the last MiB of each stream, sealed like the records):
    /// `SHQ_SYNC_OUTPUTS` (`0` off, else on), `sync_outputs`, off.
    public var syncOutputs: Bool

    /// 32 MiB: a stream beyond the cap keeps its last half in memory, so the cap bounds shq run's memory
    /// (peak RSS relaying 1 GiB: 69 MiB with a 64 MiB cap) and the time to store the tail at the end.
    public static let defaultCaptureCap: Int64 = 32 << 20

    /// 2 MiB per command in a session, the first and last MiB of a longer output (Docs/design/session.md:
    /// storing costs 3–8 ms of CPU per MB at the command's end; `shq run`'s 32 MiB would cost up to 0.25 s
    /// and as much memory for every command typed).
    public static let defaultSessionCaptureCap: Int64 = 2 << 20

    /// What the command line said; nil where it said nothing.
    public struct Flags: Sendable {
        public var captureCap: String?
        public var pty: Bool?
        public var redactOutput: Bool?
        public var forceCapture: Bool
        /// `hook init --capture`.
        public var capture: Bool
        /// `shq sync --url`, `--no-encrypt`.
        public var syncURL: String?
        public var syncEncrypt: Bool?

        public init(
            captureCap: String? = nil, pty: Bool? = nil, redactOutput: Bool? = nil, forceCapture: Bool = false,
            capture: Bool = false, syncURL: String? = nil, syncEncrypt: Bool? = nil
        ) {
            self.capture = capture
            self.syncURL = syncURL
            self.syncEncrypt = syncEncrypt
            self.captureCap = captureCap
            self.pty = pty
            self.redactOutput = redactOutput
            self.forceCapture = forceCapture
        }
    }

    /// `environment` and `config` are parameters so tests can resolve without touching the process.
    public init(
        flags: Flags = Flags(), environment: (String) -> String? = ProcessEnvironment.value,
        config: Settings = .current
    ) {
        func fromEnvironment(_ name: String) -> String? {
            environment(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        captureCap = flags.captureCap.flatMap(Self.parseSize)
            ?? fromEnvironment("SHQ_CAPTURE_CAP").flatMap(Self.parseSize)
            ?? config["capture_cap"].flatMap(Self.parseSize)
            ?? Self.defaultCaptureCap
        if let flag = flags.pty {
            pty = flag ? .requested : .off
        } else if let value = fromEnvironment("SHQ_RUN_PTY") {
            pty = value == "1" ? .byDefault : .off
        } else {
            pty = config.bool("run_pty") == true ? .byDefault : .off
        }
        redactOutput = !flags.forceCapture && (flags.redactOutput ?? config.bool("redact_output") ?? false)
        secretExclude = [fromEnvironment("SHQ_SECRET_EXCLUDE"), config["secret_exclude"]]
            .compactMap { $0 }
            .flatMap { $0.split(separator: ":").map(String.init) }
            .filter { !$0.isEmpty }
        capture = fromEnvironment("SHQ_CAPTURE").map { $0 != "0" } ?? (flags.capture || config.bool("capture") == true)
        sessionCaptureCap = fromEnvironment("SHQ_SESSION_CAP").flatMap(Self.parseSize)
            ?? config["session_capture_cap"].flatMap(Self.parseSize)
            ?? Self.defaultSessionCaptureCap
        captureAltScreen = config.bool("capture_alt_screen") ?? false
        syncURL = flags.syncURL.flatMap { $0.isEmpty ? nil : $0 } ?? fromEnvironment("SHQ_SYNC_URL")
            ?? config["sync_url"].flatMap { $0.isEmpty ? nil : $0 }
        syncEncrypt = flags.syncEncrypt ?? config.bool("sync_encrypt") ?? true
        syncEvery = fromEnvironment("SHQ_SYNC_EVERY") ?? config["sync_every"].flatMap { $0.isEmpty ? nil : $0 }
        syncOutputs = fromEnvironment("SHQ_SYNC_OUTPUTS").map { $0 != "0" } ?? config.bool("sync_outputs") ?? false
    }

    /// The settings of this process without flags: the environment and the config file.
    public static let current = ResolvedSettings()

    /// Parses a size: bytes, or with a K, M or G suffix (binary: 1K = 1024), optionally followed by
    /// `B`/`iB`. Nil for anything else.
    public static func parseSize(_ text: String) -> Int64? {
        var digits = Substring(text.uppercased())
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        var shift: Int64 = 0
        switch digits.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        default: break
        }
        if shift > 0 { digits = digits.dropLast() }
        guard let value = Int64(digits), value >= 0, value <= (Int64.max >> shift) else { return nil }
        return value << shift
    }
}

/// Whether `shq run` puts the command on a PTY.
public enum PtyChoice: Sendable, Equatable {
    case off
    /// `--pty` on this command line: if impossible, say so once and use pipes.
    case requested
    /// `SHQ_RUN_PTY=1` / `run_pty = true`: use a PTY when there is a terminal, silently use pipes otherwise
    /// (scripts and CI must not get a note on every command).
    case byDefault
}
