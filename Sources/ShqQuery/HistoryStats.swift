import Glibc
import ShqStore

/// `shq stats`: totals, failure rate, top programs, slowest commands, busiest directories, commands per
/// day, and for `shq run` jobs the time they were active versus stopped (job control). All aggregated in
/// SQL, one scan per figure.
public struct HistoryStats: Sendable {
    public struct Count: Sendable, Equatable {
        public var key: String
        public var count: Int64
    }

    public var total: Int64 = 0
    public var failed: Int64 = 0
    public var sessions: Int64 = 0
    public var first: Timestamp?
    public var last: Timestamp?
    public var totalDurationMicros: Int64 = 0
    public var topPrograms: [Count] = []
    public var topDirectories: [Count] = []
    public var slowest: [Invocation] = []
    /// Local calendar days (`YYYY-MM-DD`), oldest first.
    public var perDay: [Count] = []
    public var runJobs: Int64 = 0
    public var runWallMicros: Int64 = 0
    public var runStoppedMicros: Int64 = 0

    public var failureRate: Double { total == 0 ? 0 : Double(failed) / Double(total) }
    public var runActiveMicros: Int64 { runWallMicros - runStoppedMicros }

    public init() {}
}

extension Store {
    public func stats(_ conditions: Conditions = Conditions(), top: Int = 10) throws -> HistoryStats {
        if conditions.usesRegexp { try db.installRegexp() }
        var stats = HistoryStats()
        let matching = "FROM invocations i WHERE \(conditions.sql)"
        func query(_ sql: String, _ each: (Statement) -> Void) throws {
            let statement = try db.prepare(sql)
            conditions.bind(statement)
            while try statement.step() { each(statement) }
        }
        func counts(_ sql: String) throws -> [HistoryStats.Count] {
            var result: [HistoryStats.Count] = []
            try query(sql) { result.append(.init(key: $0.isNull(0) ? "-" : $0.string(0), count: $0.int(1))) }
            return result
        }
        try query("""
            SELECT count(*), total(i.status = 'failed' OR i.exit_code <> 0 OR i.signal IS NOT NULL),
                count(DISTINCT i.session), min(i.started_at), max(i.started_at), total(i.duration_us) \(matching)
            """) { row in
            stats.total = row.int(0)
            stats.failed = Int64(row.double(1))
            stats.sessions = row.int(2)
            stats.first = row.optionalInt(3).map(Timestamp.init(microseconds:))
            stats.last = row.optionalInt(4).map(Timestamp.init(microseconds:))
            stats.totalDurationMicros = Int64(row.double(5))
        }
        stats.topPrograms = try counts("""
            SELECT substr(ltrim(i.cmd), 1, instr(ltrim(i.cmd) || ' ', ' ') - 1) AS program, count(*) AS n \(matching)
            GROUP BY program ORDER BY n DESC, program LIMIT \(top)
            """)
        stats.topDirectories = try counts("""
            SELECT i.cwd, count(*) AS n \(matching) GROUP BY i.cwd ORDER BY n DESC, i.cwd LIMIT \(top)
            """)
        try query("""
            SELECT \(Self.invocationColumns) \(matching) AND i.duration_us IS NOT NULL
            ORDER BY i.duration_us DESC LIMIT \(top)
            """) { stats.slowest.append(Self.decodeInvocation($0)) }
        // Days in local time: shift by the current UTC offset, then divide (no per-row date()).
        let offset = Self.utcOffsetMicros()
        try query("""
            SELECT (i.started_at + \(offset)) / 86400000000 AS day, count(*) \(matching) GROUP BY day ORDER BY day
            """) { row in
            let midnight = Timestamp(microseconds: row.int(0) * 86_400_000_000)
            stats.perDay.append(.init(key: String(midnight.iso8601.prefix(10)), count: row.int(1)))
        }
        // Stopped time: from each `stopped` event to the next event of the same job (resumed, or the end).
        try query("""
            WITH jobs AS (SELECT i.seq, i.duration_us \(matching) AND i.source = 'run' AND i.duration_us IS NOT NULL),
            stops AS (
                SELECT e.kind, lead(e.at) OVER (PARTITION BY e.invocation ORDER BY e.at, e.rowid) - e.at AS span
                FROM invocation_events e WHERE e.invocation IN (SELECT seq FROM jobs))
            SELECT (SELECT count(*) FROM jobs), (SELECT total(duration_us) FROM jobs),
                (SELECT total(span) FROM stops WHERE kind = 'stopped')
            """) { row in
            stats.runJobs = row.int(0)
            stats.runWallMicros = Int64(row.double(1))
            stats.runStoppedMicros = Int64(row.double(2))
        }
        return stats
    }

    static func utcOffsetMicros() -> Int64 {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return Int64(parts.tm_gmtoff) * 1_000_000
    }
}
