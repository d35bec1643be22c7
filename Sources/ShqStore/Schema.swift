import Glibc

/// The one place that knows the schema. Migrations are ordered, run once, and tracked in
/// `PRAGMA user_version`; opening an up-to-date store costs one pragma read.
///
/// Times are microseconds since the Unix epoch (UTC). `started_at` is when the command started, not when
/// the row was written.
enum Schema {
    static let migrations: [String] = [
        // 1: the base store.
        """
        CREATE TABLE sessions(
            id TEXT PRIMARY KEY,
            shell TEXT, tty TEXT, host TEXT, user TEXT, pid INTEGER,
            started_at INTEGER NOT NULL
        );
        CREATE TABLE invocations(
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            session TEXT,
            cmd TEXT NOT NULL,
            cwd TEXT,
            host TEXT, user TEXT, shell TEXT, tty TEXT,
            source TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            duration_us INTEGER,
            exit_code INTEGER,
            signal INTEGER,
            status TEXT NOT NULL,
            pid INTEGER,
            pid_start INTEGER,
            wrapper_pid INTEGER,
            wrapper_start INTEGER,
            tag TEXT,
            pipestatus TEXT,
            import_key TEXT UNIQUE
        );
        CREATE INDEX invocations_started_at ON invocations(started_at);
        CREATE INDEX invocations_live ON invocations(status) WHERE status IN ('running', 'stopped');
        CREATE TABLE invocation_events(
            invocation INTEGER NOT NULL REFERENCES invocations(seq) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            signal INTEGER,
            exit_code INTEGER
        );
        CREATE INDEX invocation_events_invocation ON invocation_events(invocation);
        -- Content-addressed output. A blob is filled chunk by chunk while a command runs (hash NULL);
        -- when the stream ends it gets its content hash (ContentHash.swift; blobs stored before 2026-12 keep
        -- their SHA-256), or is dropped in favour of an identical blob.
        CREATE TABLE blobs(
            id INTEGER PRIMARY KEY,
            hash TEXT UNIQUE,
            size INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE blob_chunks(
            blob INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            raw_size INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY(blob, seq)
        ) WITHOUT ROWID;
        CREATE TABLE outputs(
            invocation INTEGER NOT NULL REFERENCES invocations(seq) ON DELETE CASCADE,
            stream TEXT NOT NULL,
            blob INTEGER REFERENCES blobs(id),
            bytes INTEGER NOT NULL DEFAULT 0,
            truncated INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(invocation, stream)
        ) WITHOUT ROWID;
        CREATE INDEX outputs_blob ON outputs(blob);
        CREATE VIEW failed_invocations AS
            SELECT * FROM invocations WHERE status = 'failed' OR exit_code <> 0 OR signal IS NOT NULL;
        CREATE VIEW invocations_today AS
            SELECT * FROM invocations
            WHERE started_at >= CAST(strftime('%s', 'now', 'localtime', 'start of day', 'utc') AS INTEGER) * 1000000;
        CREATE VIEW running_invocations AS
            SELECT * FROM invocations WHERE status IN ('running', 'stopped');
        """,
        // 2: substring search on command lines (`shq search`). A trigram index over the invocations table
        // itself (external content: the text is not stored twice) with detail=none (no positions: LIKE
        // still uses the index; candidates are re-checked against the text), no per-row sizes (columnsize=0:
        // no ranking). 100k commands: +2.5 MB,
        // against +7 MB with detail=full.
        """
        CREATE VIRTUAL TABLE invocations_fts USING fts5(
            cmd, content='invocations', content_rowid='seq', tokenize='trigram', detail='none', columnsize=0
        );
        CREATE TRIGGER invocations_fts_insert AFTER INSERT ON invocations BEGIN
            INSERT INTO invocations_fts(rowid, cmd) VALUES (new.seq, new.cmd);
        END;
        CREATE TRIGGER invocations_fts_delete AFTER DELETE ON invocations BEGIN
            INSERT INTO invocations_fts(invocations_fts, rowid, cmd) VALUES ('delete', old.seq, old.cmd);
        END;
        CREATE TRIGGER invocations_fts_update AFTER UPDATE OF cmd ON invocations BEGIN
            INSERT INTO invocations_fts(invocations_fts, rowid, cmd) VALUES ('delete', old.seq, old.cmd);
            INSERT INTO invocations_fts(rowid, cmd) VALUES (new.seq, new.cmd);
        END;
        INSERT INTO invocations_fts(invocations_fts) VALUES ('rebuild');
        """,
        // 3: compact rows (a 100k-command store: 29.7 → 19.8 MB, Docs/design/store.md). The rows move to
        // `invocation_rows`: the id as its 16 bytes, directories and the short strings repeated on every
        // row (session, host, user, shell, tty) as numbers into `dirs` and `names`, the source as a
        // number into `sources`, the import key as its 64-bit hash. A view named `invocations` shows the
        // old columns and values for users' SQL; writes go to `invocation_rows` (`storedColumns`).
        // `invocations` is renamed first so `outputs` and `invocation_events` follow to the new name;
        // migrate() runs this with foreign keys off, so dropping the old rows cascades nowhere.
        """
        DROP VIEW failed_invocations;
        DROP VIEW invocations_today;
        DROP VIEW running_invocations;
        DROP TRIGGER invocations_fts_insert;
        DROP TRIGGER invocations_fts_delete;
        DROP TRIGGER invocations_fts_update;
        DROP TABLE invocations_fts;
        CREATE TABLE dirs(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
        CREATE TABLE names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE sources(code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        INSERT INTO sources VALUES (0, 'run'), (1, 'hook'), (2, 'save'), (3, 'import');
        ALTER TABLE invocations RENAME TO invocation_rows;
        \(internSQL(from: "invocation_rows").joined(separator: "\n"))
        \(invocationRowsTable(named: "invocation_rows_new", unique: " UNIQUE"))
        INSERT INTO invocation_rows_new(seq, \(storedColumnNames))
            SELECT r.seq, \(storedColumns(id: "shq_uuid_bytes(r.id)", importKey: "shq_key_hash(r.import_key)"))
            FROM invocation_rows r ORDER BY r.seq;
        DROP TABLE invocation_rows;
        ALTER TABLE invocation_rows_new RENAME TO invocation_rows;
        \(invocationRowsIndexesSQL)
        CREATE VIEW invocations AS SELECT
            r.seq,
            lower(substr(hex(r.id), 1, 8) || '-' || substr(hex(r.id), 9, 4) || '-' || substr(hex(r.id), 13, 4)
                || '-' || substr(hex(r.id), 17, 4) || '-' || substr(hex(r.id), 21)) AS id,
            (SELECT name FROM names WHERE id = r.session) AS session,
            r.cmd,
            (SELECT path FROM dirs WHERE id = r.dir) AS cwd,
            (SELECT name FROM names WHERE id = r.host) AS host,
            (SELECT name FROM names WHERE id = r.user) AS user,
            (SELECT name FROM names WHERE id = r.shell) AS shell,
            (SELECT name FROM names WHERE id = r.tty) AS tty,
            (SELECT name FROM sources WHERE code = r.source) AS source,
            r.started_at, r.ended_at, r.duration_us, r.exit_code, r.signal, r.status, r.pid, r.pid_start,
            r.wrapper_pid, r.wrapper_start, r.tag, r.pipestatus, r.import_key
        FROM invocation_rows r;
        CREATE VIEW failed_invocations AS
            SELECT * FROM invocations WHERE status = 'failed' OR exit_code <> 0 OR signal IS NOT NULL;
        CREATE VIEW invocations_today AS
            SELECT * FROM invocations
            WHERE started_at >= CAST(strftime('%s', 'now', 'localtime', 'start of day', 'utc') AS INTEGER) * 1000000;
        CREATE VIEW running_invocations AS
            SELECT * FROM invocations WHERE status IN ('running', 'stopped');
        CREATE VIRTUAL TABLE invocations_fts USING fts5(
            cmd, content='invocation_rows', content_rowid='seq', tokenize='trigram', detail='none', columnsize=0
        );
        \(invocationRowsTriggersSQL)
        INSERT INTO invocations_fts(invocations_fts) VALUES ('rebuild');
        """,
        // 4: output chunks in a rowid table with a unique index on (blob, seq), instead of WITHOUT ROWID.
        // A WITHOUT ROWID table is an index b-tree: its interior cells hold whole records (each ~200 KB
        // chunk again, in overflow pages), and finding where a new chunk goes reads the whole payload of
        // every overflowing cell it compares against. A 250 MB capture read ~1.7 GB through pread (strace);
        // a rowid table appends at its end and keeps the data in the leaf only (Docs/design/store.md).
        """
        CREATE TABLE blob_chunks_new(
            blob INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            raw_size INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        INSERT INTO blob_chunks_new(blob, seq, raw_size, data)
            SELECT blob, seq, raw_size, data FROM blob_chunks ORDER BY blob, seq;
        DROP TABLE blob_chunks;
        ALTER TABLE blob_chunks_new RENAME TO blob_chunks;
        CREATE UNIQUE INDEX blob_chunks_key ON blob_chunks(blob, seq);
        """,
        // 5: `shq sync` (Docs/design/sync.md). `sync_state` holds this store's client id and its cursors
        // on the server, key → value. `sync_tombstones` holds the ids of records deleted since sync was
        // first used (`forget`, `prune`, or a deletion pulled from the server): pushed, they keep other
        // machines from bringing a record back; pulled records with such an id are refused.
        """
        CREATE TABLE sync_state(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
        CREATE TABLE sync_tombstones(
            id BLOB PRIMARY KEY,
            deleted_at INTEGER NOT NULL,
            pushed INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        """,
        // 6: a summary of each output chunk, written with it (`ChunkSummary`): the newline count, the size
        // of its text and a Bloom filter of its trigrams, so `shq grep` decompresses only the chunks that may
        // hold a literal (Docs/design/grep.md). In a table of its own: read before the chunk, it must not sit
        // behind the chunk's data in overflow pages. Chunks stored before this have none and are scanned.
        """
        CREATE TABLE chunk_summaries(
            blob INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            text_bytes INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            bloom BLOB NOT NULL
        );
        CREATE UNIQUE INDEX chunk_summaries_key ON chunk_summaries(blob, seq);
        """,
        // 7: output chunks outside SQLite, in the chunk file `<database>-chunks` (`ChunkFile`): SQLite wrote
        // every chunk twice (WAL, checkpoint) and walked its overflow chains; a capture cost 2.3× the CPU
        // (Docs/design/relay.md). A chunk's row keeps blob, seq, raw_size and says where its compressed
        // bytes are (`file_offset`, `file_length`, `data` empty); chunks stored before stay in `data`
        // (nothing is copied: readers take both, `Store.withCompressedChunk`). `chunk_file` holds where the
        // file ends, so a deleted chunk file is never replaced by an empty one under the offsets in use.
        // Deleting a chunk row, however it happens, records its range in `chunk_holes`, released (a
        // punched hole) once the delete has committed (`Store.releaseFreedChunks`).
        """
        ALTER TABLE blob_chunks ADD COLUMN file_offset INTEGER;
        ALTER TABLE blob_chunks ADD COLUMN file_length INTEGER;
        CREATE TABLE chunk_file(end_offset INTEGER NOT NULL);
        INSERT INTO chunk_file VALUES (0);
        CREATE TABLE chunk_holes(file_offset INTEGER PRIMARY KEY, file_length INTEGER NOT NULL);
        CREATE TRIGGER blob_chunks_release AFTER DELETE ON blob_chunks WHEN old.file_offset IS NOT NULL BEGIN
            INSERT OR IGNORE INTO chunk_holes VALUES (old.file_offset, old.file_length);
        END;
        """,
        // 8: `id` and `import_key` unique through indexes of their own (`uniqueIndexesSQL`) instead of
        // column constraints, whose indexes SQLite never lets go of. A large import drops the two
        // indexes, appends its rows, dedupes its keys in memory and builds the indexes again by one sort,
        // all in one transaction (`ImportStaging`, Docs/design/store.md). The table is rebuilt as the
        // documented twelve steps do it; the views name `invocation_rows`, which does not exist between
        // the drop and the rename, so the rename runs in legacy mode (it does not re-check them). The
        // rowids (`seq`) are kept, so the trigram index, `outputs` and `invocation_events` stay valid.
        """
        PRAGMA legacy_alter_table = ON;
        \(invocationRowsTable(named: "invocation_rows_new", unique: ""))
        INSERT INTO invocation_rows_new SELECT * FROM invocation_rows ORDER BY seq;
        DROP TABLE invocation_rows;
        ALTER TABLE invocation_rows_new RENAME TO invocation_rows;
        PRAGMA legacy_alter_table = OFF;
        \(uniqueIndexesSQL)
        \(invocationRowsIndexesSQL)
        \(invocationRowsTriggersSQL)
        """,
    ]

