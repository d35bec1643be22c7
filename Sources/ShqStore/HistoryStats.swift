import Glibc
import ShqSystem

/// `shq stats`: totals, failure rate, top programs, slowest commands, busiest directories, commands per
/// day and per hour of the day (each with its failures), a duration histogram with median and p90, and
/// for `shq run` jobs the time they were active versus stopped (job control, computed in SQL from the
/// lifecycle events).
public struct HistoryStats: Sendable, Equatable {
    public struct Count: Sendable, Equatable {
        public var key: String
        public var count: Int64
        /// How many of `count` failed (`Invocation.failureSQL`).
        public var failed: Int64 = 0

        public init(key: String, count: Int64, failed: Int64 = 0) {
            self.key = key
            self.count = count
            self.failed = failed
        }
    }

    /// Commands with a duration, counted in log-scaled buckets, and two of their exact percentiles.
    public struct Durations: Sendable, Equatable {
        /// Upper bounds (exclusive) of every bucket but the last: <10 ms, <100 ms, <1 s, <10 s, <1 min,
        /// <10 min, and ≥10 min.
        public static let bounds: [Int64] = [10_000, 100_000, 1_000_000, 10_000_000, 60_000_000, 600_000_000]
        public var buckets = [Int64](repeating: 0, count: bounds.count + 1)
        /// Nearest-rank percentiles: the smallest duration that at least half (nine tenths) of the
        /// commands with a duration do not exceed.
        public var medianMicros: Int64?
        public var p90Micros: Int64?

        public static func bucket(_ micros: Int64) -> Int { bounds.firstIndex { micros < $0 } ?? bounds.count }
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
    /// Local hours of the day, `00` to `23`, all 24.
    public var perHour: [Count] = []
    public var durations = Durations()
    public var runJobs: Int64 = 0
    public var runWallMicros: Int64 = 0
    public var runStoppedMicros: Int64 = 0

    public var failureRate: Double { total == 0 ? 0 : Double(failed) / Double(total) }
    public var runActiveMicros: Int64 { runWallMicros - runStoppedMicros }

    public init() {}

    /// The local calendar day of `time`, as days since 1970-01-01 (what `perDay` keys name).
    public static func localDay(_ time: Timestamp = .now()) -> Int64 {
        StatsScan.floorDivide(time.microseconds + Store.utcOffsetMicros(), StatsScan.microsPerDay)
    }
}

extension Store {
    /// Matching rows are read in one scan per part and aggregated here (a GROUP BY per figure cost a full
    /// scan and a sort each: 190 ms of CPU at 100k commands). A large history is cut into ranges of rows,
    /// scanned at once on as many cores (up to 4), each on its own read-only connection; rows stored
    /// after the scan began are left out. Then the lifecycle events of `shq run` jobs, if any, and the
    /// slowest rows by row number.
    public func stats(_ conditions: Conditions = Conditions(), top: Int = 10, parts: Int? = nil) throws -> HistoryStats {
        if conditions.usesRegexp { try db.installRegexp() }
        // One aggregate per SELECT: SQLite reads min() or max() of the key off the b-tree, both at once scan it.
        let bounds = try db.prepare("""
            SELECT (SELECT min(seq) FROM \(Self.invocationsFrom)), (SELECT max(seq) FROM \(Self.invocationsFrom))
            """)
        _ = try bounds.step()
        let lowest = bounds.optionalInt(0) ?? 0, highest = bounds.optionalInt(1) ?? 0
        let ranges = StatsScan.ranges(lowest...highest, parts: parts ?? StatsScan.parts(rows: highest - lowest + 1))
        let offset = Self.utcOffsetMicros()
        let path = self.path
        let others = ranges.dropFirst().map { range in
            ThreadResult {
                let reader = try Store.openReadOnlyConnection(path: path)
                if conditions.usesRegexp { try reader.installRegexp() }
                return try StatsScan(reader, conditions, range, top: top, utcOffset: offset)
            }
        }
        // The first range on this connection; every thread is joined before any error is thrown.
        let mine = Result { try StatsScan(db, conditions, ranges[0], top: top, utcOffset: offset) }
        let theirs = others.map { other in Result { try other.get() } }
        var scan = try mine.get()
        for other in theirs { scan.merge(try other.get()) }

        var stats = scan.figures(top: top, paths: try directoryPaths())
        if !scan.slowest.isEmpty {
            var slowest = Conditions()
            slowest.add("i.seq IN (\(scan.slowest.map { String($0.seq) }.joined(separator: ",")))")
            let rows = try invocations(slowest)
            stats.slowest = rows.sorted { ($0.durationMicros ?? 0, $1.seq ?? 0) > ($1.durationMicros ?? 0, $0.seq ?? 0) }
        }
        // Stopped time: from each `stopped` event to the next event of the same job (resumed, or the end).
        // `forwarded` (a signal sent by `shq kill`, which may reach a job while it stays stopped) ends
        // nothing, as in JobTimeline.
        if stats.runJobs > 0 {
            let run = try db.prepare("""
                WITH stops AS (
                    SELECT e.kind, lead(e.at) OVER (PARTITION BY e.invocation ORDER BY e.at, e.rowid) - e.at AS span
                    FROM invocation_events e WHERE e.kind <> 'forwarded' AND e.invocation IN (
                        SELECT i.seq FROM \(Self.invocationsFrom)
                        WHERE \(conditions.sql) AND i.source = (SELECT code FROM sources WHERE name = 'run')
                            AND i.duration_us IS NOT NULL AND i.seq BETWEEN \(lowest) AND \(highest)))
                SELECT total(span) FROM stops WHERE kind = 'stopped'
                """)
            conditions.bind(run)
            if try run.step() { stats.runStoppedMicros = Int64(run.double(0)) }
        }
        return stats
    }

    private func directoryPaths() throws -> [Int64: [UInt8]] {
        var paths: [Int64: [UInt8]] = [:]
        let dirs = try db.prepare("SELECT id, path FROM dirs")
        while try dirs.step() { paths[dirs.int(0)] = dirs.bytes(1) }
        return paths
    }

    static func utcOffsetMicros() -> Int64 {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return Int64(parts.tm_gmtoff) * 1_000_000
    }
}
