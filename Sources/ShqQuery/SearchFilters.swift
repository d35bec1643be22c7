import ShqStore
import ShqSystem

/// The filter options of `shq history`, `search`, `stats` and `grep`, as SQL conditions.
public struct SearchFilters: Sendable {
    public var directory: String?
    public var exitCode: Int32?
    public var since: Timestamp?
    public var until: Timestamp?
    public var session: String?
    public var host: String?

    public init(directory: String? = nil, exitCode: Int32? = nil, since: Timestamp? = nil, until: Timestamp? = nil,
                session: String? = nil, host: String? = nil) {
        self.directory = directory
        self.exitCode = exitCode
        self.since = since
        self.until = until
        self.session = session
        self.host = host
    }

    public func conditions(currentDirectory: [UInt8] = ProcessEnvironment.currentDirectory,
                           home: String = ProcessEnvironment.home) -> Conditions {
        var conditions = Conditions()
        if let directory {
            let written = Selector.Directory(written: directory)
            conditions.addDirectory(Conditions.resolve(written, currentDirectory: currentDirectory, home: home))
        }
        if let exitCode { conditions.addExitCode(.equal, Int64(exitCode)) }
        if let since { conditions.addStarted(since: since) }
        if let until { conditions.addStarted(until: until) }
        if let session { conditions.addName(.session, session) }
        if let host { conditions.addName(.host, host) }
        return conditions
    }

    /// A point in time: ISO 8601, `@epoch`, or an age as `prune --older-than` takes it (`90s`, `30m`, `2h`, `7d`, `2w`, `1d12h`), or `today`.
    public static func time(_ text: String, now: Timestamp = .now()) -> Timestamp? {
        if let absolute = Timestamp(parsing: text) { return absolute }
        if text == "today" { return startOfToday(now) }
        guard let age = DurationText.parse(text) else { return nil }
        return Timestamp(microseconds: now.microseconds - age)
    }

    static func startOfToday(_ now: Timestamp) -> Timestamp? {
        let local = Timestamp(microseconds: now.microseconds).localDisplay  // "YYYY-MM-DD hh:mm:ss"
        return Timestamp(parsing: String(local.prefix(10)) + "T00:00:00")
    }
}
