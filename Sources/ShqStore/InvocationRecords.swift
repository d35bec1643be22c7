import ShqSystem

/// An invocation with the two values the store keeps in another form: the id as its 16 bytes, the import
/// key as its hash. Imports make these on the thread that prepares the next batch, off the writer.
public struct StorableInvocation: Sendable {
    public let invocation: Invocation
    /// nil if `invocation.id` is not a UUID (the insert fails).
    let id: [UInt8]?
    let importKey: Int64?

    public init(_ invocation: Invocation) {
        self.init(invocation, idBytes: InvocationID.bytes(invocation.id))
    }

    /// With the id's bytes already made (`InvocationID.makeBytes`; `invocation.id` is their text).
    public init(_ invocation: Invocation, idBytes: [UInt8]?) {
        self.invocation = invocation
        id = idBytes
        importKey = invocation.importKey.map(FNV1a.storedKey)
    }
}

/// Writing and reading invocation rows and their lifecycle events.
extension Store {
    /// What shq's own reads select from: the stored rows, as `i`. Conditions written over `i` use the
    /// stored columns (`Conditions`); the `invocations` view is for users' SQL. Reading through the view
    /// cost a listing about 0.5 ms more to compile (its columns resolved, its query flattened).
    public static let invocationsFrom = "invocation_rows i"

    /// The columns `decodeInvocation` expects, in order, for a query over `invocationsFrom`: the view's
    /// look-ups for the text columns, the id as its bytes (formatted here, cheaper than in SQL).
    public static let invocationColumns = """
        i.seq, i.id, (SELECT name FROM names WHERE id = i.session), i.cmd, (SELECT path FROM dirs WHERE id = i.dir),
        (SELECT name FROM names WHERE id = i.host), (SELECT name FROM names WHERE id = i.user),
        (SELECT name FROM names WHERE id = i.shell), (SELECT name FROM names WHERE id = i.tty),
        (SELECT name FROM sources WHERE code = i.source), i.started_at, i.ended_at,
        i.duration_us, i.exit_code, i.signal, i.status, i.pid, i.pid_start, i.tag, i.pipestatus, i.import_key, i.wrapper_pid, i.wrapper_start,
        (SELECT sum(o.bytes) FROM outputs o WHERE o.invocation = i.seq AND o.stream IN ('stdout', 'pty')),
        (SELECT o.bytes FROM outputs o WHERE o.invocation = i.seq AND o.stream = 'stderr')
        """

    /// The columns of `invocationColumns`, in their order: rows are decoded by name.
    enum InvocationColumn: Int32 {
        case seq, id, session, cmd, cwd, host, user, shell, tty, source, startedAt, endedAt, durationMicros
        case exitCode, signal, status, pid, pidStart, tag, pipestatus, importKey, wrapperPID, wrapperStart
        case stdoutBytes, stderrBytes
    }

    /// Reads a row selected with `invocationColumns`.
    static func decodeInvocation(_ row: Statement) -> Invocation {
        func at(_ column: InvocationColumn) -> Int32 { column.rawValue }
        func int32(_ column: InvocationColumn) -> Int32? { row.optionalInt(at(column)).map { Int32(truncatingIfNeeded: $0) } }
        var invocation = Invocation(
            id: InvocationID.text(row.bytes(at(.id))),
            session: row.optionalString(at(.session)),
            cmd: row.bytes(at(.cmd)),
            cwd: row.optionalBytes(at(.cwd)),
            host: row.optionalString(at(.host)),
            user: row.optionalString(at(.user)),
            shell: row.optionalString(at(.shell)),
            tty: row.optionalString(at(.tty)),
            source: InvocationSource(rawValue: row.string(at(.source))) ?? .save,
            startedAt: Timestamp(microseconds: row.int(at(.startedAt))),
            endedAt: row.optionalInt(at(.endedAt)).map(Timestamp.init(microseconds:)),
            durationMicros: row.optionalInt(at(.durationMicros)),
            exitCode: int32(.exitCode),
            signal: int32(.signal),
            status: InvocationStatus(rawValue: row.string(at(.status))) ?? .completed,
            pid: int32(.pid),
            pidStartTicks: row.optionalInt(at(.pidStart)),
            tag: row.optionalString(at(.tag)),
            pipestatus: row.optionalString(at(.pipestatus))
        )
        invocation.seq = row.int(at(.seq))
        invocation.wrapperPID = int32(.wrapperPID)
        invocation.wrapperStartTicks = row.optionalInt(at(.wrapperStart))
        invocation.stdoutBytes = row.optionalInt(at(.stdoutBytes))
        invocation.stderrBytes = row.optionalInt(at(.stderrBytes))
        return invocation
    }

