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
        -- when the stream ends it gets its SHA-256, or is dropped in favour of an identical blob.
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
    ]

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

    static var currentVersion: Int64 { Int64(migrations.count) }

    /// Brings the store up to date. Checks the version first without a write lock; migrates under
    /// BEGIN IMMEDIATE, re-checking, so concurrent first opens migrate exactly once.
    static func migrate(_ db: Database) throws {
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        if version == currentVersion { return }
        if version == 0 { try switchToWAL(db) }
        if version > currentVersion {
            throw StoreError(db.path, "made by a newer shq (schema \(version), this one knows \(currentVersion))")
        }
        try db.writeTransaction { () throws in
            let current = try db.scalarInt("PRAGMA user_version") ?? 0
            for index in Int(current)..<migrations.count {
                try db.execute(migrations[index])
            }
            try db.execute("PRAGMA user_version = \(currentVersion)")
        }
    }
}
