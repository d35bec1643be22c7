import CShims
import CSQLite

/// Makes a connection safe for user-supplied SQL: whatever the text, it can only read.
///
/// Three layers, each enough for most attacks on its own:
/// - the connection is opened `SQLITE_OPEN_READONLY` with `PRAGMA query_only=1` (`Store.openReadOnlyConnection`);
/// - an authorizer (sqlite3_set_authorizer) allows only SELECT, reads, functions other than
///   `load_extension`, and a list of read-only pragmas: ATTACH, DETACH, writes, schema changes,
///   transactions and setting pragmas (writable_schema, query_only=0, …) fail to compile;
/// - SQLITE_DBCONFIG_DEFENSIVE, extension loading off, untrusted schema.
extension Database {
    public func restrictToReading() throws {
        for (option, value) in [(SQLITE_DBCONFIG_DEFENSIVE, 1), (SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0),
                                (SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0)] {
            let rc = shq_sqlite_db_config_int(handle, option, Int32(value))
            if rc != SQLITE_OK { throw error(rc) }
        }
        let rc = sqlite3_set_authorizer(handle, { _, action, first, second, _, _ in
            ReadOnlyGuard.allows(action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
                ? SQLITE_OK : SQLITE_DENY
        }, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    /// Compiles exactly one statement; text after it other than blanks and comments is refused (SQLite
    /// would otherwise silently ignore it).
    public func prepareSingleStatement(_ sql: String) throws -> Statement {
        try sql.withCString { base in
            var tail: UnsafePointer<CChar>?
            var compiled: OpaquePointer?
            let rc = sqlite3_prepare_v2(handle, base, -1, &compiled, &tail)
            guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
            guard let compiled else { throw StoreError("sql", "no statement to run") }
            let statement = Statement(database: self, handle: compiled, sql: sql)
            if let tail {
                var next: OpaquePointer?
                let rest = sqlite3_prepare_v2(handle, tail, -1, &next, nil)
                sqlite3_finalize(next)
                if rest != SQLITE_OK || next != nil {
                    throw StoreError("sql", "one statement at a time: remove what follows the first ';'")
                }
            }
            return statement
        }
    }
}

enum ReadOnlyGuard {
    /// Pragmas that only report (a table name argument is allowed).
    static let reportingPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "foreign_key_check", "function_list", "pragma_list", "module_list", "collation_list", "database_list",
        "compile_options", "quick_check", "integrity_check",
    ]
    /// Settings that may be read but not set.
    static let readableSettings: Set<String> = [
        "user_version", "schema_version", "application_id", "page_size", "page_count", "freelist_count",
        "journal_mode", "encoding", "data_version", "auto_vacuum", "cache_size", "busy_timeout", "foreign_keys",
        "synchronous", "query_only",
    ]
    /// Functions refused even in a SELECT.
    static let refusedFunctions: Set<String> = ["load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"]

    static func allows(_ action: Int32, _ first: String?, _ second: String?) -> Bool {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return true
        case SQLITE_FUNCTION:
            return !refusedFunctions.contains((second ?? "").lowercased())
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            return reportingPragmas.contains(name) || (readableSettings.contains(name) && second == nil)
        default:
            return false
        }
    }
}
