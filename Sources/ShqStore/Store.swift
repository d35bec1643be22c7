import CSQLite
import Glibc

/// The history store: one SQLite file, created owner-only on first use and checked owner-only on every
/// open (`OwnerOnly`), always up to date.
public final class Store {
    public let db: Database
    public let location: StoreLocation

    public var path: String { location.databasePath }

    /// Opens the store for reading and writing, creating it (and its folder) if needed.
    public init(location: StoreLocation) throws {
        self.location = location
        try location.createDirectory()
        try OwnerOnly.check(location)
        // umask 077 while SQLite creates the database, WAL and shm files: they are born 0600, never briefly
        // readable by others. Restored at once, since commands shq spawns inherit the umask.
        let savedMask = umask(0o077)
        defer { umask(savedMask) }
        self.db = try Database(path: location.databasePath)
        try configure()
        try Schema.migrate(db)
    }

    private func configure() throws {
        sqlite3_busy_timeout(db.handle, 10_000)
        // journal_mode is persistent: switching needs a lock, so only ask when it isn't WAL yet.
        if try currentJournalMode() != "wal" {
            let set = try db.prepare("PRAGMA journal_mode=WAL")
            _ = try set.step()
        }
        // Debian builds SQLite with synchronous=FULL by default; NORMAL is durable enough in WAL mode.
        try db.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON")
    }

    private func currentJournalMode() throws -> String {
        let mode = try db.prepare("PRAGMA journal_mode")
        guard try mode.step() else { throw StoreError(path, "cannot read the journal mode") }
        return mode.string(0)
    }

    /// A second, read-only connection to the same file, for user-supplied SQL.
    public func openReadOnlyConnection() throws -> Database {
        let reader = try Database(path: path, readOnly: true)
        sqlite3_busy_timeout(reader.handle, 10_000)
        try reader.execute("PRAGMA query_only=1")
        try reader.restrictToReading()
        return reader
    }
}