    /// `invocation_rows` as migration 3 made it, named `name`; `unique` follows `id` and `import_key`
    /// (" UNIQUE" until migration 8, which moved both into `uniqueIndexesSQL`).
    private static func invocationRowsTable(named name: String, unique: String) -> String {
        """
        CREATE TABLE \(name)(
            seq INTEGER PRIMARY KEY,
            id BLOB NOT NULL\(unique),
            session INTEGER,
            cmd TEXT NOT NULL,
            dir INTEGER,
            host INTEGER, user INTEGER, shell INTEGER, tty INTEGER,
            source INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            duration_us INTEGER,
            exit_code INTEGER,
            signal INTEGER,
            status TEXT NOT NULL,
            pid INTEGER,
            pid_start INTEGER,
            wrapper_pid INTEGER,
            wrapper_start INTEGER,
            tag TEXT,
            pipestatus TEXT,
            import_key INTEGER\(unique)
        );
        """
    }

    /// The unique indexes on `id` and `import_key` (schema 8 on). A large import drops them inside its
    /// transaction and runs this again before it commits (`ImportStaging.rebuildingIndexes`).
    static let uniqueIndexesSQL = """
        CREATE UNIQUE INDEX invocation_rows_id ON invocation_rows(id);
        CREATE UNIQUE INDEX invocation_rows_import_key ON invocation_rows(import_key);
        """
    static let dropUniqueIndexesSQL = "DROP INDEX invocation_rows_id; DROP INDEX invocation_rows_import_key;"

