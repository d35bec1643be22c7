/// Forgetting: deleting invocations with everything that hangs off them, then rewriting the file so no
/// byte of what was deleted remains in the database or its WAL. Once the store has synced, the ids of
/// the deleted records stay as tombstones (`keepTombstones`) so the deletion reaches the other machines.
///
/// Deletes go through `invocation_rows` (events and outputs follow by ON DELETE CASCADE, and any trigger
/// kept by a full-text index fires as for any delete); blobs, directories and names no longer referenced
/// go next, chunks by cascade; the chunks' ranges in the chunk file are released (punched) once the
/// deletion has committed (`releaseFreedChunks`). `secure_delete` zeroes freed content; full-text indexes are merged (`optimize`) so deleted
/// terms leave their segments; VACUUM rebuilds the file; a TRUNCATE checkpoint empties the WAL.
extension Store {
    /// Deletes these invocations (live ones are refused: their writer still appends) and reclaims the
    /// space. Returns how many were deleted.
    @discardableResult
    public func forget(_ seqs: [Int64]) throws -> Int {
        let deleted = try db.writeTransaction { () throws -> Int in
            try db.execute("PRAGMA secure_delete=ON")
            let delete = try db.prepare("DELETE FROM invocation_rows WHERE seq = ? AND status NOT IN ('running', 'stopped')")
            var count = 0
            for seq in seqs {
                try keepTombstones(where: "seq = ?1") { $0.bind(1, seq) }
                delete.reset()
                delete.bind(1, seq)
                try delete.run()
                count += db.changes
            }
            try deleteUnreferencedBlobs()
            try db.execute(Schema.deleteUnusedNamesSQL)
            return count
        }
        try releaseFreedChunks()
        if deleted > 0 { try reclaimSpace() }
        return deleted
    }

    /// Deletes finished invocations that started before `cutoff`, and sessions left without any.
    @discardableResult
    public func prune(startedBefore cutoff: Timestamp) throws -> Int {
        let deleted = try db.writeTransaction { () throws -> Int in
            try db.execute("PRAGMA secure_delete=ON")
            let delete = try db.prepare("DELETE FROM invocation_rows WHERE started_at < ? AND status NOT IN ('running', 'stopped')")
            try keepTombstones(where: "started_at < ?1") { $0.bind(1, cutoff.microseconds) }
            delete.bind(1, cutoff.microseconds)
            try delete.run()
            let count = db.changes
            let sessions = try db.prepare("""
                DELETE FROM sessions WHERE started_at < ? AND NOT EXISTS (
                    SELECT 1 FROM invocation_rows r WHERE r.session = (SELECT id FROM names WHERE name = sessions.id))
                """)
            sessions.bind(1, cutoff.microseconds)
            try sessions.run()
            try deleteUnreferencedBlobs()
            try db.execute(Schema.deleteUnusedNamesSQL)
            return count
        }
        try releaseFreedChunks()
        if deleted > 0 { try reclaimSpace() }
        return deleted
    }

    /// Drops everything captured for one invocation (the no-save marker): its outputs rows, blobs no
    /// longer used, and the WAL frames that held them. The invocation itself stays.
    public func discardOutputs(of seq: Int64) throws {
        try db.writeTransaction { () throws in
            try db.execute("PRAGMA secure_delete=ON")
            let delete = try db.prepare("DELETE FROM outputs WHERE invocation = ?")
            delete.bind(1, seq)
            try delete.run()
            try deleteUnreferencedBlobs()
        }
        // Their bytes in the chunk file: released now, unless this joined a caller's transaction (then the
        // caller's commit comes first, and the next release does it).
        try releaseFreedChunks()
        // Best effort: with a reader holding the WAL, the frames go at the next checkpoint instead.
        _ = try? checkpoint()
    }

    /// Blobs no `outputs` row points at (inside the caller's transaction).
    func deleteUnreferencedBlobs() throws {
        try db.execute("""
            DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM outputs o WHERE o.blob = blobs.id)
            """)
    }

    /// Merges full-text indexes, rebuilds the file, and empties the WAL.
    public func reclaimSpace() throws {
        let indexes = try db.prepare("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts%'
            """)
        var names: [String] = []
        while try indexes.step() { names.append(indexes.string(0)) }
        for name in names {
            let quoted = "\"" + name.replacingDoubleQuotes + "\""
            try db.execute("INSERT INTO \(quoted)(\(quoted)) VALUES('optimize')")
        }
        try checkpoint()
        try db.execute("VACUUM")
        try checkpoint()
    }

    /// Copies the WAL into the database and truncates it to zero bytes. Fails if a reader holds it open.
    public func checkpoint() throws {
        let statement = try db.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
        guard try statement.step() else { return }
        if statement.int(0) != 0 {
            throw StoreError(path, "another shq is reading the history; the WAL could not be emptied yet (run the command again)")
        }
    }
}

extension String {
    fileprivate var replacingDoubleQuotes: String {
        split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
    }
}