    /// The view's columns `insert` writes (`ImportStaging` the stored ones, same order): `insertedColumnList[i]` is `?(i+1)`.
    static let insertedColumnList = [
        "id", "session", "cmd", "cwd", "host", "user", "shell", "tty", "source", "started_at", "ended_at",
        "duration_us", "exit_code", "signal", "status", "pid", "pid_start", "tag", "pipestatus", "import_key",
        "wrapper_pid", "wrapper_start",
    ]

    /// Inserts a new invocation; returns its `seq`. With an `importKey` already present, inserts nothing and
    /// returns nil.
    @discardableResult
    public func insert(_ invocation: Invocation) throws -> Int64? {
        try db.writeTransaction { () throws -> Int64? in
            let statements = try insertStatements()
            if let cwd = invocation.cwd {
                statements.directory.reset()
                statements.directory.bindText(1, cwd)
                try statements.directory.run()
            }
            for name in [invocation.session, invocation.host, invocation.user, invocation.shell, invocation.tty] {
                guard let name else { continue }
                statements.name.reset()
                statements.name.bind(1, name)
                try statements.name.run()
            }
            try bindStoredValues(StorableInvocation(invocation), to: statements.row)
            statements.row.bind(2, invocation.session)
            statements.row.bindText(4, invocation.cwd)
            statements.row.bind(5, invocation.host)
            statements.row.bind(6, invocation.user)
            statements.row.bind(7, invocation.shell)
            statements.row.bind(8, invocation.tty)
            statements.row.bind(9, invocation.source.rawValue)
            try statements.row.run()
            return db.changes == 0 ? nil : db.lastInsertRowID
        }
    }

    /// Compiles what `insert` runs ahead of time. Compiling (with the full-text trigger) costs more than
    /// running: `shq run` does it while it still reads its environment, off the path to the command.
    public func prepareInsert() throws {
        _ = try insertStatements()
    }

    /// The statements of `insert`: interning a directory, a name, then the row from the bound values
    /// (plain VALUES: a third of the compile time of selecting from `boundRow`).
    private func insertStatements() throws -> (directory: Statement, name: Statement, row: Statement) {
        try (
            db.cachedStatement("intern directory") { Schema.internDirectorySQL },
            db.cachedStatement("intern name") { Schema.internNameSQL },
            db.cachedStatement("insert row") { """
                INSERT INTO invocation_rows(\(Schema.storedColumnNames))
                VALUES (\(Schema.storedColumns { "?\(Self.insertedColumnList.firstIndex(of: $0)! + 1)" }))
                ON CONFLICT(import_key) DO NOTHING
                """ }
        )
    }

