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
        // Triggers are on again: a recorded command reaches the trigram index.
        _ = try store.insert(Invocation(cmd: Array("make install".utf8), source: .save, startedAt: Timestamp(microseconds: 5), status: .completed))
        #expect(try store.search("make", limit: 10).map(\.cmdText) == ["make install"])
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        // The whole import again succeeds.
        let retried = try store.importHistory(all, format: .bash, rebuildingIndexes: true)
        #expect(retried.added == 190)
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
