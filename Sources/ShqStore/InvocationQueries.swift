import ShqSystem

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

    /// The invocations matching `conditions`, newest first, at most `limit`.
    public func invocations(_ conditions: Conditions = Conditions(), limit: Int? = nil) throws -> [Invocation] {
        var rows: [Invocation] = []
        try forEachInvocation(conditions, limit: limit) { rows.append($0); return true }
        return rows
    }

    /// Whether any invocation matches: a look at the index, without compiling the full read.
    public func hasInvocation(_ conditions: Conditions) throws -> Bool {
        if conditions.usesRegexp { try db.installRegexp() }
        let statement = try db.prepare("SELECT 1 FROM \(Self.invocationsFrom) WHERE \(conditions.sql) LIMIT 1")
        conditions.bind(statement)
        return try statement.step()
    }

    /// The largest row number: it bounds the number of stored commands (deleted rows leave gaps), in one
    /// index step.
    public func newestRowNumber() throws -> Int {
        Int(try db.scalarInt("SELECT max(seq) FROM main.invocation_rows") ?? 0)
    }

    /// The import keys of every stored row, with room for `count` more (a large import dedupes against
    /// them while the unique index on `import_key` is dropped: `ImportStaging.rebuildingIndexes`).
    func storedImportKeys(reserving count: Int) throws -> Set<Int64> {
        let rows = Int(try db.scalarInt("SELECT count(import_key) FROM main.invocation_rows") ?? 0)
        var keys = Set<Int64>(minimumCapacity: rows + count)
        let statement = try db.prepare("SELECT import_key FROM main.invocation_rows WHERE import_key IS NOT NULL")
        while try statement.step() { keys.insert(statement.int(0)) }
        return keys
    }

    /// A bulk import's connection: a 64 MiB page cache (the unique indexes on id and import_key take
    /// random inserts, and past a few hundred thousand rows the default 2 MiB made every batch re-read
    /// them) and temporary tables in memory.
    public func useBulkImportCache() throws {
        try db.execute("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY")
    }
}
