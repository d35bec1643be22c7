/// Imported or pulled rows on their way into `invocation_rows`, a batch at a time, inside the caller's
/// write transaction. Imports insert them directly (`insertImported`); rows pulled by sync are staged in
/// a temporary table in their stored form, then moved with one INSERT … SELECT that skips deleted ids.
///
/// Names, directories and sources are interned as rows are staged, through a cache of the batch's
/// distinct values (a few hundred in a batch of 10 000 zsh-histdb rows). Looked up in SQL instead (two
/// interning passes over the batch, six sub-selects per row), they took ~17 of the ~85 ms of writing a
/// batch. The cache lives for one transaction only: an id looked up under the write lock stays valid
/// until the commit, while between batches `shq forget` may delete a name no row uses.
///
/// The staging table has no index: a command staged twice is dropped by `invocation_rows`' own unique
/// `import_key` as it moves (`ImportBatchesTests` stages such repeats).
///
/// A large import runs in one transaction through `rebuildingIndexes`: the unique indexes on `id` and
/// `import_key` are dropped, rows are appended with no index to probe, keys are deduplicated against a
/// set of those already stored, and both indexes are built again by a sort before the commit. A crash or
/// an error anywhere rolls the whole import back, indexes included: no store is ever left without them.
public final class ImportStaging {
    private let store: Store
    private let db: Database
    private let stage: Statement
    private let insertRow: Statement
    private let internName: Statement
    private let nameID: Statement
    private let internDirectory: Statement
    private let directoryID: Statement
    private let sourceCode: Statement
    private var names: [String: Int64] = [:]
    private var directories: [[UInt8]: Int64] = [:]
    private var sources: [String: Int64] = [:]
    /// While `rebuildingIndexes` runs: the import keys stored, and those added since.
    private var storedKeys: Set<Int64>?
    /// While `rebuildingIndexes` runs: the insert without a conflict clause (there is no index to name).
    private var appendRow: Statement?

    public init(_ store: Store) throws {
        self.store = store
        db = store.db
        try db.execute("""
            CREATE TEMP TABLE IF NOT EXISTS import_staging AS SELECT \(Schema.storedColumnNames) FROM invocation_rows WHERE 0;
            DELETE FROM temp.import_staging;
            """)
        stage = try db.prepare("""
            INSERT INTO temp.import_staging(\(Schema.storedColumnNames))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
            """)
        insertRow = try db.prepare("""
            INSERT INTO main.invocation_rows(\(Schema.storedColumnNames))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
            ON CONFLICT(import_key) DO NOTHING
            """)
        internName = try db.prepare(Schema.internNameSQL)
        nameID = try db.prepare(Schema.nameIDSQL("?1"))
        internDirectory = try db.prepare(Schema.internDirectorySQL)
        directoryID = try db.prepare(Schema.directoryIDSQL("?1"))
        sourceCode = try db.prepare(Schema.sourceCodeSQL("?1"))
    }

    /// Stages one row, its names and directory interned (columns in `Store.insertedColumnList` order).
    public func add(_ row: StorableInvocation) throws {
        try bindInterned(row, to: stage)
        try stage.run()
    }

    /// Binds a row's stored values, its names and directory as their interned ids.
    /// Borrowed, not copied: a copy of the record retained each of its dozen strings and arrays, and
    /// reference counting was 5% of a 1M-command import's samples on the writing thread.
    private func bindInterned(_ row: borrowing StorableInvocation, to statement: Statement) throws {
        statement.reset()
        try store.bindStoredValues(row, to: statement)
        statement.bind(2, try row.invocation.session.map(name))
        statement.bind(4, try row.invocation.cwd.map(directory))
        statement.bind(5, try row.invocation.host.map(name))
        statement.bind(6, try row.invocation.user.map(name))
        statement.bind(7, try row.invocation.shell.map(name))
        statement.bind(8, try row.invocation.tty.map(name))
        statement.bind(9, try source(row.invocation.source.rawValue))
    }

    /// Writes a batch of imported rows straight into `invocation_rows`, oldest first, skipping import
    /// keys already present (a repeat within the batch too); returns how many were added. Call inside
    /// the caller's write transaction.
    ///
    /// Row by row through one prepared statement, with triggers off on this connection (other
    /// connections keep theirs), then the trigram index fed by one statement with the rows added: FTS5
    /// flushes its pending terms at the end of every statement that writes it, so through the trigger row
    /// by row made imports 3× slower, while with the trigger off a row costs no more than when it was
    /// moved from a staging table — which no longer has to be written and read (1M zsh-histdb commands:
    /// Docs/queries.md). The rows are new, so the index misses nothing: `ImportIndexTests` runs FTS5's
    /// integrity check.
    public func insertImported(_ rows: [StorableInvocation]) throws -> Int {
        if let appendRow { return try append(rows, through: appendRow) }
        return try indexingAfterwards {
            var added = 0
            for row in rows {
                try bindInterned(row, to: insertRow)
                try insertRow.run()
                added += db.changes
            }
            return added
        }
    }

