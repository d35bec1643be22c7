import ShqStore

/// Why a selector matched nothing usable.
public struct ResolutionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Which end of the history to stream from.
public enum HistoryOrder: Sendable {
    case newestFirst, oldestFirst
}

extension Store {
    /// Streams the invocations matching `conditions`, skipping the `offset` newest and taking at most
    /// `limit`, in `order`. `body` returns false to stop early. Rows are decoded one at a time.
    public func forEachInvocation(
        _ conditions: Conditions, offset: Int = 0, limit: Int? = nil, order: HistoryOrder = .newestFirst,
        _ body: (Invocation) throws -> Bool
    ) throws {
        if conditions.usesRegexp { try db.installRegexp() }
        let newest = "ORDER BY i.started_at DESC, i.seq DESC"
        let window = limit.map { " LIMIT \($0) OFFSET \(offset)" } ?? (offset > 0 ? " LIMIT -1 OFFSET \(offset)" : "")
        let sql: String
        switch order {
        case .newestFirst:
            sql = "SELECT \(Self.invocationColumns) FROM \(Self.invocationsFrom) WHERE \(conditions.sql) \(newest)\(window)"
        case .oldestFirst where window.isEmpty:
            sql = "SELECT \(Self.invocationColumns) FROM \(Self.invocationsFrom) WHERE \(conditions.sql) ORDER BY i.started_at, i.seq"
        case .oldestFirst:
            // The window counts from the newest; read it, then turn it around.
            sql = """
                SELECT \(Self.invocationColumns) FROM \(Self.invocationsFrom) WHERE i.seq IN (
                    SELECT i.seq FROM \(Self.invocationsFrom) WHERE \(conditions.sql) \(newest)\(window))
                ORDER BY i.started_at, i.seq
                """
        }
        let statement = try db.prepare(sql)
        conditions.bind(statement)
        while try statement.step() {
            if try !body(Self.decodeInvocation(statement)) { break }
        }
    }

    /// The invocations a selector names, newest first; `limit` caps how many (after the range).
    public func resolve(_ query: SelectorQuery, limit: Int? = nil) throws -> [Invocation] {
        let window = query.window
        let count = [window.count, limit].compactMap { $0 }.min()
        var rows: [Invocation] = []
        try forEachInvocation(query.conditions, offset: window.offset, limit: count) { rows.append($0); return true }
        if case .id(let prefix) = query.range, rows.count > 1 {
            throw ResolutionError("id prefix '\(prefix)' is ambiguous; give more characters")
        }
        return rows
    }

    public func resolve(_ selector: Selector) throws -> [Invocation] {
        try resolve(SelectorQuery(selector))
    }

    /// Exactly one invocation, or a clear error. Without a range, the newest match.
    public func resolveOne(_ selector: Selector, text: String) throws -> Invocation {
        var selector = selector
        if selector.range == nil { selector.range = .nth(1) }
        if case .last = selector.range { throw ResolutionError("'\(text)' names several commands; this needs one") }
        if case .span = selector.range { throw ResolutionError("'\(text)' names several commands; this needs one") }
        guard let first = try resolve(selector).first else {
            throw ResolutionError(text.isEmpty ? "no command recorded yet" : "'\(text)': no matching command")
        }
        return first
    }

    /// One job, for `kill` and `wait`: an id prefix names a live job (running or stopped) first, so a
    /// prefix it shares with ended commands still reaches it; anything else resolves as `resolveOne`.
    public func resolveJob(_ selector: Selector, text: String) throws -> Invocation {
        if case .id = selector.range {
            var query = SelectorQuery(selector)
            let live = InvocationStatus.allCases.filter(\.isLive).map { "'\($0.rawValue)'" }
            query.conditions.add("i.status IN (\(live.joined(separator: ", ")))")
            if let job = try resolve(query).first { return job }
        }
        return try resolveOne(selector, text: text)
    }
}