    /// The other indexes of `invocation_rows` (migration 3; a table rebuild recreates them).
    private static let invocationRowsIndexesSQL = """
        CREATE INDEX invocations_started_at ON invocation_rows(started_at);
        CREATE INDEX invocations_live ON invocation_rows(status) WHERE status IN ('running', 'stopped');
        """

    /// The triggers that keep the trigram index in step with `invocation_rows` (migration 3).
    private static let invocationRowsTriggersSQL = """
        CREATE TRIGGER invocations_fts_insert AFTER INSERT ON invocation_rows BEGIN
            INSERT INTO invocations_fts(rowid, cmd) VALUES (new.seq, new.cmd);
        END;
        CREATE TRIGGER invocations_fts_delete AFTER DELETE ON invocation_rows BEGIN
            INSERT INTO invocations_fts(invocations_fts, rowid, cmd) VALUES ('delete', old.seq, old.cmd);
        END;
        CREATE TRIGGER invocations_fts_update AFTER UPDATE OF cmd ON invocation_rows BEGIN
            INSERT INTO invocations_fts(invocations_fts, rowid, cmd) VALUES ('delete', old.seq, old.cmd);
            INSERT INTO invocations_fts(rowid, cmd) VALUES (new.seq, new.cmd);
        END;
        """