    /// Runs `body`, which calls `insertImported` for every batch of a large import of about `count`
    /// commands, inside the caller's write transaction, with the unique indexes on `id` and `import_key`
    /// dropped and triggers off; each batch feeds the trigram index its own rows (`append`); then the two
    /// indexes are built again. If `body` or the rebuild throws, the caller's rollback restores the
    /// indexes with everything else, and takes back every batch's trigram rows with its table rows.
    ///
    /// A row then costs an append to the table and to `invocations_started_at` instead of two probes and
    /// two inserts at random places in the unique indexes, and no commit rewrites their pages: 1M
    /// zsh-histdb commands, the writing thread 11.8 → 7.9 s of CPU (Docs/queries.md, Import).
    public func rebuildingIndexes(adding count: Int, _ body: () throws -> Void) throws {
        storedKeys = try store.storedImportKeys(reserving: count)
        try db.execute(Schema.dropUniqueIndexesSQL)
        appendRow = try db.prepare("""
            INSERT INTO main.invocation_rows(\(Schema.storedColumnNames))
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
            """)
        defer {
            appendRow = nil
            storedKeys = nil
            // Interned ids of a failed import are rolled back with it.
            names.removeAll(keepingCapacity: true)
            directories.removeAll(keepingCapacity: true)
            sources.removeAll(keepingCapacity: true)
        }
        try withTriggersOff(body)
        try db.execute(Schema.uniqueIndexesSQL)
    }

    /// `insertImported` while `rebuildingIndexes` runs: a row whose key is stored (or came earlier in this
    /// import) is skipped, as `ON CONFLICT(import_key) DO NOTHING` skips it when the index is there. The
    /// batch's rows then go into the trigram index at once, not after the last batch: the writing thread
    /// does it while the next batch is prepared, where it used to wait for that batch. Fed after the
    /// last batch, the index was ~2.5 s of the 1M-command import's tail with nothing beside it
    /// (Docs/queries.md, Import); batch by batch it builds the same segments (FTS5 flushes its pending
    /// terms every megabyte of them either way) and answers searches as fast.
    private func append(_ rows: [StorableInvocation], through statement: Statement) throws -> Int {
        let newestBefore = try store.newestRowNumber()
        var added = 0
        for index in rows.indices {
            if let key = rows[index].importKey, storedKeys?.insert(key).inserted == false { continue }
            try bindInterned(rows[index], to: statement)
            try statement.run()
            added += 1
        }
        try feedTrigramIndex(after: newestBefore)
        return added
    }

    /// Moves the staged rows of records pulled from a sync server: skips ids the store already holds and
    /// ids it deleted (`sync_tombstones`). Returns how many were added. The trigram index is fed as for
    /// imports: through the trigger, a first pull of 100k spent a tenth of its CPU more (Docs/design/sync.md).
    public func moveSkippingKnownAndDeleted() throws -> Int {
        let added = try indexingAfterwards {
            try db.execute("""
                INSERT INTO main.invocation_rows(\(Schema.storedColumnNames))
                SELECT \(Schema.storedColumnNames) FROM temp.import_staging s
                WHERE NOT EXISTS (SELECT 1 FROM main.sync_tombstones t WHERE t.id = s.id) ORDER BY rowid
                ON CONFLICT DO NOTHING
                """)
            return db.changes
        }
        try db.execute("DELETE FROM temp.import_staging")
        return added
    }

    /// Runs `insert` (which adds rows to `invocation_rows` and returns how many) with triggers off on
    /// this connection, then feeds the trigram index the added rows in one statement; the next batch
    /// interns afresh.
    private func indexingAfterwards(_ insert: () throws -> Int) throws -> Int {
        let newestBefore = try store.newestRowNumber()
        let added = try withTriggersOff(insert)
        try feedTrigramIndex(after: newestBefore)
        names.removeAll(keepingCapacity: true)
        directories.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
        return added
    }

    /// Runs `body` with triggers off on this connection (other connections keep theirs).
    private func withTriggersOff<T>(_ body: () throws -> T) throws -> T {
        try db.setTriggers(enabled: false)
        let result: T
        do {
            result = try body()
        } catch {
            try? db.setTriggers(enabled: true)
            throw error
        }
        try db.setTriggers(enabled: true)
        return result
    }

    /// Adds the rows numbered after `newestBefore` to the trigram index, in one statement.
    private func feedTrigramIndex(after newestBefore: Int) throws {
        try db.execute("""
            INSERT INTO main.invocations_fts(rowid, cmd)
            SELECT seq, cmd FROM main.invocation_rows WHERE seq > \(newestBefore)
            """)
    }

    private func name(_ value: String) throws -> Int64 {
        if let id = names[value] { return id }
        let id = try intern(internName, nameID) { $0.bind(1, value) }
        names[value] = id
        return id
    }

    private func directory(_ path: [UInt8]) throws -> Int64 {
        if let id = directories[path] { return id }
        let id = try intern(internDirectory, directoryID) { $0.bindText(1, path) }
        directories[path] = id
        return id
    }

    private func source(_ name: String) throws -> Int64 {
        if let code = sources[name] { return code }
        sourceCode.reset()
        sourceCode.bind(1, name)
        guard try sourceCode.step() else { throw StoreError(db.path, "no source named \(name)") }
        let code = sourceCode.int(0)
        sources[name] = code
        return code
    }

    /// Inserts the value unless present (`insert`), then reads its id (`lookup`); `bind` binds it to both.
    private func intern(_ insert: Statement, _ lookup: Statement, bind: (Statement) -> Void) throws -> Int64 {
        insert.reset()
        bind(insert)
        try insert.run()
        if db.changes == 1 { return db.lastInsertRowID }
        lookup.reset()
        bind(lookup)
        guard try lookup.step() else { throw StoreError(db.path, "an interned value vanished") }
        return lookup.int(0)
    }
}
