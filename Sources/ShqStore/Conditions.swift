import ShqSystem

/// A value bound to a `?` in generated SQL.
public enum SQLValue: Equatable, Sendable {
    case int(Int64)
    case text(String)
    /// Bytes bound as TEXT (command lines, directories).
    case bytes([UInt8])
    /// Bytes bound as a BLOB (ids).
    case blob([UInt8])

    func bind(to statement: Statement, at index: Int32) {
        switch self {
        case .int(let value): statement.bind(index, value)
        case .text(let value): statement.bind(index, value)
        case .bytes(let value): statement.bindText(index, value)
        case .blob(let value): value.withUnsafeBytes { statement.bindBlob(index, $0) }
        }
    }
}

/// SQL conditions over the stored rows as `i` (`Store.invocationsFrom`), with their bound values: the
/// query builder other modules compose. Each condition's SQL is spelled here, so no module but the store
/// names a table or column; the selector compiler (ShqQuery) and `shq search` options pick them.
public struct Conditions: Sendable {
    public private(set) var clauses: [String] = []
    public private(set) var values: [SQLValue] = []
    /// Set when a condition needs the REGEXP function on the connection.
    public private(set) var usesRegexp = false

    public init() {}

    /// Adds `clause`, whose `?` placeholders take `values` in order. Store-only: other modules add the
    /// named conditions below.
    mutating func add(_ clause: String, _ values: SQLValue...) {
        add(clause, values)
    }

    mutating func add(_ clause: String, _ values: [SQLValue]) {
        clauses.append(clause)
        self.values += values
        if clause.contains("REGEXP") { usesRegexp = true }
    }

    public var sql: String { clauses.isEmpty ? "1" : clauses.map { "(\($0))" }.joined(separator: " AND ") }

    /// Binds every value, numbering from `first`; returns the next free index.
    @discardableResult
    public func bind(_ statement: Statement, from first: Int32 = 1) -> Int32 {
        var index = first
        for value in values {
            value.bind(to: statement, at: index)
            index += 1
        }
        return index
    }

    /// Adds every condition of `other` (ANDed).
    public mutating func add(_ other: Conditions) {
        clauses += other.clauses
        values += other.values
        usesRegexp = usesRegexp || other.usesRegexp
    }

    /// Rows run in exactly `path`, compared as the directory number rows store.
    public mutating func addDirectory(_ path: [UInt8]) {
        add("i.dir = (SELECT id FROM dirs WHERE path = ?)", .bytes(path))
    }

    /// Rows whose `column` is `name`, compared as the number rows store.
    public mutating func addName(_ column: NameColumn, _ name: String) {
        add("i.\(column.rawValue) = (SELECT id FROM names WHERE name = ?)", .text(name))
    }

    // The conditions other modules compose, each spelled once, over the stored rows as `i`.

    /// Failed: `Invocation.isFailure` (a job stopped at a hooked prompt is not a failure).
    public mutating func addFailed() { add(Invocation.failureSQL) }

    /// Succeeded: exit 0 and no signal.
    public mutating func addSucceeded() { add("i.exit_code = 0 AND i.signal IS NULL") }

    public mutating func addExitCode(_ op: Comparison, _ value: Int64) { add("i.exit_code \(op.rawValue) ?", .int(value)) }

    public mutating func addDuration(_ op: Comparison, _ micros: Int64) { add("i.duration_us \(op.rawValue) ?", .int(micros)) }

    public mutating func addCommandMatches(_ pattern: String) { add("i.cmd REGEXP ?", .text(pattern)) }

    /// Matched once per distinct directory (`dirs`), not once per row.
    public mutating func addDirectoryMatches(_ pattern: String) {
        add("i.dir IN (SELECT id FROM dirs WHERE path REGEXP ?)", .text(pattern))
    }

    public mutating func addTag(_ tag: String) { add("i.tag = ?", .text(tag)) }

    /// Ids starting with `prefix`: the store keeps ids as 16 bytes, so every id with this prefix lies
    /// between the prefix padded with 0s and with Fs, a range of the unique index on the id.
    public mutating func addIDPrefix(_ prefix: String) {
        if let range = InvocationID.range(prefix: prefix) {
            add("i.id BETWEEN ? AND ?", .blob(range.low), .blob(range.high))
        } else {
            add("0")
        }
    }

    /// Started at or after `time`.
    public mutating func addStarted(since time: Timestamp) { add("i.started_at >= ?", .int(time.microseconds)) }

    /// Started before `time`.
    public mutating func addStarted(until time: Timestamp) { add("i.started_at < ?", .int(time.microseconds)) }

    /// With at least one stored output stream that holds bytes (`shq grep` reads nothing else).
    public mutating func addHasOutput() {
        add("EXISTS (SELECT 1 FROM outputs o WHERE o.invocation = i.seq AND o.blob IS NOT NULL)")
    }

    /// Running or stopped.
    public mutating func addLive() { add("i.status IN ('running', 'stopped')") }

    /// Orphaned (the wrapper died) with a known command pid.
    public mutating func addOrphanedWithPID() { add("i.status = 'orphaned' AND i.pid IS NOT NULL") }
}

/// `=`, `!=` (also written `<>`), `<`, `>`, `<=`, `>=`.
public enum Comparison: String, Equatable, Sendable, CaseIterable {
    case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
}

/// The columns that hold an interned name.
public enum NameColumn: String, Sendable {
    case session, host, user, shell, tty
}