    /// The columns of `invocation_rows` that `storedColumns` fills, in its order.
    static let storedColumnNames = """
        id, session, cmd, dir, host, user, shell, tty, source, started_at, ended_at,
        duration_us, exit_code, signal, status, pid, pid_start, tag, pipestatus, import_key, wrapper_pid, wrapper_start
        """

    /// The stored values of a row `r` with the view's columns (`Store.insertedColumnList`), once its names
    /// and directory are interned (`internSQL`): `id` computes the 16 id bytes, `importKey` the key's hash.
    /// `column` names where a column's value is: `r.cwd` by default, a parameter for a single row.
    static func storedColumns(id: String? = nil, importKey: String? = nil, column: (String) -> String = { "r.\($0)" }) -> String {
        func name(_ name: String) -> String { "(\(nameIDSQL(column(name))))" }
        func value(_ names: String...) -> String { names.map(column).joined(separator: ", ") }
        return """
            \(id ?? column("id")), \(name("session")), \(column("cmd")), (\(directoryIDSQL(column("cwd")))), \
            \(name("host")), \(name("user")), \(name("shell")), \(name("tty")), \
            (\(sourceCodeSQL(column("source")))), \
            \(value("started_at", "ended_at", "duration_us", "exit_code", "signal", "status", "pid", "pid_start", "tag", "pipestatus")), \
            \(importKey ?? column("import_key")), \(value("wrapper_pid", "wrapper_start"))
            """
    }

    /// The stored id of a name, of a directory, the code of a source: `value` is an SQL expression.
    static func nameIDSQL(_ value: String) -> String { "SELECT id FROM names WHERE name = \(value)" }
    static func directoryIDSQL(_ value: String) -> String { "SELECT id FROM dirs WHERE path = \(value)" }
    static func sourceCodeSQL(_ value: String) -> String { "SELECT code FROM sources WHERE name = \(value)" }

