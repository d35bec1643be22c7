import CSQLite

/// SQLITE_TRANSIENT: SQLite copies bound bytes before the bind call returns.
nonisolated(unsafe) let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. Bind by 1-based index, step, read columns by 0-based index.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    let sql: String

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw database.error(rc, sql: sql) }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    /// Adopts a statement compiled by the caller.
    init(database: Database, handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    public func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    public func bind(_ index: Int32, _ value: Int?) {
        bind(index, value.map(Int64.init))
    }

    public func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    public func bind(_ index: Int32, _ value: String?) {
        if let value { sqlite3_bind_text(handle, index, value, -1, transientDestructor) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds raw bytes as TEXT, unvalidated: invalid UTF-8 and NUL bytes are kept exactly.
    public func bindText(_ index: Int32, _ bytes: [UInt8]?) {
        guard let bytes else { sqlite3_bind_null(handle, index); return }
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
            _ = sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(buffer.count), transientDestructor)
        }
    }

    public func bindBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count), transientDestructor)
    }

    // MARK: Stepping

    /// Advances to the next row; returns false when done.
    /// The corresponding C function is `sqlite3_step`.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, sql: sql)
        }
    }

    /// Resets the statement and clears its bindings so it can be run again.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Steps to completion, for statements that return no rows.
    public func run() throws {
        while try step() {}
        sqlite3_reset(handle)
    }

    // MARK: Columns

    public var columnCount: Int32 { sqlite3_column_count(handle) }
    public func columnName(_ index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }
    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }
    /// SQLite's storage classes: the type of one value (SQLite types values, not columns).
    public enum ValueType: Sendable { case null, integer, real, text, blob }

    public func valueType(_ index: Int32) -> ValueType {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer
        case SQLITE_FLOAT: return .real
        case SQLITE_BLOB: return .blob
        default: return .text
        }
    }
    public func int(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    public func optionalInt(_ index: Int32) -> Int64? { isNull(index) ? nil : int(index) }
    public func double(_ index: Int32) -> Double { sqlite3_column_double(handle, index) }

    /// The column's bytes exactly as stored (TEXT or BLOB), with no UTF-8 repair.
    public func bytes(_ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    public func optionalBytes(_ index: Int32) -> [UInt8]? { isNull(index) ? nil : bytes(index) }

    /// The column as a String (invalid UTF-8 shown as U+FFFD).
    public func string(_ index: Int32) -> String { String(decoding: bytes(index), as: UTF8.self) }
    public func optionalString(_ index: Int32) -> String? { isNull(index) ? nil : string(index) }

    /// Calls `body` with the column's bytes without copying them (valid only inside `body`).
    public func withBlob<T>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let count = Int(sqlite3_column_bytes(handle, index))
        let pointer = sqlite3_column_blob(handle, index)
        return try body(UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }
}

extension Statement {
    /// True when the statement cannot change the database. The corresponding C function is
    /// `sqlite3_stmt_readonly`.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
}
