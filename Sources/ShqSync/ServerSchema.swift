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
        """

    /// Staging for one push, private to the connection and emptied at every commit.
    static let createStaging = """
        CREATE TEMP TABLE IF NOT EXISTS shq_incoming(
            id bytea, host text, started_at bigint, version integer, payload bytea, cmd text, cwd text
        ) ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS shq_incoming_deletions(id bytea, deleted_at bigint) ON COMMIT DELETE ROWS;
        """

    static let copyRecords = "COPY shq_incoming(id, host, started_at, version, payload, cmd, cwd) FROM STDIN"
    static let copyDeletions = "COPY shq_incoming_deletions(id, deleted_at) FROM STDIN"
    static let lock = "SELECT pg_advisory_xact_lock(\(lockKey))"

    /// Deletions first, so a record deleted in the same push is not inserted; then the records no
    /// deletion names, each id once (the first copy wins: records never change once finished).
    static let applyDeletions = """
        INSERT INTO shq_tombstones(id, origin, deleted_at)
        SELECT DISTINCT ON (id) id, $1, deleted_at FROM shq_incoming_deletions ORDER BY id
        ON CONFLICT (id) DO NOTHING
        """
    static let deleteRecords = "DELETE FROM shq_records r USING shq_incoming_deletions d WHERE r.id = d.id"
    static let insertRecords = """
        INSERT INTO shq_records(id, origin, host, started_at, version, payload, cmd, cwd)
        SELECT id, $1, host, started_at, version, payload, cmd, cwd FROM (
            SELECT DISTINCT ON (id) * FROM shq_incoming i
            WHERE NOT EXISTS (SELECT 1 FROM shq_tombstones t WHERE t.id = i.id) ORDER BY id
        ) fresh ORDER BY started_at
        ON CONFLICT (id) DO NOTHING
        """

    /// The newest change numbers, read first in the pull's snapshot: everything at or below them is
    /// committed and in the snapshot.
    static let newestChanges = "SELECT (SELECT coalesce(max(seq), 0) FROM shq_records), (SELECT coalesce(max(seq), 0) FROM shq_tombstones)"
    static let pullRecords = """
        SELECT seq, id, host, started_at, version, payload FROM shq_records
        WHERE seq > $1 AND seq <= $2 AND origin <> $3 ORDER BY seq LIMIT $4
        """
    static let pullDeletions = """
        SELECT seq, id, deleted_at FROM shq_tombstones WHERE seq > $1 AND seq <= $2 AND origin <> $3 ORDER BY seq
        """
    static let hosts = "SELECT host, count(*), max(started_at) FROM shq_records GROUP BY host ORDER BY host"
}
