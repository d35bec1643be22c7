import Glibc

/// What `shq doctor` says about a store, read without creating or changing anything: whether the file
/// exists, its size, how many commands it holds, what the hook spool still holds, and whether a shell
/// session has reached it.
public struct StoreSummary: Sendable {
    public var location: StoreLocation
    /// The database, WAL and shared-memory files together; nil when there is no database file.
    public var bytes: Int64?
    public var commands: Int64?
    /// Hook spool files not yet moved into the store (any shell).
    public var pendingSpoolFiles: Int
    /// For the session asked about: whether the store knows it (its hook's first prompt, ingested), the
    /// commands stored from it, when its last one started, and whether its hook has an open spool file
    /// (written at its first prompt, until the next ingest).
    public var sessionStored = false
    public var sessionCommands: Int64 = 0
    public var sessionLastStarted: Timestamp?
    public var sessionSpooling = false
    /// Why the database could not be read, if it could not.
    public var error: String?
    /// The chunk file (`<database>-chunks`, the output chunks outside SQLite): its size, and the bytes
    /// allocated to it on disk (less where deleted chunks were punched out); nil when there is none.
    public var chunkFileBytes: Int64?
    public var chunkFileAllocated: Int64?
    /// Where the store says the chunk file ends (0: no chunk written there yet). A chunk file shorter
    /// than this, or missing, has lost output.
    public var chunkFileRecordedEnd: Int64 = 0

    public var exists: Bool { bytes != nil }

    public init(location: StoreLocation, session: String?) {
        self.location = location
        var info = stat()
        if stat(location.databasePath, &info) == 0 {
            bytes = ["", "-wal", "-shm"].reduce(Int64(0)) { total, suffix in
                stat(location.databasePath + suffix, &info) == 0 ? total + Int64(info.st_size) : total
            }
        }
        if stat(location.chunkFilePath, &info) == 0 {
            chunkFileBytes = Int64(info.st_size)
            chunkFileAllocated = Int64(info.st_blocks) * 512
        }
        let spool = location.spoolDirectory
        pendingSpoolFiles = Store.pendingSpoolFiles(in: spool).count
        if let session { sessionSpooling = access(spool + "/" + session + ".spool", F_OK) == 0 }
        guard exists else { return }
        do {
            let db = try Store.openReadOnlyConnection(path: location.databasePath)
            commands = try db.scalarInt("SELECT count(*) FROM invocation_rows")
            // Absent before migration 7 (an old store read without migrating it).
            chunkFileRecordedEnd = (try? db.scalarInt("SELECT end_offset FROM chunk_file")).flatMap { $0 } ?? 0
            if let session {
                let known = try db.prepare("SELECT 1 FROM sessions WHERE id = ?")
                known.bind(1, session)
                sessionStored = try known.step()
                let statement = try db.prepare("SELECT count(*), max(started_at) FROM invocations WHERE session = ?")
                statement.bind(1, session)
                if try statement.step() {
                    sessionCommands = statement.int(0)
                    sessionLastStarted = statement.isNull(1) ? nil : Timestamp(microseconds: statement.int(1))
                }
            }
        } catch {
            self.error = "\(error)"
        }
    }
}
