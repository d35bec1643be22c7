import Glibc

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
    /// Rows (and failures) per directory id (ids are small: `dirs` interns each path once); rows
    /// without one apart.
    var directories: [(count: Int64, failed: Int64)] = []
    var withoutDirectory: (count: Int64, failed: Int64) = (0, 0)
    var sessions = Set<Int64>()
    /// Rows and failures per local calendar day, as days since 1970.
    var days: [Int64: (count: Int64, failed: Int64)] = [:]
    /// Rows and failures per local hour of the day.
    var hours = [(count: Int64, failed: Int64)](repeating: (0, 0), count: 24)
    /// Every duration, unordered: the percentiles are selected from them once all parts are merged.
    var durations: [Int64] = []
    var durationBuckets = [Int64](repeating: 0, count: HistoryStats.Durations.bounds.count + 1)
    /// The longest durations, longest first, with their rows.
    var slowest: [(micros: Int64, seq: Int64)] = []

    /// Ranges of rows scanned in parts below this size are not worth a thread and a connection.
    static let rowsPerPart: Int64 = 25_000
    static let microsPerDay: Int64 = 86_400_000_000
    static let microsPerHour: Int64 = 3_600_000_000

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

    /// Floor division: days and hours before 1970 count down, not towards zero.
    static func floorDivide(_ value: Int64, _ by: Int64) -> Int64 { value >= 0 ? value / by : (value + 1) / by - 1 }

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
        var day: Int64 = .min, dayCount: Int64 = 0, dayFailed: Int64 = 0
        var session: Int64 = .min
        while try scan.step() {
            total += 1
            let rowFailed: Int64 = scan.int(4) != 0 ? 1 : 0
            failed += rowFailed
            let started = scan.int(2)
            first = min(first ?? started, started)
            last = max(last ?? started, started)
            let local = started + utcOffset
            let rowDay = Self.floorDivide(local, Self.microsPerDay)
            if rowDay != day {
                if dayCount > 0 { add(day: day, dayCount, dayFailed) }
                day = rowDay
                dayCount = 0
                dayFailed = 0
            }
            dayCount += 1
            dayFailed += rowFailed
            let hour = Int((local - rowDay * Self.microsPerDay) / Self.microsPerHour)
            hours[hour].count += 1
            hours[hour].failed += rowFailed
            scan.withBlob(0) { programs.add(Tally.firstWord($0), failed: rowFailed) }
            if let dir = scan.optionalInt(1), dir >= 0 {
                if dir >= directories.count {
                    directories += repeatElement((count: Int64(0), failed: Int64(0)), count: Int(dir) + 1 - directories.count)
                }
                directories[Int(dir)].count += 1
                directories[Int(dir)].failed += rowFailed
            } else {
                withoutDirectory.count += 1
                withoutDirectory.failed += rowFailed
            }
            if let rowSession = scan.optionalInt(5), rowSession != session {
                sessions.insert(rowSession)
                session = rowSession
            }
            if let micros = scan.optionalInt(3) {
                totalDurationMicros += micros
                durations.append(micros)
                durationBuckets[HistoryStats.Durations.bucket(micros)] += 1
                if scan.int(7) != 0 {
                    runJobs += 1
                    runWallMicros += micros
                }
                if slowest.count < top || micros > slowest[slowest.count - 1].micros {
                    insertSlow(micros, scan.int(6), top: top)
                }
            }
        }
        if dayCount > 0 { add(day: day, dayCount, dayFailed) }
    }

    private mutating func add(day: Int64, _ count: Int64, _ failed: Int64) {
        let sum = days[day, default: (0, 0)]
        days[day] = (sum.count + count, sum.failed + failed)
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
            directories += repeatElement((count: Int64(0), failed: Int64(0)), count: other.directories.count - directories.count)
        }
        for (dir, sum) in other.directories.enumerated() {
            directories[dir].count += sum.count
            directories[dir].failed += sum.failed
        }
        withoutDirectory.count += other.withoutDirectory.count
        withoutDirectory.failed += other.withoutDirectory.failed
        sessions.formUnion(other.sessions)
        for (day, sum) in other.days { add(day: day, sum.count, sum.failed) }
        for hour in 0..<24 {
            hours[hour].count += other.hours[hour].count
            hours[hour].failed += other.hours[hour].failed
        }
        durations += other.durations
        for bucket in durationBuckets.indices { durationBuckets[bucket] += other.durationBuckets[bucket] }
        let top = max(slowest.count, other.slowest.count)
        for slow in other.slowest { insertSlow(slow.micros, slow.seq, top: top) }
    }

    /// The figures, with directory ids named from `paths` (a directory missing there counts as none).
    /// Consumes the durations (the percentiles are selected in place).
    mutating func figures(top: Int, paths: [Int64: [UInt8]]) -> HistoryStats {
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
        for (dir, sum) in directories.enumerated() where sum.count > 0 {
            if let path = paths[Int64(dir)] {
                path.withUnsafeBytes { named.add($0, count: sum.count, failed: sum.failed) }
            } else {
                named.addMissing(count: sum.count, failed: sum.failed)
            }
        }
        if withoutDirectory.count > 0 { named.addMissing(count: withoutDirectory.count, failed: withoutDirectory.failed) }
        stats.topDirectories = named.top(top)
        stats.perDay = days.sorted { $0.key < $1.key }.map {
            .init(key: String(Timestamp(microseconds: $0.key * Self.microsPerDay).iso8601.prefix(10)), count: $0.value.count, failed: $0.value.failed)
        }
        stats.perHour = hours.enumerated().map { .init(key: $0.offset < 10 ? "0\($0.offset)" : String($0.offset), count: $0.element.count, failed: $0.element.failed) }
        stats.durations.buckets = durationBuckets
        stats.durations.medianMicros = Percentile.nearestRank(0.5, of: &durations)
        stats.durations.p90Micros = Percentile.nearestRank(0.9, of: &durations)
        return stats
    }
}
