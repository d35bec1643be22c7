import CShims
import CSQLite
import Glibc

/// The history store: one SQLite file, created owner-only on first use and checked owner-only on every
/// open (`OwnerOnly`), always up to date.
public final class Store {
    public let db: Database
    public let location: StoreLocation

    public var path: String { location.databasePath }

    /// One zstd context for every chunk this store reads: made per read, it was 6% of `shq grep`
    /// over thousands of small outputs (perf). A `Store` is used by one thread at a time.
    lazy var decompressor = ChunkCodec.Decompressor()

    /// The output chunks outside SQLite (`<database>-chunks`), opened when first read or written.
    lazy var chunkFile = ChunkFile(path: location.chunkFilePath)

    /// Opens the store for reading and writing, creating it (and its folder) if needed.
    public init(location: StoreLocation) throws {
        self.location = location
        try location.createDirectory()
        try OwnerOnly.check(location)
        // umask 077 while SQLite creates the database, WAL and shm files: they are born 0600, never briefly
        // readable by others. Restored at once, since commands shq spawns inherit the umask.
        let savedMask = umask(0o077)
        defer { umask(savedMask) }
        self.db = try Database(path: location.databasePath)
        try configure()
        try Schema.migrate(db)
    }

    /// How long a statement waits for another connection's lock before failing.
    public static let busyMilliseconds: Int32 = 10_000

    /// How long `shq run` and `shq save` wait for the write lock before they go on without the store
    /// (the record is written later: `PendingRecordFile`). Other shq writers hold the lock for a few
    /// milliseconds; this only gives way to a long holder. 40, not 50: with the ordinary start on top,
    /// the command starts within 50 ms of being invoked (`bench/22-locked.sh`: 55 ms with a 50 ms wait).
    public static let startWaitMilliseconds: Int32 = 40

    /// Runs `body` with statements waiting at most `milliseconds` for another connection's lock (they
    /// fail with `StoreError.isBusy` after that), then restores the usual `busyMilliseconds`.
    /// The corresponding C function is `sqlite3_busy_timeout`.
    @discardableResult
    public func waitingAtMost<T>(milliseconds: Int32, _ body: () throws -> T) rethrows -> T {
        sqlite3_busy_timeout(db.handle, milliseconds)
        defer { sqlite3_busy_timeout(db.handle, Self.busyMilliseconds) }
        return try body()
    }

    /// For the run's store writer: its lock waits last up to `busyMilliseconds` as before, but give up
    /// (`StoreError.isBusy`) once `gate` is closed, so a lock another process takes during a run never
    /// delays the run's end (the end goes to the spool). Call on the connection's thread; `ungate` before
    /// the gate goes. The corresponding C function is `sqlite3_busy_handler`.
    public func gateLockWaits(_ gate: LockGate) {
        shq_busy_gate_attach(gate.raw, db.handle)
    }

    public func ungateLockWaits(_ gate: LockGate) {
        shq_busy_gate_detach(gate.raw)
    }

    private func configure() throws {
        sqlite3_busy_timeout(db.handle, Self.busyMilliseconds)
        // Most shq processes live a few milliseconds. By default the last connection to close checkpoints
        // the WAL into the database and deletes it, an fsync-heavy step that costs ~20 ms per `shq save`;
        // leave it to the checkpoint every `checkpointPages` (`shq_sqlite_truncating_checkpoints`).
        _ = shq_sqlite_db_config_int(db.handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1)
        // Debian builds SQLite with synchronous=FULL by default; NORMAL is durable enough in WAL mode.
        // Debian also zeroes every freed page (secure_delete=ON): dropping a duplicate 48 MiB output or
        // evicting tail chunks beyond the capture cap then writes it all again as zeros. FAST zeroes only
        // where it costs no extra I/O; forgetting and the no-save marker switch it ON (`Deletion`).
        try db.execute("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=FAST")
        shq_sqlite_truncating_checkpoints(db.handle, Self.checkpointPages, Self.busyMilliseconds)
    }

    /// WAL pages after which a commit checkpoints and empties the log (`shq_sqlite_truncating_checkpoints`).
    /// The first connection of every shq process re-reads the WAL on open (~0.7 ms per MB here): with
    /// SQLite's default of 1000 pages a store in use kept ~2 MB of it on average. 128 pages (512 KiB)
    /// took `shq run true` from 11.6 ± 2.9 ms (max 34) to 9.9 ± 1.5 ms (max 16), Docs/design/store.md.
    public static let checkpointPages: Int32 = 128

    /// Bulk writes (capturing output, importing) checkpoint every 1000 pages (SQLite's default interval)
    /// instead: at 128 pages a 24 MiB capture took 15% longer.
    public func beginBulkWrite() {
        shq_sqlite_truncating_checkpoints(db.handle, 1000, Self.busyMilliseconds)
    }

    /// After a bulk write's last commit: the usual interval again, and a WAL the bulk write left large
    /// (`shq history` after a 24 MiB capture: 10.8 ms, 8.3 once emptied) is copied into the database
    /// and truncated now, unless a reader holds it: then, without waiting, the next commit does it.
    public func endBulkWrite() {
        shq_sqlite_truncating_checkpoints(db.handle, Self.checkpointPages, Self.busyMilliseconds)
        // The chunks appended are synced once, here, not per chunk (as the WAL is synced at checkpoints).
        chunkFile.sync()
        var info = stat()
        // Past the usual interval (128 pages): with the chunks' bytes in the chunk file, a capture's WAL
        // holds only rows and summaries (~40 KB per chunk), so 1 MB — the threshold when chunks were in
        // it — left up to 1 MB for every later process to re-read.
        guard stat(path + "-wal", &info) == 0, info.st_size > Int(Self.checkpointPages) * 4096 else { return }
        shq_sqlite_truncate_wal(db.handle, nil, Self.busyMilliseconds)
    }

    /// A second, read-only connection to the same file, for user-supplied SQL.
    public func openReadOnlyConnection() throws -> Database {
        try Self.openReadOnlyConnection(path: path)
    }

    /// A read-only connection to the store at `path` (which must exist), for use on another thread.
    public static func openReadOnlyConnection(path: String) throws -> Database {
        let reader = try Database(path: path, readOnly: true)
        sqlite3_busy_timeout(reader.handle, Self.busyMilliseconds)
        try reader.execute("PRAGMA query_only=1")
        try reader.restrictToReading()
        return reader
    }
}

/// When the lock waits of one connection give up (`Store.gateLockWaits`): closed from any thread.
public final class LockGate: @unchecked Sendable {
    fileprivate let raw: OpaquePointer?

    public init() { raw = shq_busy_gate_new(Store.busyMilliseconds) }

    deinit { shq_busy_gate_free(raw) }

    /// From `milliseconds` from now, lock waits give up (one that starts later: after `milliseconds`).
    public func close(afterMilliseconds milliseconds: Int32) {
        shq_busy_gate_close(raw, milliseconds)
    }
}
