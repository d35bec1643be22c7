import ShqStore

/// Runs user-supplied SQL on a read-only connection and renders the rows.
public enum ReadOnlySQL {
    /// One value as SQLite typed it, so JSON can print numbers as numbers and NULL as null.
    public enum Value: Equatable, Sendable {
        case null
        /// An INTEGER or a REAL, with SQLite's own text for it (`42`, `1.5`, `100.0`).
        case number(String)
        case text(String)
        /// A BLOB, as an SQL literal (`x'00ff'`).
        case blob(String)

        /// The text tables and CSV print; nil for NULL.
        public var text: String? {
            switch self {
            case .null: return nil
            case .number(let text), .text(let text), .blob(let text): return text
            }
        }
    }

    public struct Result {
        public var columns: [String]
        public var rows: [[Value]]
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
            result.rows.append((0..<statement.columnCount).map { value(statement, $0) })
        }
        return result
    }

    /// The column's value in this row, by its type.
    static func value(_ statement: Statement, _ index: Int32) -> Value {
        switch statement.valueType(index) {
        case .null: return .null
        case .integer: return .number(statement.string(index))
        // JSON has no Inf or NaN; SQLite never stores NaN (it becomes NULL), but ±Inf can appear.
        case .real: return statement.double(index).isFinite ? .number(statement.string(index)) : .text(statement.string(index))
        case .blob:
            return .blob("x'" + statement.bytes(index).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined() + "'")
        case .text: return .text(statement.string(index))
        }
    }
}
