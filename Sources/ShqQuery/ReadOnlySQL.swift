import ShqStore

/// Runs user-supplied SQL on a read-only connection and renders the rows.
public enum ReadOnlySQL {
    public struct Result {
        public var columns: [String]
        public var rows: [[String?]]
    }

    public static func run(_ sql: String, on store: Store) throws -> Result {
        let reader = try store.openReadOnlyConnection()
        let statement: Statement
        do {
            statement = try reader.prepareSingleStatement(sql)
        } catch let error as StoreError where error.reason.hasPrefix("not authorized") || error.reason.hasPrefix("cannot modify") {
            // The authorizer in ReadOnlyGuard said no (SQLITE_AUTH, or SQLITE_ERROR for functions), or the
            // statement writes to a view (`invocations` is one), which SQLite refuses before asking it.
            throw StoreError("sql", "refused: the query may only read (\(error.reason))")
        }
        guard statement.isReadOnly else {
            throw StoreError("sql", "only read-only statements are allowed (the store is opened read-only)")
        }
        var result = Result(columns: (0..<statement.columnCount).map { statement.columnName($0) }, rows: [])
        while try statement.step() {
            result.rows.append((0..<statement.columnCount).map { index in
                if statement.isNull(index) { return nil }
                if statement.columnType(index) == 4 {  // SQLITE_BLOB
                    return "x'" + statement.bytes(index).map { byte in
                        let hex = String(byte, radix: 16)
                        return hex.count == 1 ? "0" + hex : hex
                    }.joined() + "'"
                }
                return statement.string(index)
            })
        }
        return result
    }
}
