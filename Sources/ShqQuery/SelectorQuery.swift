import ShqStore

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

/// SQL conditions over the stored rows as `i` (`Store.invocationsFrom`), with their bound values. The one place that turns selectors
/// (and `shq search` options) into SQL.
public struct Conditions: Sendable {
    public private(set) var clauses: [String] = []
    public private(set) var values: [SQLValue] = []
    /// Set when a condition needs the REGEXP function on the connection.
    public private(set) var usesRegexp = false

    public init() {}

    /// Adds `clause`, whose `?` placeholders take `values` in order.
    public mutating func add(_ clause: String, _ values: SQLValue...) {
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

    /// The conditions a selector's filters impose; directories resolve against `currentDirectory`/`home`.
    public init(_ selector: Selector, currentDirectory: [UInt8], home: String) {
        for filter in selector.filters {
            switch filter {
            case .failed: add(Invocation.failureSQL)
            case .ok: add("i.exit_code = 0 AND i.signal IS NULL")
            case .exit(let op, let value): add("i.exit_code \(op.rawValue) ?", .int(value))
            case .duration(let op, let value): add("i.duration_us \(op.rawValue) ?", .int(value))
            case .commandMatches(let pattern): add("i.cmd REGEXP ?", .text(pattern))
            case .directoryMatches(let pattern):
                // Matched once per distinct directory (`dirs`), not once per row.
                add("i.dir IN (SELECT id FROM dirs WHERE path REGEXP ?)", .text(pattern))
            case .tag(let tag): add("i.tag = ?", .text(tag))
            case .directory(let directory):
                addDirectory(Self.resolve(directory, currentDirectory: currentDirectory, home: home))
            }
        }
        if case .id(let prefix) = selector.range {
            // The store keeps ids as 16 bytes: every id with this prefix lies between the prefix padded
            // with 0s and with Fs, a range of the unique index on `invocation_rows.id`.
            if let range = InvocationID.range(prefix: prefix) {
                add("i.id BETWEEN ? AND ?", .blob(range.low), .blob(range.high))
            } else {
                add("0")
            }
        }
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

    /// Rows whose `column` (session, host, user, shell or tty) is `name`, compared as the number rows store.
    public mutating func addName(_ column: String, _ name: String) {
        add("i.\(column) = (SELECT id FROM names WHERE name = ?)", .text(name))
    }

    /// An absolute, lexically normalised path (`.`/`..` folded, no trailing slash).
    static func resolve(_ directory: Selector.Directory, currentDirectory: [UInt8], home: String) -> [UInt8] {
        let joined: [UInt8]
        switch directory {
        case .relative(let path): joined = currentDirectory + [UInt8(ascii: "/")] + Array(path.utf8)
        case .home(let path): joined = Array(home.utf8) + Array(path.utf8)
        case .absolute(let path): joined = Array(path.utf8)
        }
        var parts: [ArraySlice<UInt8>] = []
        for part in joined.split(separator: UInt8(ascii: "/")) {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) { _ = parts.popLast(); continue }
            parts.append(part)
        }
        if parts.isEmpty { return [UInt8(ascii: "/")] }
        return parts.flatMap { [UInt8(ascii: "/")] + $0 }
    }
}

/// A selector ready to run: conditions plus the window (offset, count) the range picks from the newest
/// match backwards.
public struct SelectorQuery: Sendable {
    public var conditions: Conditions
    public var range: Selector.Range?

    public init(_ selector: Selector, currentDirectory: [UInt8] = ProcessEnvironment.currentDirectory,
                home: String = ProcessEnvironment.home) {
        self.conditions = Conditions(selector, currentDirectory: currentDirectory, home: home)
        self.range = selector.range
    }

    /// How many of the newest matches to skip, and how many to take at most (nil: no limit).
    public var window: (offset: Int, count: Int?) {
        switch range {
        case .nth(let n): return (n - 1, 1)
        case .last(let n): return (0, n)
        case .span(let from, let to): return (to - 1, from - to + 1)
        case .id: return (0, 2)  // two, to notice an ambiguous prefix
        case nil: return (0, nil)
        }
    }
}
