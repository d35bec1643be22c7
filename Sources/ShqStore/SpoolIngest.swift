import CShims
import Glibc
import ShqSystem

/// Moving hook records from the spool into the store.
///
/// The hooks append one line per command to `<session>.spool` in `StoreLocation.spoolDirectory` (the
/// prompt path spawns no process, so it cannot talk to SQLite). Ingest, under an exclusive `flock` on
/// `.lock` so ingests never overlap:
/// 1. leftovers (`*.taken`, from an ingest that died) are picked up again;
/// 2. each `*.spool` is renamed to `<session>.<µs>.taken`: the shell's next record starts a fresh file;
/// 3. a read lease on the taken file proves no shell still has it open (a shell that opened it just before
///    the rename may still be writing); if one does, the file waits for the next ingest;
/// 4. every complete line goes into the store in ONE transaction, each command with the import key
///    `hook:<session>:<n>`, so a file ingested twice adds nothing;
/// 5. only after the commit are the taken files removed. A failure anywhere leaves them for next time;
/// 6. then whole records that waited for a locked store (`PendingRecordFile`), one transaction each.
extension Store {
    public struct SpoolIngestReport: Equatable, Sendable {
        public var files = 0
        public var recorded = 0
        public var skipped = 0
        public var malformed = 0
        /// Files left for a later ingest because a shell was still writing them.
        public var busy = 0
        public init() {}
    }

    /// Ingests pending spool lines. `policy` gets each command line and returns the bytes to store, or nil
    /// to drop it (the recording policy). With `wait` false, returns at once if another ingest is running.
    @discardableResult
    public func ingestSpool(wait: Bool = true, policy: ([UInt8]) -> [UInt8]?) throws -> SpoolIngestReport {
        let directory = location.spoolDirectory
        var report = SpoolIngestReport()
        // The common case, nothing pending, costs one opendir/readdir and no lock.
        guard Self.pendingSpoolFiles(in: directory).contains(where: { _ in true }) else { return report }
        let lockFD = open(directory + "/.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw StoreError(directory, "cannot open the spool lock: \(errnoDescription(errno))") }
        defer { close(lockFD) }
        if flock(lockFD, wait ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return report }
            throw StoreError(directory, "cannot lock the spool: \(errnoDescription(errno))")
        }

        var taken: [String] = []
        var records: [String] = []
        for name in Self.pendingSpoolFiles(in: directory) {
            let path = directory + "/" + name
            if name.hasSuffix(".taken") { taken.append(path); continue }
            if name.hasSuffix(PendingRecordFile.suffix) { records.append(path); continue }
            let session = String(name.dropLast(".spool".count))
            let target = directory + "/" + session + "." + String(Timestamp.now().microseconds) + ".taken"
            if rename(path, target) == 0 { taken.append(target) }
        }

        var contents: [(path: String, bytes: [UInt8])] = []
        for path in taken {
            guard let bytes = Self.readOnceUnwritten(path) else { report.busy += 1; continue }
            contents.append((path, bytes))
        }
        if !contents.isEmpty {
            try db.writeTransaction { () throws in
                for (_, bytes) in contents {
                    try ingest(spoolBytes: bytes, report: &report, policy: policy)
                }
            }
            for (path, _) in contents { unlink(path) }
            report.files = contents.count
            Self.removeStaleScratchFiles(in: directory)
        }
        // Whole records after the hook lines: a session's pending output attaches to a hook record.
        for path in records {
            try ingestPendingRecordFile(path, report: &report)
        }
        // An `R` line replaces a record's output: the old chunks' ranges, now that the ingest committed.
        if !records.isEmpty { try releaseFreedChunks() }
        return report
    }

