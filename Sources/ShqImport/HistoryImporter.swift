import ShqStore

/// Another tool's history, read into shq's records. Each command carries a key derived from what
/// identifies it in its source (a timestamp and text, a row id, a uuid), so importing the same history
/// twice adds nothing, and importing a grown file adds only the new commands.
public enum ImportFormat: String, CaseIterable, Sendable {
    case bash, zsh, fish
    case zshHistdb = "zsh-histdb"
    case atuin

    /// The reader of this format.
    public var importer: any HistoryImporter {
        switch self {
        case .bash: BashHistoryImporter()
        case .zsh: ZshHistoryImporter()
        case .fish: FishHistoryImporter()
        case .zshHistdb: ZshHistdbImporter()
        case .atuin: AtuinImporter()
        }
    }
}

/// A reader of one tool's history: one type per source. It opens the file or database and hands the
/// import its commands; `Store.importHistory` stores them, the same way for every source.
public protocol HistoryImporter: Sendable {
    var format: ImportFormat { get }
    /// The commands at `path`, read as the import asks for them. A history file is checked before
    /// anything else happens (a mismatch throws); then `oldestRecorded` (which may open the store) gives the
    /// time before which lines without any timestamp are placed.
    func open(_ path: String, oldestRecorded: () throws -> Timestamp?) throws -> ImportSource
}

extension HistoryImporter {
    /// The commands at `path`, untimed lines dated by the file itself.
    public func open(_ path: String) throws -> ImportSource {
        try open(path, oldestRecorded: { nil })
    }
}

/// One command read from a foreign history, before it is stored.
public struct ImportedCommand: Equatable, Sendable {
    public var cmd: [UInt8]
    public var startedAt: Timestamp
    public var durationMicros: Int64?
    public var exitCode: Int32?
    public var cwd: [UInt8]?
    public var host: String?
    public var user: String?
    public var session: String?
    /// A hash of what identifies the command in its source (`ImportKey.hash`): becomes the record's
    /// `import_key`.
    public var identity: UInt64

    public init(cmd: [UInt8], startedAt: Timestamp, durationMicros: Int64? = nil, exitCode: Int32? = nil,
                cwd: [UInt8]? = nil, host: String? = nil, user: String? = nil, session: String? = nil, identity: UInt64) {
        self.cmd = cmd
        self.startedAt = startedAt
        self.durationMicros = durationMicros
        self.exitCode = exitCode
        self.cwd = cwd
        self.host = host
        self.user = user
        self.session = session
        self.identity = identity
    }
}

/// The commands an import stores, read a batch at a time. A history database is read as the import goes,
/// each batch on the thread that prepares it while the one before is written (reading 100k zsh-histdb
/// rows took ~140 ms, all before the first write); a history file is read and parsed whole first.
public final class ImportSource: @unchecked Sendable {  // used by one thread at a time: each batch's thread is joined before the next starts
    /// How many commands there are to read, or an estimate: the progress bar's total.
    public let count: Int
    /// Up to `limit` more commands; none once all are read.
    let read: (_ limit: Int) throws -> [ImportedCommand]

    public init(count: Int, read: @escaping (_ limit: Int) throws -> [ImportedCommand]) {
        self.count = count
        self.read = read
    }

    public convenience init(_ commands: [ImportedCommand]) {
        var offset = 0
        self.init(count: commands.count) { limit in
            let end = min(offset + limit, commands.count)
            defer { offset = end }
            return Array(commands[offset..<end])
        }
    }
}
