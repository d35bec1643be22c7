import Glibc
import ShqSystem

/// `shq stats`: totals, failure rate, top programs, slowest commands, busiest directories, commands per
/// day, and for `shq run` jobs the time they were active versus stopped (job control, computed in SQL
/// from the lifecycle events).
public struct HistoryStats: Sendable, Equatable {
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

/// What one scan of a range of rows gathers for `shq stats`; scans of disjoint ranges merge.
struct StatsScan: Sendable {
    var total: Int64 = 0
    var failed: Int64 = 0
    var first: Int64?
    var last: Int64?
    var totalDurationMicros: Int64 = 0
    var runJobs: Int64 = 0
    var runWallMicros: Int64 = 0
    var programs = Tally()
    /// Rows per directory id (ids are small: `dirs` interns each path once); rows without one apart.
    var directories: [Int64] = []
    var withoutDirectory: Int64 = 0
    var sessions = Set<Int64>()
    /// Rows per local calendar day, as days since 1970.
    var days: [Int64: Int64] = [:]
    /// The longest durations, longest first, with their rows.
    var slowest: [(micros: Int64, seq: Int64)] = []

    /// Ranges of rows scanned in parts below this size are not worth a thread and a connection.
    static let rowsPerPart: Int64 = 25_000

    static func parts(rows: Int64) -> Int {
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return Int(min(Int64(min(cores, 4)), max(1, rows / rowsPerPart)))
    }

    /// `rows` cut into `parts` consecutive ranges of about the same size (at least one range).
    static func ranges(_ rows: ClosedRange<Int64>, parts: Int) -> [ClosedRange<Int64>] {
        let span = rows.upperBound - rows.lowerBound + 1
        let size = (span + Int64(max(1, parts)) - 1) / Int64(max(1, parts))
        return stride(from: rows.lowerBound, through: rows.upperBound, by: Int(size)).map {
            $0...min(rows.upperBound, $0 + size - 1)
        }
    }

    init(_ db: Database, _ conditions: Conditions, _ range: ClosedRange<Int64>, top: Int, utcOffset: Int64) throws {
        let scan = try db.prepare("""
            SELECT i.cmd, i.dir, i.started_at, i.duration_us,
                \(Invocation.failureSQL), i.session, i.seq,
                i.source = (SELECT code FROM sources WHERE name = 'run')
            FROM \(Store.invocationsFrom) WHERE (\(conditions.sql)) AND i.seq BETWEEN ? AND ?
            """)
        let next = conditions.bind(scan)
        scan.bind(next, range.lowerBound)
        scan.bind(next + 1, range.upperBound)
        // Rows come in storage order, which is nearly time order: consecutive rows mostly share their
        // day and session, so those are counted in runs rather than looked up per row.
        var day: Int64 = .min, dayCount: Int64 = 0
        var session: Int64 = .min
        while try scan.step() {
            total += 1
            if scan.int(4) != 0 { failed += 1 }
            let started = scan.int(2)
            first = min(first ?? started, started)
            last = max(last ?? started, started)
            let local = started + utcOffset
            let rowDay = local >= 0 ? local / 86_400_000_000 : (local + 1) / 86_400_000_000 - 1
            if rowDay != day {
                if dayCount > 0 { days[day, default: 0] += dayCount }
                day = rowDay
                dayCount = 0
            }
            dayCount += 1
            scan.withBlob(0) { programs.add(Tally.firstWord($0)) }
            if let dir = scan.optionalInt(1), dir >= 0 {
                if dir >= directories.count { directories += repeatElement(0, count: Int(dir) + 1 - directories.count) }
                directories[Int(dir)] += 1
            } else {
                withoutDirectory += 1
            }
            if let rowSession = scan.optionalInt(5), rowSession != session {
                sessions.insert(rowSession)
                session = rowSession
            }
            if let micros = scan.optionalInt(3) {
                totalDurationMicros += micros
                if scan.int(7) != 0 {
                    runJobs += 1
                    runWallMicros += micros
                }
                if slowest.count < top || micros > slowest[slowest.count - 1].micros {
                    insertSlow(micros, scan.int(6), top: top)
                }
            }
        }
        if dayCount > 0 { days[day, default: 0] += dayCount }
    }

    private mutating func insertSlow(_ micros: Int64, _ seq: Int64, top: Int) {
        let at = slowest.firstIndex { $0.micros < micros } ?? slowest.count
        slowest.insert((micros, seq), at: at)
        if slowest.count > top { slowest.removeLast() }
    }

    /// Adds a scan of other rows.
    mutating func merge(_ other: StatsScan) {
        total += other.total
        failed += other.failed
        first = [first, other.first].compactMap { $0 }.min()
        last = [last, other.last].compactMap { $0 }.max()
        totalDurationMicros += other.totalDurationMicros
        runJobs += other.runJobs
        runWallMicros += other.runWallMicros
        programs.merge(other.programs)
        if other.directories.count > directories.count {
            directories += repeatElement(0, count: other.directories.count - directories.count)
        }
        for (dir, count) in other.directories.enumerated() { directories[dir] += count }
        withoutDirectory += other.withoutDirectory
        sessions.formUnion(other.sessions)
        days.merge(other.days, uniquingKeysWith: +)
        let top = max(slowest.count, other.slowest.count)
        for slow in other.slowest { insertSlow(slow.micros, slow.seq, top: top) }
    }

    /// The figures, with directory ids named from `paths` (a directory missing there counts as none).
    func figures(top: Int, paths: [Int64: [UInt8]]) -> HistoryStats {
        var stats = HistoryStats()
        stats.total = total
        stats.failed = failed
        stats.sessions = Int64(sessions.count)
        stats.first = first.map(Timestamp.init(microseconds:))
        stats.last = last.map(Timestamp.init(microseconds:))
        stats.totalDurationMicros = totalDurationMicros
        stats.runJobs = runJobs
        stats.runWallMicros = runWallMicros
        stats.topPrograms = programs.top(top)
        var named = Tally()
        for (dir, count) in directories.enumerated() where count > 0 {
            if let path = paths[Int64(dir)] {
                path.withUnsafeBytes { named.add($0, count: count) }
            } else {
                named.addMissing(count: count)
            }
        }
        if withoutDirectory > 0 { named.addMissing(count: withoutDirectory) }
        stats.topDirectories = named.top(top)
        stats.perDay = days.sorted { $0.key < $1.key }.map {
            .init(key: String(Timestamp(microseconds: $0.key * 86_400_000_000).iso8601.prefix(10)), count: $0.value)
        }
        return stats
    }
}

/// Counts keyed by a 64-bit hash of the bytes; the text is kept only the first time a key is seen.
struct Tally {
    private var counts: [UInt64: (count: Int64, text: String)] = [:]
    private static let missing: UInt64 = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer, count: Int64 = 1) {
        let key = FNV1a.hash(bytes)
        if counts[key] != nil {
            counts[key]!.count += count
        } else {
            counts[key] = (count, String(decoding: bytes, as: UTF8.self))
        }
    }

    mutating func addMissing(count: Int64 = 1) {
        counts[Self.missing, default: (0, "-")].count += count
    }

    /// Adds the counts of `other`.
    mutating func merge(_ other: Tally) {
        counts.merge(other.counts) { ($0.count + $1.count, $0.text) }
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
