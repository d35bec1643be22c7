import ShqStore

/// Readers for other tools' SQLite histories, opened read-only.
public enum ForeignHistoryDatabase {
    /// zsh-histdb: `history(id, session, command_id, place_id, exit_status, start_time, duration)` with
    /// `commands(id, argv)` and `places(id, host, dir)`; times in seconds.
    public static func readZshHistdb(_ path: String) throws -> [ImportedCommand] {
        let db = try open(path)
        let rows = try db.prepare("""
            SELECT h.id, h.start_time, h.duration, h.exit_status, h.session, c.argv, p.dir, p.host
            FROM history h JOIN commands c ON c.id = h.command_id LEFT JOIN places p ON p.id = h.place_id
            WHERE h.start_time IS NOT NULL AND c.argv IS NOT NULL
            ORDER BY h.start_time, h.id
            """)
        var commands: [ImportedCommand] = []
        while try rows.step() {
            let start = rows.int(1)
            commands.append(ImportedCommand(
                cmd: rows.bytes(5), startedAt: Timestamp(microseconds: start * 1_000_000),
                durationMicros: rows.optionalInt(2).map { $0 * 1_000_000 },
                exitCode: rows.optionalInt(3).map { Int32(truncatingIfNeeded: $0) },
                cwd: rows.optionalBytes(6), host: rows.optionalString(7),
                session: rows.optionalInt(4).map { "zsh-histdb-\($0)" },
                identity: ImportKey.hash("\(rows.int(0))\u{0}\(start)".utf8)))
        }
        return commands
    }

    /// atuin: `history(id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at)`;
    /// times in nanoseconds, -1 for an unknown duration or exit, cwd "unknown" when not known,
    /// hostname as `host:user`. Deleted entries are not imported.
    public static func readAtuin(_ path: String) throws -> [ImportedCommand] {
        let db = try open(path)
        let rows = try db.prepare("""
            SELECT id, timestamp, duration, exit, command, cwd, session, hostname FROM history
            WHERE deleted_at IS NULL ORDER BY timestamp, id
            """)
        var commands: [ImportedCommand] = []
        while try rows.step() {
            let duration = rows.int(2)
            let exit = rows.int(3)
            let cwd = rows.bytes(5)
            let hostname = rows.string(7)
            let colon = hostname.firstIndex(of: ":")
            commands.append(ImportedCommand(
                cmd: rows.bytes(4), startedAt: Timestamp(microseconds: rows.int(1) / 1000),
                durationMicros: duration >= 0 ? duration / 1000 : nil,
                exitCode: exit == -1 ? nil : Int32(truncatingIfNeeded: exit),
                cwd: cwd == Array("unknown".utf8) ? nil : cwd,
                host: colon.map { String(hostname[..<$0]) } ?? (hostname.isEmpty ? nil : hostname),
                user: colon.map { String(hostname[hostname.index(after: $0)...]) },
                session: rows.optionalString(6), identity: ImportKey.hash(rows.bytes(0))))
        }
        return commands
    }

    static func open(_ path: String) throws -> Database {
        let db = try Database(path: path, readOnly: true, create: false)
        try db.execute("PRAGMA query_only=1")
        return db
    }
}