    /// `internSQL` for one directory, and for one name, bound as `?1`.
    static let internDirectorySQL = "INSERT INTO dirs(path) VALUES (?1) ON CONFLICT DO NOTHING"
    static let internNameSQL = "INSERT INTO names(name) VALUES (?1) ON CONFLICT DO NOTHING"

    /// Adds the directory and the names of the rows in `rows` (a table or subquery with the view's
    /// columns) that `dirs` and `names` do not hold yet.
    static func internSQL(from rows: String) -> [String] {
        let names = ["session", "host", "user", "shell", "tty"]
            .map { "SELECT \($0) FROM \(rows) WHERE \($0) IS NOT NULL" }.joined(separator: " UNION ")
        return [
            "INSERT INTO dirs(path) SELECT DISTINCT cwd FROM \(rows) WHERE cwd IS NOT NULL ON CONFLICT DO NOTHING;",
            "INSERT INTO names(name) SELECT * FROM (\(names)) WHERE true ON CONFLICT DO NOTHING;",
        ]
    }

    /// Deletes the directories and names no row uses any more (after a delete: forgetting a command
    /// forgets the directory it ran in, unless another command ran there).
    static let deleteUnusedNamesSQL = """
        DELETE FROM dirs WHERE id NOT IN (SELECT dir FROM invocation_rows WHERE dir IS NOT NULL);
        DELETE FROM names WHERE id NOT IN (
            SELECT session FROM invocation_rows WHERE session IS NOT NULL UNION ALL
            SELECT host FROM invocation_rows WHERE host IS NOT NULL UNION ALL
            SELECT user FROM invocation_rows WHERE user IS NOT NULL UNION ALL
            SELECT shell FROM invocation_rows WHERE shell IS NOT NULL UNION ALL
            SELECT tty FROM invocation_rows WHERE tty IS NOT NULL);
        """

    /// A new store: switch to WAL first (outside any transaction). journal_mode is persistent, so later
    /// opens don't pay for asking again. Switching needs the database to itself and SQLite does not run
    /// the busy handler for it, so when several processes create the store at once the losers retry until
    /// one has switched.
    private static func switchToWAL(_ db: Database) throws {
        var lastError: StoreError?
        for _ in 0..<500 {
            do {
                let wal = try db.prepare("PRAGMA journal_mode=WAL")
                if try wal.step(), wal.string(0) == "wal" { return }
            } catch let error as StoreError {
                lastError = error
            }
            usleep(10_000)
        }
        throw lastError ?? StoreError(db.path, "cannot switch to WAL mode")
    }

    /// `migrations.count`, spelled out: building the migrations' SQL cost ~0.2 ms of every start, and an
    /// up-to-date store needs none of it (StoreRoundTripTests checks the two agree).
    static let currentVersion: Int64 = 8

    /// Brings the store up to date. Checks the version first without a write lock; migrates under
    /// BEGIN IMMEDIATE, re-checking, so concurrent first opens migrate exactly once.
    static func migrate(_ db: Database) throws {
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        if version == currentVersion { return }
        if version == 0 { try switchToWAL(db) }
        if version > currentVersion {
            throw StoreError(db.path, "made by a newer shq (schema \(version), this one knows \(currentVersion))")
        }
        // Rebuilding a table drops the old one, which with foreign keys on would first delete every row
        // and cascade to outputs and events. The switch is a no-op inside a transaction, hence out here;
        // foreign_key_check proves nothing was left dangling before the commit.
        let foreignKeys = try db.scalarInt("PRAGMA foreign_keys") ?? 0
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = \(foreignKeys)") }
        try db.installMigrationFunctions()
        let rebuilt = try db.writeTransaction { () throws -> Bool in
            let current = try db.scalarInt("PRAGMA user_version") ?? 0
            for index in Int(current)..<migrations.count {
                try db.execute(migrations[index])
            }
            let check = try db.prepare("PRAGMA foreign_key_check")
            if try check.step() {
                throw StoreError(db.path, "migration left a \(check.string(0)) row without its \(check.string(2)) row")
            }
            try db.execute("PRAGMA user_version = \(currentVersion)")
            return current > 0 && current < 8
        }
        // Migrations 3, 4 and 8 copied every row (3, 8) or every output chunk (4) of an existing store, leaving
        // the old pages free (a 100k-command store: 42 MB until rewritten, 20 MB after). Best effort:
        // another shq reading the store only leaves the space for a later `shq forget`/`prune`.
        if rebuilt {
            try? db.execute("VACUUM")
            try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}
