import Foundation
import ShqTestSupport
import Testing

@testable import ShqStore

/// Migration 3: rows stored compactly in `invocation_rows` behind the `invocations` view.
@Suite struct CompactRowsTests {
    let directory = TemporaryDirectory()

    func openStore() throws -> Store { try Store(location: StoreLocation(databasePath: directory.databasePath)) }

    /// A store as schema 2 left it (migrations 1–2 only), with rows written the way shq 2 wrote them.
    func makeSchema2Store() throws {
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA journal_mode=WAL")
        for migration in Schema.migrations.prefix(2) { try db.execute(migration) }
        try db.execute("""
            PRAGMA user_version = 2;
            INSERT INTO invocations(seq, id, session, cmd, cwd, host, user, shell, tty, source, started_at, ended_at,
                duration_us, exit_code, status, pid, tag, import_key)
            VALUES
                (1, '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', 'sess-1', 'make test', '/src/app', 'box', 'dev', 'zsh',
                 '/dev/pts/3', 'hook', 1700000000000000, 1700000001000000, 1000000, 2, 'failed', 10, 'ci', NULL),
                (2, '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c', 'sess-1', 'git status', X'2F7372632FFF', 'box', NULL, NULL,
                 NULL, 'import', 1700000002000000, NULL, NULL, 0, 'completed', NULL, NULL, 'zKEY00000001'),
                (3, '0190a1b3-0000-7000-8000-000000000000', NULL, 'sleep 100', NULL, NULL, NULL, NULL, NULL, 'run',
                 1700000003000000, NULL, NULL, NULL, 'running', 42, NULL, NULL);
            INSERT INTO invocation_events(invocation, at, kind) VALUES (3, 1700000003000000, 'started');
            INSERT INTO blobs(id, hash, size) VALUES (1, 'h', 3);
            INSERT INTO outputs(invocation, stream, blob, bytes) VALUES (1, 'stdout', 1, 3);
            """)
    }

    @Test func aSchema2StoreMigratesWithEveryValueAndIdKept() throws {
        try makeSchema2Store()
        // Migrated as `Store` does (foreign keys on), but outside `Store.init`, whose umask 077 for the
        // whole open would otherwise race `storeIsOwnerOnlyWhateverTheUmask` for longer than usual.
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA foreign_keys=ON")
        try Schema.migrate(db)
        let store = try openStore()
        #expect(try store.db.scalarInt("PRAGMA user_version") == Schema.currentVersion)
        #expect(try store.db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try store.db.scalarInt("PRAGMA freelist_count") == 0)  // rewritten after the copy
        let rows = try store.invocations()
        #expect(rows.map(\.id) == ["0190a1b3-0000-7000-8000-000000000000", "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c",
                                   "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"])
        let first = try #require(rows.last)
        #expect(first.session == "sess-1" && first.cwdText == "/src/app" && first.host == "box" && first.user == "dev")
        #expect(first.shell == "zsh" && first.tty == "/dev/pts/3" && first.source == .hook && first.status == .failed)
        #expect(first.exitCode == 2 && first.durationMicros == 1_000_000 && first.pid == 10 && first.tag == "ci")
        #expect(first.stdoutBytes == 3)
        #expect(rows[1].cwd == [0x2F, 0x73, 0x72, 0x63, 0x2F, 0xFF])  // invalid UTF-8 kept byte-exact
        #expect(rows[1].source == .import && rows[1].user == nil)
        // The import key became its hash, the one new imports store: importing it again adds nothing.
        #expect(try store.db.scalarInt("SELECT import_key FROM invocation_rows WHERE seq = 2") == FNV1a.storedKey("zKEY00000001"))
        #expect(try store.insert(Invocation(cmd: Array("git status".utf8), source: .import, startedAt: Timestamp(microseconds: 1),
                                            status: .completed, importKey: "zKEY00000001")) == nil)
        #expect(rows[0].source == .run && rows[0].cwd == nil && rows[0].session == nil)
        // Stored compactly: 16-byte ids, numbers for directory, names and source.
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocation_rows WHERE typeof(id) = 'blob' AND length(id) = 16") == 3)
        #expect(try store.db.scalarInt("SELECT count(*) FROM dirs") == 2)
        #expect(try store.db.scalarInt("SELECT count(*) FROM names") == 5)  // sess-1, box, dev, zsh, /dev/pts/3
        #expect(try store.db.scalarInt("SELECT typeof(source) = 'integer' FROM invocation_rows WHERE seq = 1") == 1)
        // Events and outputs still hang off their rows, and deleting a row still cascades.
        #expect(try store.db.scalarInt("SELECT invocation FROM invocation_events") == 3)
        #expect(try store.db.scalarInt("SELECT invocation FROM outputs") == 1)
        try store.db.execute("DELETE FROM invocation_rows WHERE seq = 1")
        #expect(try store.db.scalarInt("SELECT count(*) FROM outputs") == 0)
        // The search index was rebuilt over the moved rows, and follows new ones.
        let matches = "SELECT group_concat(rowid) FROM invocations_fts WHERE invocations_fts MATCH '\"sta\" AND \"tus\"'"
        #expect(try store.db.scalarInt(matches) == 2)
        let added = try #require(try store.insert(Invocation(
            cmd: Array("git status --short".utf8), source: .save, startedAt: Timestamp(microseconds: 1_700_000_004_000_000),
            status: .completed)))
        let both = try store.db.prepare(matches)
        #expect(try both.step() && both.string(0) == "2,\(added)")
        // The views users query still work.
        #expect(try store.db.scalarInt("SELECT count(*) FROM running_invocations") == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM failed_invocations") == 0)
    }

    @Test func namesAndDirectoriesAreStoredOnce() throws {
        let store = try openStore()
        for index in 0..<3 {
            try store.insert(Invocation(session: "s", cmd: Array("ls \(index)".utf8), cwd: Array("/tmp".utf8), host: "h",
                                        source: .save, startedAt: Timestamp(microseconds: Int64(index)), status: .completed))
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM dirs") == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM names") == 2)
        #expect(try store.invocations().allSatisfy { $0.session == "s" && $0.host == "h" && $0.cwdText == "/tmp" })
    }

    @Test func forgettingDropsDirectoriesAndNamesNoRowUses() throws {
        let store = try openStore()
        let kept = try #require(try store.insert(Invocation(
            session: "s", cmd: Array("ls".utf8), cwd: Array("/kept".utf8), source: .save,
            startedAt: Timestamp(microseconds: 1), status: .completed)))
        let secret = try #require(try store.insert(Invocation(
            session: "s", cmd: Array("ls".utf8), cwd: Array("/secret-project".utf8), host: "secret-host", source: .save,
            startedAt: Timestamp(microseconds: 2), status: .completed)))
        try store.forget([secret])
        #expect(try store.db.scalarInt("SELECT count(*) FROM dirs WHERE path = '/secret-project'") == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM names WHERE name = 'secret-host'") == 0)
        #expect(try store.invocation(seq: kept)?.cwdText == "/kept")
        #expect(try store.invocation(seq: kept)?.session == "s")
    }

    @Test func anIdThatIsNotAUUIDIsRefused() throws {
        let store = try openStore()
        #expect(throws: StoreError.self) {
            try store.insert(Invocation(id: "job", cmd: [0x6C], source: .save, startedAt: Timestamp(microseconds: 1), status: .completed))
        }
    }
}