    /// Binds the columns of `insertedColumnList` stored as they are: the id (as its 16 bytes), cmd, times,
    /// exit, status, pids, tag, pipestatus, import key. The other seven (session, cwd, host, user, shell,
    /// tty, source: 2 and 4–9) are stored as ids: `insert` binds their text for its look-ups,
    /// `ImportStaging` the ids.
    func bindStoredValues(_ row: borrowing StorableInvocation, to statement: Statement) throws {
        guard let id = row.id else {
            throw StoreError(path, "invocation id \(row.invocation.id) is not a UUID")
        }
        id.withUnsafeBytes { statement.bindBlob(1, $0) }
        statement.bindText(3, row.invocation.cmd)
        statement.bind(10, row.invocation.startedAt.microseconds)
        statement.bind(11, row.invocation.endedAt?.microseconds)
        statement.bind(12, row.invocation.durationMicros)
        statement.bind(13, row.invocation.exitCode.map(Int64.init))
        statement.bind(14, row.invocation.signal.map(Int64.init))
        statement.bind(15, row.invocation.status.rawValue)
        statement.bind(16, row.invocation.pid.map(Int64.init))
        statement.bind(17, row.invocation.pidStartTicks)
        statement.bind(18, row.invocation.tag)
        statement.bind(19, row.invocation.pipestatus)
        statement.bind(20, row.importKey)
        statement.bind(21, row.invocation.wrapperPID.map(Int64.init))
        statement.bind(22, row.invocation.wrapperStartTicks)
    }

    /// Appends a lifecycle event and moves the invocation's status with it.
    public func record(_ event: LifecycleEvent, for seq: Int64) throws {
        try recordEventOnly(event, for: seq)
        let status: InvocationStatus? = switch event.kind {
        case .stopped: .stopped
        case .resumed: .running
        case .orphaned: .orphaned
        default: nil
        }
        if let status { try setStatus(status, for: seq) }
    }

    /// Appends a lifecycle event, leaving the status as it is (a pending record's events are history).
    func recordEventOnly(_ event: LifecycleEvent, for seq: Int64) throws {
        let insert = try eventInsert()
        insert.bind(1, seq)
        insert.bind(2, event.at.microseconds)
        insert.bind(3, event.kind.rawValue)
        insert.bind(4, event.signal.map(Int64.init))
        insert.bind(5, event.exitCode.map(Int64.init))
        try insert.run()
    }

    public func setStatus(_ status: InvocationStatus, for seq: Int64) throws {
        let update = try db.prepare("UPDATE invocation_rows SET status = ? WHERE seq = ?")
        update.bind(1, status.rawValue)
        update.bind(2, seq)
        try update.run()
    }

    /// Records how the command ended: exit code or signal, end time, duration, final status.
    public func finish(_ seq: Int64, termination: Termination, endedAt: Timestamp, durationMicros: Int64) throws {
        let update = try endUpdate()
        switch termination {
        case .exited(let code):
            update.bind(1, Int64(code))
            update.bind(2, nil as Int64?)
        case .signaled(let signal):
            update.bind(1, nil as Int64?)
            update.bind(2, Int64(signal))
        }
        update.bind(3, endedAt.microseconds)
        update.bind(4, durationMicros)
        update.bind(5, termination.invocationStatus.rawValue)
        update.bind(6, seq)
        try update.run()
    }

    /// The invocation with this row number.
    public func invocation(seq: Int64) throws -> Invocation? {
        let query = try db.prepare("SELECT \(Self.invocationColumns) FROM \(Self.invocationsFrom) WHERE i.seq = ?")
        query.bind(1, seq)
        return try query.step() ? Self.decodeInvocation(query) : nil
    }

    /// When the oldest recorded command started (nil: none yet); one step down the `started_at` index.
    public func oldestStart() throws -> Timestamp? {
        let query = try db.prepare("SELECT min(started_at) FROM invocation_rows")
        guard try query.step(), let micros = query.optionalInt(0) else { return nil }
        return Timestamp(microseconds: micros)
    }

    /// The lifecycle events of one invocation, oldest first.
    public func events(for seq: Int64) throws -> [LifecycleEvent] {
        let query = try db.prepare("SELECT kind, at, signal, exit_code FROM invocation_events WHERE invocation = ? ORDER BY at, rowid")
        query.bind(1, seq)
        var events: [LifecycleEvent] = []
        while try query.step() {
            guard let kind = LifecycleEvent.Kind(rawValue: query.string(0)) else { continue }
            events.append(LifecycleEvent(
                kind, at: Timestamp(microseconds: query.int(1)),
                signal: query.optionalInt(2).map { Int32($0) }, exitCode: query.optionalInt(3).map { Int32($0) }))
        }
        return events
    }
}
