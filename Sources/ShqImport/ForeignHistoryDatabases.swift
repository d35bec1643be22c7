import ShqStore

/// zsh-histdb's SQLite database, opened read-only and read as the import goes.
public struct ZshHistdbImporter: HistoryImporter {
    public init() {}

    public var format: ImportFormat { .zshHistdb }

    /// zsh-histdb: `history(id, session, command_id, place_id, exit_status, start_time, duration)` with
    /// `commands(id, argv)` and `places(id, host, dir)`; times in seconds.
    public func open(_ path: String, oldestRecorded: () throws -> Timestamp?) throws -> ImportSource {
        var sessions: [Int64: String] = [:]
        return try ForeignHistoryDatabase.rows(
            of: try ForeignHistoryDatabase.open(path),
            // Counting through the join as well took 26 ms of the 100k-row import; this is the index alone.
            count: "SELECT count(*) FROM history WHERE start_time IS NOT NULL",
            select: """
                SELECT h.id, h.start_time, h.duration, h.exit_status, h.session, c.argv, p.dir, p.host
                FROM history h JOIN commands c ON c.id = h.command_id LEFT JOIN places p ON p.id = h.place_id
                WHERE h.start_time IS NOT NULL AND c.argv IS NOT NULL
                ORDER BY h.start_time, h.id
                """
        ) { row in
            let start = row.int(1)
            let session = row.optionalInt(4).map { number in
                if let name = sessions[number] { return name }
                let name = "zsh-histdb-\(number)"
                sessions[number] = name
                return name
            }
            return ImportedCommand(
                cmd: row.bytes(5), startedAt: Timestamp(microseconds: start * 1_000_000),
                durationMicros: row.optionalInt(2).map { $0 * 1_000_000 },
                exitCode: row.optionalInt(3).map { Int32(truncatingIfNeeded: $0) },
                cwd: row.optionalBytes(6), host: row.optionalString(7), session: session,
                identity: ImportKey.hash("\(row.int(0))\u{0}\(start)".utf8))
        }
    }
}

/// atuin's SQLite database, opened read-only and read as the import goes.
public struct AtuinImporter: HistoryImporter {
    public init() {}

    public var format: ImportFormat { .atuin }

    /// atuin: `history(id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at)`;
    /// times in nanoseconds, -1 for an unknown duration or exit, cwd "unknown" when not known,
    /// hostname as `host:user`. Deleted entries are not imported.
    public func open(_ path: String, oldestRecorded: () throws -> Timestamp?) throws -> ImportSource {
        try ForeignHistoryDatabase.rows(
            of: try ForeignHistoryDatabase.open(path),
            count: "SELECT count(*) FROM history WHERE deleted_at IS NULL",
            select: """
                SELECT id, timestamp, duration, exit, command, cwd, session, hostname FROM history
                WHERE deleted_at IS NULL ORDER BY timestamp, id
                """
        ) { row in
            let duration = row.int(2)
            let exit = row.int(3)
            let cwd = row.bytes(5)
            let hostname = row.string(7)
            let colon = hostname.firstIndex(of: ":")
            return ImportedCommand(
                cmd: row.bytes(4), startedAt: Timestamp(microseconds: row.int(1) / 1000),
                durationMicros: duration >= 0 ? duration / 1000 : nil,
                exitCode: exit == -1 ? nil : Int32(truncatingIfNeeded: exit),
                cwd: cwd == Array("unknown".utf8) ? nil : cwd,
                host: colon.map { String(hostname[..<$0]) } ?? (hostname.isEmpty ? nil : hostname),
                user: colon.map { String(hostname[hostname.index(after: $0)...]) },
                session: row.optionalString(6), identity: ImportKey.hash(row.bytes(0)))
        }
    }
}

/// What the database readers share: a read-only connection, rows read a batch at a time.
enum ForeignHistoryDatabase {
    /// The rows of `select`, each made a command by `command`, read as the import asks for them.
    static func rows(
        of db: Database, count: String, select: String, _ command: @escaping (Statement) -> ImportedCommand
    ) throws -> ImportSource {
        let total = try db.scalarInt(count) ?? 0
        let rows = try db.prepare(select)
        var finished = false  // stepping on after the last row would run the query again
        // The closure keeps `db` (`withExtendedLifetime`): a statement does not keep its connection open.
        return ImportSource(count: Int(total)) { limit in
            var commands: [ImportedCommand] = []
            while !finished, commands.count < limit {
                guard try rows.step() else { finished = true; break }
                commands.append(command(rows))
            }
            withExtendedLifetime(db) {}
            return commands
        }
    }

    static func open(_ path: String) throws -> Database {
        let db = try Database(path: path, readOnly: true, create: false)
        try db.execute("PRAGMA query_only=1")
        return db
    }
}
