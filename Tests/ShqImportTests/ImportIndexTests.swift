import ShqImport
import ShqStore
import ShqTestSupport
import Testing

/// An import feeds the trigram index itself, with triggers off on its connection (`ImportStaging.move`):
/// the index must still hold exactly the stored commands, and no other trigger may exist that the import
/// would skip. Both write paths: batches into the indexes, and one transaction rebuilding them.
@Suite struct ImportIndexTests {
    let directory = TemporaryDirectory()

    @Test(arguments: [false, true]) func importedCommandsAreIndexedExactly(rebuildingIndexes: Bool) throws {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        // A command recorded before, one imported twice (the repeat adds nothing), across several batches.
        try record(store, "kubectl get pods", at: 5)
        var commands: [ImportedCommand] = []
        for index in 0..<40 {
            let text = index % 4 == 0 ? "kubectl logs web-\(index)" : "git push origin \(index)"
            commands.append(ImportedCommand(cmd: Array(text.utf8), startedAt: Timestamp(microseconds: Int64(index) * 1_000_000),
                                            exitCode: 0, identity: ImportKey.hash(Array(text.utf8))))
        }
        commands.append(commands[3])
        let summary = try store.importHistory(commands, format: .bash, batchSize: 6, rebuildingIndexes: rebuildingIndexes)
        #expect(summary.added == 40 && summary.alreadyPresent == 1)
        try record(store, "kubectl describe pod x", at: 99)
        // FTS5 compares an external-content index with its table, row by row.
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        #expect(try store.search("kubectl", limit: 100).count == 12)
        let pushes = commands.dropLast().map { String(decoding: $0.cmd, as: UTF8.self) }.filter { $0.contains("git push origin 3") }
        #expect(try store.search("git push origin 3", limit: 100).map(\.cmdText).sorted() == pushes.sorted())
        let triggers = try store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'invocation_rows' ORDER BY name")
        var names: [String] = []
        while try triggers.step() { names.append(triggers.string(0)) }
        #expect(names == ["invocations_fts_delete", "invocations_fts_insert", "invocations_fts_update"])
        // Triggers are on again for this connection: a delete still leaves the index exact.
        try store.db.execute("DELETE FROM invocation_rows WHERE cmd LIKE 'git push origin 1%'")
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        #expect(try store.search("git push origin 1", limit: 100).isEmpty)
    }

    private func record(_ store: Store, _ cmd: String, at seconds: Int64) throws {
        _ = try store.db.writeTransaction { () throws in
            try store.insert(Invocation(cmd: Array(cmd.utf8), source: .save, startedAt: Timestamp(microseconds: seconds * 1_000_000), status: .completed))
        }
    }

    /// Batches grow with the store: 10 000 rows, a tenth of the store past 100 000, at most 100 000.
    @Test func batchesGrowWithTheStore() {
        #expect(Store.importBatchSize(storedRows: 0) == 10_000)
        #expect(Store.importBatchSize(storedRows: 100_000) == 10_000)
        #expect(Store.importBatchSize(storedRows: 450_000) == 45_000)
        #expect(Store.importBatchSize(storedRows: 5_000_000) == 100_000)
    }
}
