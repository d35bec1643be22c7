import CShims
import CSQLite
import Glibc
import ShqSystem

/// One SQLite connection. Owns its handle; every error carries SQLite's code and message.
///
/// Not thread-safe: a connection is used by one thread at a time (the run engine gives its store writer
/// a connection of its own).
public final class Database {
    let handle: OpaquePointer
    public let path: String
    public let isReadOnly: Bool

    /// Opens (or, when `create` is true, creates) the database at `path`.
    /// The corresponding C function is `sqlite3_open_v2`.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        var flags = SQLITE_OPEN_NOMUTEX
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw StoreError(path, reason, sqliteCode: rc)
        }
        self.handle = db
        self.path = path
        self.isReadOnly = readOnly
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    /// The corresponding C function is `sqlite3_exec`.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let reason = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw StoreError(path, reason, sqliteCode: rc)
        }
    }

    /// Compiles `sql` into a statement owned by the caller.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    private var cache: [String: Statement] = [:]

    /// A statement compiled once per connection and reused, reset: for statements run in bulk (an import
    /// inserts 100k rows; compiling the insert and its triggers each time cost more than running it).
    /// `key` names the statement (hashing a short key beats hashing the SQL on every call).
    public func cachedStatement(_ key: String, _ sql: () -> String) throws -> Statement {
        if let statement = cache[key] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql())
        cache[key] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
    ///
    /// IMMEDIATE takes the write lock up front: in WAL mode a deferred transaction that later upgrades to
    /// a writer gets SQLITE_BUSY without the busy handler ever running, which is how concurrent writers
    /// see "database is locked".
    ///
    /// Inside a transaction already, `body` simply joins it (so several writes can share one commit).
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 { return try body() }
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Turns triggers off or on for this connection only (other connections keep firing theirs).
    /// SQLite recompiles this connection's statements on the next step.
    /// The corresponding C function is `sqlite3_db_config` with `SQLITE_DBCONFIG_ENABLE_TRIGGER`.
    func setTriggers(enabled: Bool) throws {
        let rc = shq_sqlite_db_config_int(handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, enabled ? 1 : 0)
        guard rc == SQLITE_OK else { throw error(rc) }
    }

    /// Reads a single integer (a pragma or an aggregate).
    public func scalarInt(_ sql: String) throws -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int(0)
    }

    /// No transaction is open on this connection. The corresponding C function is `sqlite3_get_autocommit`.
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ rc: Int32, sql: String? = nil) -> StoreError {
        var reason = String(cString: sqlite3_errmsg(handle))
        if reason == "not an error" { reason = String(cString: sqlite3_errstr(rc)) }
        if let sql, ProcessEnvironment.value("SHQ_DEBUG_SQL") != nil { reason += " (in: \(sql))" }
        return StoreError(path, reason, sqliteCode: rc)
    }
}
