import ShqImport
import ShqStore
import ShqTestSupport
import Testing

/// A large import drops the unique indexes on `id` and `import_key` and builds them again in the same
/// transaction (`ImportStaging.rebuildingIndexes`): it must refuse exactly what the indexes refuse, and
/// a failure at any point must leave the store as it was, indexes and triggers included.
@Suite struct ImportIndexRebuildTests {
    let directory = TemporaryDirectory()

    func commands(_ range: Range<Int>, prefix: String = "echo") -> [ImportedCommand] {
        range.map { index in
            let text = "\(prefix) \(index)"
            return ImportedCommand(cmd: Array(text.utf8), startedAt: Timestamp(microseconds: 1_700_000_000_000_000 + Int64(index) * 1_000_000),
                                   exitCode: 0, cwd: Array("/src/p\(index % 3)".utf8), host: "box",
                                   identity: ImportKey.hash(Array("line \(index)".utf8)))
        }
    }

    func indexNames(_ store: Store) throws -> [String] {
        let statement = try store.db.prepare("""
            SELECT name FROM pragma_index_list('invocation_rows') WHERE "unique" = 1 ORDER BY name
            """)
        var names: [String] = []
        while try statement.step() { names.append(statement.string(0)) }
        return names
    }

    /// Keys imported before (by the batched path, from another file) are skipped, repeats within the
    /// import too, and afterwards both indexes are back and refuse a repeat.
    @Test func keysAlreadyStoredAreSkippedAndTheIndexesComeBack() throws {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        let first = try store.importHistory(commands(0..<40), format: .zshHistdb, batchSize: 8, rebuildingIndexes: false)
        #expect(first.added == 40)
        // 20 already stored, 60 new, the last new one twice.
        var second = commands(20..<100)
        second.append(second[second.count - 1])
        let summary = try store.importHistory(second, format: .zshHistdb, batchSize: 16, rebuildingIndexes: true)
        #expect(summary.read == 81 && summary.added == 60 && summary.alreadyPresent == 21)
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocation_rows") == 100)
        #expect(try store.db.scalarInt("SELECT count(DISTINCT import_key) FROM invocation_rows") == 100)
        #expect(try indexNames(store) == ["invocation_rows_id", "invocation_rows_import_key"])
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        #expect(try store.search("echo 99", limit: 10).map(\.cmdText) == ["echo 99"])
        // The same file again, by either path, adds nothing.
        let again = try store.importHistory(second, format: .zshHistdb, rebuildingIndexes: true)
        #expect(again.added == 0 && again.alreadyPresent == 81)
        let batched = try store.importHistory(second, format: .zshHistdb, rebuildingIndexes: false)
        #expect(batched.added == 0 && batched.alreadyPresent == 81)
        #expect(throws: StoreError.self) {
            try store.db.execute("INSERT INTO invocation_rows(id, cmd, source, started_at, status, import_key) SELECT randomblob(16), 'x', 3, 1, 'completed', import_key FROM invocation_rows LIMIT 1")
        }
        #expect(throws: StoreError.self) {
            try store.db.execute("INSERT INTO invocation_rows(id, cmd, source, started_at, status) SELECT id, 'x', 3, 1, 'completed' FROM invocation_rows LIMIT 1")
        }
    }

    /// A source failing after some batches were written: nothing of the import stays, the indexes and
    /// the triggers are as before, and the store takes new records as usual.
    @Test func aFailureMidImportLeavesTheStoreAsItWas() throws {
        struct ReadFailed: Error {}
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        _ = try store.importHistory(commands(0..<10), format: .bash, rebuildingIndexes: false)
        let all = commands(10..<200, prefix: "make")
        var offset = 0
        let source = ImportSource(count: all.count) { limit in
            guard offset < 120 else { throw ReadFailed() }
            defer { offset += min(limit, all.count - offset) }
            return Array(all[offset..<min(offset + limit, all.count)])
        }
        #expect(throws: ReadFailed.self) {
            try store.importHistory(source, format: .bash, batchSize: 30, rebuildingIndexes: true)
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocation_rows") == 10)
        #expect(try indexNames(store) == ["invocation_rows_id", "invocation_rows_import_key"])
        #expect(try store.search("make", limit: 10).isEmpty)
        // The batches written before the failure fed the trigram index: those entries went with the
        // rollback too (asked of the index itself: `search` re-checks each candidate against its row).
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocations_fts WHERE invocations_fts MATCH 'mak'") == 0)
        // Triggers are on again: a recorded command reaches the trigram index.
        _ = try store.insert(Invocation(cmd: Array("make install".utf8), source: .save, startedAt: Timestamp(microseconds: 5), status: .completed))
        #expect(try store.search("make", limit: 10).map(\.cmdText) == ["make install"])
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        // The whole import again succeeds.
        let retried = try store.importHistory(all, format: .bash, rebuildingIndexes: true)
        #expect(retried.added == 190)
    }

    /// Each batch feeds the trigram index its own rows while the next is prepared: after an import of
    /// many batches (the first a tenth of the others, repeats skipped), the index holds every added row
    /// exactly once — no batch missed, none fed twice, nothing skipped fed — and search finds a command
    /// of every batch.
    @Test func everyBatchReachesTheTrigramIndex() throws {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        _ = try store.importHistory(commands(0..<5, prefix: "ls"), format: .zsh, rebuildingIndexes: false)
        // Batches of 3, then 30: 190 commands, the first 13 repeated at the end (skipped as stored).
        var all = commands(10..<200, prefix: "make")
        all += all.prefix(13)
        let summary = try store.importHistory(all, format: .zsh, batchSize: 30, rebuildingIndexes: true)
        #expect(summary.added == 190 && summary.alreadyPresent == 13)
        let indexed = try store.db.prepare("SELECT rowid FROM invocations_fts WHERE invocations_fts MATCH 'mak' ORDER BY rowid")
        var rowids: [Int64] = []
        while try indexed.step() { rowids.append(indexed.int(0)) }
        let stored = try store.db.prepare("SELECT seq FROM invocation_rows WHERE cmd LIKE 'make %' ORDER BY seq")
        var seqs: [Int64] = []
        while try stored.step() { seqs.append(stored.int(0)) }
        #expect(seqs.count == 190)
        #expect(rowids == seqs)
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocations_fts WHERE invocations_fts MATCH '\"ls \"'") == 5)
        for index in [10, 12, 13, 42, 99, 150, 199] {
            #expect(try store.search("make \(index)", limit: 200).map(\.cmdText).contains("make \(index)"), "make \(index)")
        }
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
    }

    /// Large imports into a store of their size or smaller rebuild; small ones, or a small share of a
    /// large store, go through the indexes.
    @Test func onlyLargeImportsRebuild() {
        #expect(Store.rebuildsIndexes(importing: 1_000_000, storedRows: 0))
        #expect(Store.rebuildsIndexes(importing: 50_000, storedRows: 200_000))
        #expect(!Store.rebuildsIndexes(importing: 49_999, storedRows: 0))
        #expect(!Store.rebuildsIndexes(importing: 100_000, storedRows: 1_000_000))
    }
}
