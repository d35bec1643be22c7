/// The tables shq keeps on the PostgreSQL server, in the connection's schema (`search_path`), and the
/// one place that knows them. Versioned in `shq_meta`: a server made by a newer shq is refused with a
/// message, not misread.
///
/// Every change (a record, a deletion) takes its number from one sequence, inside a transaction that
/// holds `lockKey`'s advisory lock until it commits: numbers become visible in order, so a reader's
/// cursor never passes a number that a slower writer commits later.
enum ServerSchema {
    static let version = 1
    /// `pg_advisory_xact_lock` key of pushes and of creating the tables ("shqsync" in ASCII).
    static let lockKey: Int64 = 0x73_6871_7379_6e63

    static let create = """
        CREATE TABLE shq_meta(key text PRIMARY KEY, value text NOT NULL);
        CREATE SEQUENCE shq_change_seq;
        CREATE TABLE shq_records(
            seq bigint NOT NULL UNIQUE DEFAULT nextval('shq_change_seq'),
            id bytea PRIMARY KEY CHECK (length(id) = 16),
            origin text NOT NULL,
            host text NOT NULL,
            started_at bigint NOT NULL,
            version integer NOT NULL,
            payload bytea NOT NULL,
            cmd text,
            cwd text
        );
        CREATE INDEX shq_records_host ON shq_records(host);
        CREATE TABLE shq_tombstones(
            seq bigint NOT NULL UNIQUE DEFAULT nextval('shq_change_seq'),
            id bytea PRIMARY KEY CHECK (length(id) = 16),
            origin text NOT NULL,
            deleted_at bigint NOT NULL
        );
        \(createOutputs)
        """

    /// Outputs (`sync_outputs`), one row per record and stream, removed with their record. Added to
    /// servers made before it without a new schema version: an older shq neither reads nor needs it, and
    /// its deletions still remove the outputs (the foreign key cascades).
    static let createOutputs = """
        CREATE TABLE IF NOT EXISTS shq_outputs(
            seq bigint NOT NULL UNIQUE DEFAULT nextval('shq_change_seq'),
            id bytea NOT NULL REFERENCES shq_records(id) ON DELETE CASCADE,
            stream text NOT NULL,
            origin text NOT NULL,
            version integer NOT NULL,
            payload bytea NOT NULL,
            output text,
            PRIMARY KEY (id, stream)
        );
        """

    /// Staging for one push, private to the connection and emptied at every commit.
    static let createStaging = """
        CREATE TEMP TABLE IF NOT EXISTS shq_incoming_ids(n integer, id bytea) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS shq_incoming_deletions(id bytea, deleted_at bigint) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS shq_incoming_outputs(
            id bytea, stream text, version integer, payload bytea, output text
        ) ON COMMIT DELETE ROWS;
        """

    static let copyIDs = "COPY shq_incoming_ids(n, id) FROM STDIN (FORMAT binary)"
    /// Straight into the shared table: only ids `missingIDs` named, under the lock.
    static let copyRecords = "COPY shq_records(id, origin, host, started_at, version, payload, cmd, cwd) FROM STDIN (FORMAT binary)"
    static let copyDeletions = "COPY shq_incoming_deletions(id, deleted_at) FROM STDIN (FORMAT binary)"
    static let copyOutputs = "COPY shq_incoming_outputs(id, stream, version, payload, output) FROM STDIN (FORMAT binary)"
    static let lock = "SELECT pg_advisory_xact_lock(\(lockKey))"

    /// Deletions first, so a record deleted in the same push is not sent; a push holds each id once (ids
    /// are unique in the store it comes from), so no DISTINCT (sorting 100k staged rows by id spilled to
    /// disk under the default work_mem).
    static let applyDeletions = """
        INSERT INTO shq_tombstones(id, origin, deleted_at)
        SELECT id, $1, deleted_at FROM shq_incoming_deletions
        ON CONFLICT (id) DO NOTHING
        """
    static let deleteRecords = "DELETE FROM shq_records r USING shq_incoming_deletions d WHERE r.id = d.id"
    /// The pushed ids the server lacks: neither held (the first copy wins: records never change once
    /// finished) nor deleted; answered by their positions in the push (`n`), in order.
    static let missingIDs = """
        SELECT n FROM shq_incoming_ids i
        WHERE NOT EXISTS (SELECT 1 FROM shq_records r WHERE r.id = i.id)
          AND NOT EXISTS (SELECT 1 FROM shq_tombstones t WHERE t.id = i.id)
        ORDER BY n
        """
    /// Outputs of records the server holds (not of deleted ones); the first copy of a stream wins.
    static let insertOutputs = """
        INSERT INTO shq_outputs(id, stream, origin, version, payload, output)
        SELECT id, stream, $1, version, payload, output FROM shq_incoming_outputs i
        WHERE EXISTS (SELECT 1 FROM shq_records r WHERE r.id = i.id)
        ON CONFLICT (id, stream) DO NOTHING
        """

    /// The newest change number of each kind of change.
    struct Newest: Equatable {
        var records: Int64 = 0
        var deletions: Int64 = 0
        var outputs: Int64 = 0
    }

    /// `shq_meta`'s rows and, under `newestKey`, the newest change numbers as "records deletions outputs":
    /// what opening a server reads, in one round trip. Fails with 42P01 while a table is missing.
    static let newestKey = ".newest"
    static let metaAndNewest = """
        SELECT key, value FROM shq_meta UNION ALL
        SELECT '\(newestKey)', concat_ws(' ', (SELECT coalesce(max(seq), 0) FROM shq_records),
            (SELECT coalesce(max(seq), 0) FROM shq_tombstones), (SELECT coalesce(max(seq), 0) FROM shq_outputs))
        """

    /// The newest change numbers, read first in the pull's snapshot: everything at or below them is
    /// committed and in the snapshot.
    static let newestChanges = """
        SELECT (SELECT coalesce(max(seq), 0) FROM shq_records), (SELECT coalesce(max(seq), 0) FROM shq_tombstones),
               (SELECT coalesce(max(seq), 0) FROM shq_outputs)
        """
    static let pullRecords = """
        SELECT seq, id, host, started_at, version, payload FROM shq_records
        WHERE seq > $1 AND seq <= $2 AND origin <> $3 ORDER BY seq LIMIT $4
        """
    static let pullDeletions = """
        SELECT seq, id, deleted_at FROM shq_tombstones WHERE seq > $1 AND seq <= $2 AND origin <> $3 ORDER BY seq
        """
    static let pullOutputs = """
        SELECT seq, id, stream, version, payload FROM shq_outputs
        WHERE seq > $1 AND seq <= $2 AND origin <> $3 ORDER BY seq LIMIT $4
        """
    static let hosts = "SELECT host, count(*), max(started_at) FROM shq_records GROUP BY host ORDER BY host"
}
