import Glibc
import ShqStore

/// `shq stats`: totals, failure rate, top programs, slowest commands, busiest directories, commands per
/// day, and for `shq run` jobs the time they were active versus stopped (job control, computed in SQL
/// from the lifecycle events).
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
    /// One scan of the matching rows, aggregated here (a GROUP BY per figure cost a full scan and a sort
    /// each: 190 ms of CPU at 100k commands); then the lifecycle events of `shq run` jobs, if any, and the
    /// slowest rows by row number.
    public func stats(_ conditions: Conditions = Conditions(), top: Int = 10) throws -> HistoryStats {
        if conditions.usesRegexp { try db.installRegexp() }
        var stats = HistoryStats()
        var programs = Tally(), directories = Tally(), sessions = Set<Int64>()
        var days: [Int64: Int64] = [:]
        var slowest: [(micros: Int64, seq: Int64)] = []
        let offset = Self.utcOffsetMicros()
        // Directories and sessions are read as the numbers the rows store, each directory's path looked
        // up here once: a look-up per row doubled the scan.
        var paths: [Int64: [UInt8]] = [:]
        let dirs = try db.prepare("SELECT id, path FROM dirs")
        while try dirs.step() { paths[dirs.int(0)] = dirs.bytes(1) }
        let scan = try db.prepare("""
            SELECT i.cmd, i.dir, i.started_at, i.duration_us,
                i.status = 'failed' OR i.exit_code <> 0 OR i.signal IS NOT NULL, i.session, i.seq,
                i.source = (SELECT code FROM sources WHERE name = 'run')
            FROM \(Self.invocationsFrom) WHERE \(conditions.sql)
            """)
        conditions.bind(scan)
        while try scan.step() {
            stats.total += 1
            if scan.int(4) != 0 { stats.failed += 1 }
            let started = scan.int(2)
            stats.first = min(stats.first ?? Timestamp(microseconds: started), Timestamp(microseconds: started))
            stats.last = max(stats.last ?? Timestamp(microseconds: started), Timestamp(microseconds: started))
            let local = started + offset
            let day = local >= 0 ? local / 86_400_000_000 : (local + 1) / 86_400_000_000 - 1
            days[day, default: 0] += 1
            scan.withBlob(0) { programs.add(Tally.firstWord($0)) }
            if let path = scan.optionalInt(1).flatMap({ paths[$0] }) {
                path.withUnsafeBytes { directories.add($0) }
            } else {
                directories.addMissing()
            }
            if let session = scan.optionalInt(5) { sessions.insert(session) }
            if let micros = scan.optionalInt(3) {
                stats.totalDurationMicros += micros
                if scan.int(7) != 0 {
                    stats.runJobs += 1
                    stats.runWallMicros += micros
                }
                if slowest.count < top || micros > slowest[slowest.count - 1].micros {
                    let at = slowest.firstIndex { $0.micros < micros } ?? slowest.count
                    slowest.insert((micros, scan.int(6)), at: at)
                    if slowest.count > top { slowest.removeLast() }
                }
            }
        }
        stats.sessions = Int64(sessions.count)
        stats.topPrograms = programs.top(top)
        stats.topDirectories = directories.top(top)
        stats.perDay = days.sorted { $0.key < $1.key }.map {
            .init(key: String(Timestamp(microseconds: $0.key * 86_400_000_000).iso8601.prefix(10)), count: $0.value)
        }
        if !slowest.isEmpty {
            let rows = try invocations(where: "i.seq IN (\(slowest.map { String($0.seq) }.joined(separator: ",")))")
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
                            AND i.duration_us IS NOT NULL))
                SELECT total(span) FROM stops WHERE kind = 'stopped'
                """)
            conditions.bind(run)
            if try run.step() { stats.runStoppedMicros = Int64(run.double(0)) }
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

/// Counts keyed by a 64-bit hash of the bytes; the text is kept only the first time a key is seen.
struct Tally {
    private var counts: [UInt64: (count: Int64, text: String)] = [:]
    private static let missing: UInt64 = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let key = ImportKey.hash(bytes)
        if counts[key] != nil {
            counts[key]!.count += 1
        } else {
            counts[key] = (1, String(decoding: bytes, as: UTF8.self))
        }
    }

    mutating func addMissing() {
        counts[Self.missing, default: (0, "-")].count += 1
    }

    /// The first word of a command line (leading blanks skipped).
    static func firstWord(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 10 }
        let start = bytes.firstIndex { !blank($0) } ?? bytes.count
        let end = bytes[start...].firstIndex(where: blank) ?? bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    func top(_ n: Int) -> [HistoryStats.Count] {
        counts.values.sorted { ($0.count, $1.text) > ($1.count, $0.text) }.prefix(n).map { .init(key: $0.text, count: $0.count) }
    }
}
