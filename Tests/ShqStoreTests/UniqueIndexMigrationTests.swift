import ShqTestSupport
import Testing

@testable import ShqStore

/// Migration 8: `id` and `import_key` unique through indexes of their own, so a large import can drop
/// and rebuild them; every row, output, event and the trigram index survive the table's rebuild.
@Suite struct UniqueIndexMigrationTests {
    let directory = TemporaryDirectory()

    /// A store as schema 6 left it, with an imported row, a recorded row with output and an event.
    func makeSchema6Store() throws {
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.installMigrationFunctions()
        for migration in Schema.migrations.prefix(6) { try db.execute(migration) }
        try db.execute("PRAGMA user_version = 6")
        try db.execute(StoreFixture.insertInvocationSQL([
            "seq": "5", "id": "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b", "cmd": "'git push origin main'", "cwd": "'/src/app'",
            "host": "'box'", "source": "'import'", "started_at": "1700000000000000", "status": "'completed'",
            "import_key": "123456789",
        ]))
        try db.execute(StoreFixture.insertInvocationSQL([
            "seq": "9", "id": "0190a1b2c3d47e5f8a6b7c8d9e0f1a2c", "cmd": "'make test'", "source": "'run'",
            "started_at": "1700000001000000", "status": "'failed'", "exit_code": "2",
        ]))
        try db.execute("""
            INSERT INTO invocation_events(invocation, at, kind) VALUES (9, 1700000001000000, 'started');
            INSERT INTO blobs(id, hash, size) VALUES (1, 'h', 3);
            INSERT INTO outputs(invocation, stream, blob, bytes) VALUES (9, 'stdout', 1, 3);
            """)
    }

    @Test func aSchema6StoreMigratesToSeparateUniqueIndexes() throws {
        try makeSchema6Store()
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA foreign_keys=ON")
        try Schema.migrate(db)
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        #expect(try store.db.scalarInt("PRAGMA user_version") == Schema.currentVersion)
        #expect(try names(store, "SELECT name FROM sqlite_master WHERE tbl_name = 'invocation_rows' AND type IN ('index', 'trigger') ORDER BY name") == [
            "invocation_rows_id", "invocation_rows_import_key", "invocations_fts_delete", "invocations_fts_insert",
            "invocations_fts_update", "invocations_live", "invocations_started_at",
        ])
        // Every row kept with its seq, so outputs, events and the trigram index still point at it.
        #expect(try names(store, "SELECT seq || ' ' || hex(id) || ' ' || ifnull(import_key, '-') FROM invocation_rows ORDER BY seq") == [
            "5 0190A1B2C3D47E5F8A6B7C8D9E0F1A2B 123456789", "9 0190A1B2C3D47E5F8A6B7C8D9E0F1A2C -",
        ])
        #expect(try names(store, "SELECT cwd || ' ' || host FROM invocations WHERE seq = 5") == ["/src/app box"])
        #expect(try names(store, "SELECT rowid FROM invocations_fts WHERE cmd LIKE '%push orig%'") == ["5"])
        #expect(try store.outputs(for: 9).count == 1)
        #expect(try names(store, "SELECT kind FROM invocation_events WHERE invocation = 9") == ["started"])
        #expect(try names(store, "PRAGMA foreign_key_check").isEmpty)
        try store.db.execute("INSERT INTO invocations_fts(invocations_fts, rank) VALUES ('integrity-check', 1)")
        // Both stay unique; the insert trigger still feeds the trigram index.
        #expect(throws: StoreError.self) {
            try store.db.execute(StoreFixture.insertInvocationSQL([
                "id": "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b", "cmd": "'x'", "source": "'run'", "started_at": "1", "status": "'completed'",
            ]))
        }
        #expect(throws: StoreError.self) {
            try store.db.execute(StoreFixture.insertInvocationSQL([
                "id": "0190a1b2c3d47e5f8a6b7c8d9e0f1a2d", "cmd": "'x'", "source": "'import'", "started_at": "1",
                "status": "'completed'", "import_key": "123456789",
            ]))
        }
        try store.db.execute(StoreFixture.insertInvocationSQL([
            "id": "0190a1b2c3d47e5f8a6b7c8d9e0f1a2e", "cmd": "'cargo build --release'", "source": "'run'", "started_at": "2",
            "status": "'completed'",
        ]))
        #expect(try names(store, "SELECT rowid FROM invocations_fts WHERE cmd LIKE '%build --rel%'") == ["10"])
    }

    private func names(_ store: Store, _ sql: String) throws -> [String] {
        let statement = try store.db.prepare(sql)
        var result: [String] = []
        while try statement.step() { result.append(statement.string(0)) }
        return result
    }
}