    /// Writes one `PendingRecordFile` into the store and removes it after the commit. A file that is not
    /// a pending record is set aside as `<name>.bad` (never retried, never deleted unread).
    private func ingestPendingRecordFile(_ path: String, report: inout SpoolIngestReport) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return }  // taken by another ingest meanwhile
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return }
        let size = Int(info.st_size)
        // Mapped, not read: a spooled `shq save` may hold a large output.
        let mapping = size > 0 ? mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0) : nil
        if size > 0, mapping == MAP_FAILED { throw StoreError(path, "cannot read: \(errnoDescription(errno))") }
        defer { if let mapping, mapping != MAP_FAILED { munmap(mapping, size) } }
        do {
            try ingestPendingRecord(UnsafeRawBufferPointer(start: mapping, count: size), name: path)
        } catch let error as StoreError where error.sqliteCode == nil {
            rename(path, path + ".bad")
            report.malformed += 1
            return
        }
        unlink(path)
        report.files += 1
        report.recorded += 1
    }

    /// The bash hook reads each command line back through `.<session>.line`, rewritten at every command;
    /// `shq hook off`/`on` leave a word for the hook in `.<session>.hook`. One untouched for a week belongs
    /// to a shell that is gone (a live one recreates it if needed).
    static func removeStaleScratchFiles(in directory: String) {
        let cutoff = Timestamp.now().seconds - 7 * 86_400
        for name in entries(of: directory) where name.hasPrefix(".") && (name.hasSuffix(".line") || name.hasSuffix(".hook")) {
            var info = stat()
            let path = directory + "/" + name
            if lstat(path, &info) == 0, Int64(info.st_mtim.tv_sec) < cutoff { unlink(path) }
        }
    }

    /// Applies one spool file's lines (inside the caller's transaction).
    func ingest(spoolBytes bytes: [UInt8], report: inout SpoolIngestReport, policy: ([UInt8]) -> [UInt8]?) throws {
        var sessions: [String: SpoolRecord.Session] = [:]
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        // The last piece has no newline: empty, or a line cut short by a shell that died mid-write.
        if let partial = lines.popLast(), !partial.isEmpty { report.malformed += 1 }
        for line in lines where !line.isEmpty {
            switch SpoolRecord.decode(line) {
            case .session(let session)?:
                sessions[session.id] = session
                try upsertSession(session)
            case .command(let command)?:
                guard let cmd = policy(command.cmd) else { report.skipped += 1; continue }
                let session = sessions[command.session]
                var invocation = Invocation(
                    id: InvocationID.make(at: command.startedAt), session: command.session, cmd: cmd,
                    cwd: command.cwd, host: session?.host, user: session?.user, shell: session?.shell,
                    tty: session?.tty, source: .hook, startedAt: command.startedAt,
                    endedAt: Timestamp(microseconds: command.startedAt.microseconds + command.durationMicros),
                    durationMicros: command.durationMicros, exitCode: command.exitStatus,
                    status: command.exitStatus == 0 ? .completed : .failed,
                    // Stage statuses only say something for a pipeline; one stage repeats the exit status.
                    pipestatus: command.pipestatus.flatMap { $0.contains(" ") ? $0 : nil },
                    importKey: "hook:\(command.session):\(command.number)")
                if invocation.cwd?.isEmpty == true { invocation.cwd = nil }
                if try insert(invocation) != nil { report.recorded += 1 }
            case nil:
                report.malformed += 1
            }
        }
    }

    private func upsertSession(_ session: SpoolRecord.Session) throws {
        let statement = try db.prepare("""
            INSERT INTO sessions(id, shell, tty, host, user, pid, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO NOTHING
            """)
        statement.bind(1, session.id)
        statement.bind(2, session.shell)
        statement.bind(3, session.tty)
        statement.bind(4, session.host)
        statement.bind(5, session.user)
        statement.bind(6, session.pid.map(Int64.init))
        statement.bind(7, session.startedAt.microseconds)
        try statement.run()
    }

    /// Names of spool files waiting in `directory`: live `*.spool` and leftover `*.taken`.
    static func pendingSpoolFiles(in directory: String) -> [String] {
        entries(of: directory).filter { name in
            !name.hasPrefix(".") && (name.hasSuffix(".spool") || name.hasSuffix(".taken") || name.hasSuffix(PendingRecordFile.suffix))
        }.sorted()
    }

    /// The names in a folder (none when it cannot be read).
    private static func entries(of directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            names.append(withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            })
        }
        return names
    }

    /// The file's bytes once no process has it open for writing (checked with a read lease, retried for
    /// up to ~200 ms); nil if a writer keeps it open. Filesystems without leases are read at once.
    static func readOnceUnwritten(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var attempts = 0
        while shq_take_read_lease(fd) != 0 {
            let failure = errno
            if failure != EAGAIN && failure != EWOULDBLOCK { break }  // no lease support: read anyway
            attempts += 1
            if attempts > 100 { return nil }
            usleep(2_000)
        }
        defer { _ = shq_release_lease(fd) }
        return try? readAll(fd: fd)
    }
}

extension StoreLocation {
    /// Where the hooks spool records for this database: `<database>-spool/` (beside SQLite's `-wal` and
    /// `-shm`), so two databases in one folder never share a spool.
    public var spoolDirectory: String { databasePath + "-spool" }

    /// Whether anything was recorded here yet: the database file exists, or hook records wait in the
    /// spool (the first command that opens the store moves them in).
    public var holdsHistory: Bool {
        access(databasePath, F_OK) == 0 || !Store.pendingSpoolFiles(in: spoolDirectory).isEmpty
    }

    /// Creates the spool folder owner-only when absent.
    public func createSpoolDirectory() throws {
        try createDirectory()
        try Self.makeDirectories(spoolDirectory)
    }
}
