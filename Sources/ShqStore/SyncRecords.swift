import ShqSystem

/// Where this store stands with a sync server, kept in `sync_state` (schema 5).
public struct SyncState: Sendable, Equatable {
    /// This store's name on the server, made at its first sync: records it pushed are not pulled back.
    public var clientID: String?
    /// The server the cursors below belong to: another server means starting over.
    public var serverID: String?
    /// Every record with a row number up to this one has been pushed (or was pulled).
    public var pushedThrough: Int64 = 0
    /// The server's change numbers of the records and deletions pulled so far.
    public var pulledRecords: Int64 = 0
    public var pulledDeletions: Int64 = 0
    /// With `sync_outputs`: the server's change number of the outputs pulled so far, and the row number
    /// through which this store's outputs were pushed (a cursor of their own, so turning `sync_outputs`
    /// on later pushes the outputs of records pushed before).
    public var pulledOutputs: Int64 = 0
    public var outputsPushedThrough: Int64 = 0
    public var lastSuccess: Timestamp?

    public init() {}
}

/// A deletion to push: the record's id and when it was deleted.
public struct Tombstone: Sendable, Equatable {
    public var id: [UInt8]
    public var deletedAt: Timestamp

    public init(id: [UInt8], deletedAt: Timestamp) {
        self.id = id
        self.deletedAt = deletedAt
    }
}

/// The local half of `shq sync`: what to push, and applying what was pulled, each in one transaction.
extension Store {
    private static let stateKeys = [
        "client_id", "server_id", "pushed_through", "pulled_records", "pulled_deletions", "pulled_outputs",
        "outputs_pushed_through", "last_success",
    ]

    public func syncState() throws -> SyncState {
        let query = try db.prepare("SELECT key, value FROM sync_state")
        var state = SyncState()
        while try query.step() {
            let value = query.string(1)
            switch query.string(0) {
            case "client_id": state.clientID = value
            case "server_id": state.serverID = value
            case "pushed_through": state.pushedThrough = Int64(value) ?? 0
            case "pulled_records": state.pulledRecords = Int64(value) ?? 0
            case "pulled_deletions": state.pulledDeletions = Int64(value) ?? 0
            case "pulled_outputs": state.pulledOutputs = Int64(value) ?? 0
            case "outputs_pushed_through": state.outputsPushedThrough = Int64(value) ?? 0
            case "last_success": state.lastSuccess = Int64(value).map(Timestamp.init(microseconds:))
            default: break
            }
        }
        return state
    }

    /// Writes the whole state (inside the caller's transaction, if any).
    public func saveSyncState(_ state: SyncState) throws {
        try db.writeTransaction { () throws in
            let values: [String?] = [
                state.clientID, state.serverID, String(state.pushedThrough), String(state.pulledRecords),
                String(state.pulledDeletions), String(state.pulledOutputs), String(state.outputsPushedThrough),
                state.lastSuccess.map { String($0.microseconds) },
            ]
            let upsert = try db.prepare("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?1, ?2)")
            let delete = try db.prepare("DELETE FROM sync_state WHERE key = ?1")
            for (key, value) in zip(Self.stateKeys, values) {
                let statement = value == nil ? delete : upsert
                statement.reset()
                statement.bind(1, key)
                if let value { statement.bind(2, value) }
                try statement.run()
            }
        }
    }

    /// The finished records after row `seq`, oldest row first, and the row number every record up to
    /// which is final: a running command's record is pushed once it ends, so the cursor stops before it
    /// (records after it are offered again until then; the server keeps the first copy).
    public func recordsToPush(after seq: Int64) throws -> (records: [Invocation], through: Int64) {
        let through = try db.prepare("""
            SELECT coalesce(
                (SELECT min(seq) - 1 FROM invocation_rows WHERE seq > ?1 AND status IN ('running', 'stopped')),
                (SELECT max(seq) FROM invocation_rows), ?1)
            """)
        through.bind(1, seq)
        _ = try through.step()
        let cursor = max(seq, through.int(0))
        let query = try db.prepare("""
            SELECT \(Self.invocationColumns) FROM \(Self.invocationsFrom)
            WHERE i.seq > ?1 AND i.status NOT IN ('running', 'stopped') ORDER BY i.seq
            """)
        query.bind(1, seq)
        var records: [Invocation] = []
        while try query.step() { records.append(Self.decodeInvocation(query)) }
        return (records, cursor)
    }

    /// How many finished records after row `seq` wait to be pushed, and how many deletions.
    public func syncBacklog(after seq: Int64) throws -> (records: Int, deletions: Int) {
        let query = try db.prepare("""
            SELECT (SELECT count(*) FROM invocation_rows WHERE seq > ?1 AND status NOT IN ('running', 'stopped')),
                   (SELECT count(*) FROM sync_tombstones WHERE pushed = 0)
            """)
        query.bind(1, seq)
        _ = try query.step()
        return (Int(query.int(0)), Int(query.int(1)))
    }

    /// Deletions not pushed yet.
    public func tombstonesToPush() throws -> [Tombstone] {
        let query = try db.prepare("SELECT id, deleted_at FROM sync_tombstones WHERE pushed = 0")
        var found: [Tombstone] = []
        while try query.step() {
            found.append(Tombstone(id: query.bytes(0), deletedAt: Timestamp(microseconds: query.int(1))))
        }
        return found
    }

    /// After a push: these deletions are on the server, and the records through row `through` too (and
    /// their outputs through `outputsThrough`, when given).
    public func markPushed(_ tombstones: [Tombstone], through: Int64, outputsThrough: Int64? = nil) throws {
        try db.writeTransaction { () throws in
            let mark = try db.prepare("UPDATE sync_tombstones SET pushed = 1 WHERE id = ?1")
            for tombstone in tombstones {
                mark.reset()
                tombstone.id.withUnsafeBytes { mark.bindBlob(1, $0) }
                try mark.run()
            }
            var state = try syncState()
            state.pushedThrough = max(state.pushedThrough, through)
            if let outputsThrough { state.outputsPushedThrough = max(state.outputsPushedThrough, outputsThrough) }
            try saveSyncState(state)
        }
    }

    /// Applies what was pulled, all or nothing: adds the records this store has neither got nor deleted,
    /// deletes the records deleted elsewhere (keeping their tombstones, so a stale copy is refused later),
    /// and moves the pull cursors to the server's change numbers given. Pulled records are not pushed back: when every local record
    /// was pushed before them, the push cursor moves past them. Returns how many were added and deleted.
    ///
    /// Outputs (`sync_outputs`) are stored after the records and deletions, for records the store then
    /// holds; `pulledOutputs` nil leaves the outputs cursors alone (outputs not synced by this client).
    public func applyPulled(
        _ records: [Invocation], deletions: [Tombstone], outputs: [SyncedOutput] = [],
        pulledRecords: Int64, pulledDeletions: Int64, pulledOutputs: Int64? = nil
    ) throws -> (added: Int, deleted: Int, outputs: Int) {
        let counts = try db.writeTransaction { () throws -> (Int, Int, Int) in
            var state = try syncState()
            state.pulledRecords = max(state.pulledRecords, pulledRecords)
            state.pulledDeletions = max(state.pulledDeletions, pulledDeletions)
            let before = try db.scalarInt("SELECT max(seq) FROM invocation_rows") ?? 0
            let staging = try ImportStaging(self)
            for record in records { try staging.add(StorableInvocation(record)) }
            let added = try staging.moveSkippingKnownAndDeleted()
            let tombstone = try db.prepare("""
                INSERT INTO sync_tombstones(id, deleted_at, pushed) VALUES (?1, ?2, 1)
                ON CONFLICT(id) DO UPDATE SET pushed = 1
                """)
            let delete = try db.prepare("DELETE FROM invocation_rows WHERE id = ?1 AND status NOT IN ('running', 'stopped')")
            var deleted = 0
            if !deletions.isEmpty { try db.execute("PRAGMA secure_delete=ON") }
            for deletion in deletions {
                tombstone.reset()
                deletion.id.withUnsafeBytes { tombstone.bindBlob(1, $0) }
                tombstone.bind(2, deletion.deletedAt.microseconds)
                try tombstone.run()
                delete.reset()
                deletion.id.withUnsafeBytes { delete.bindBlob(1, $0) }
                try delete.run()
                deleted += db.changes
            }
            if deleted > 0 {
                try deleteUnreferencedBlobs()
                try db.execute(Schema.deleteUnusedNamesSQL)
            }
            let outputsStored = try storePulledOutputs(outputs)
            let newest = try db.scalarInt("SELECT max(seq) FROM invocation_rows") ?? 0
            if state.pushedThrough >= before { state.pushedThrough = newest }
            if let pulledOutputs {
                state.pulledOutputs = max(state.pulledOutputs, pulledOutputs)
                // The pulled records' outputs came from the server: not pushed back either.
                if state.outputsPushedThrough >= before { state.outputsPushedThrough = newest }
            }
            try saveSyncState(state)
            return (added, deleted, outputsStored)
        }
        // Deleted records' chunks, and pulled outputs dropped as duplicates: their chunk-file ranges.
        try releaseFreedChunks()
        if counts.1 > 0 { try reclaimSpace() }
        return counts
    }

    /// Keeps the ids of the records a `forget` or `prune` is about to delete (`condition` over
    /// `invocation_rows`, with its bound values), once this store has synced: another machine may hold
    /// them. A store that never synced keeps no trace of what it forgets.
    func keepTombstones(where condition: String, bind: (Statement) -> Void) throws {
        let keep = try db.prepare("""
            INSERT INTO sync_tombstones(id, deleted_at)
            SELECT id, \(Timestamp.now().microseconds) FROM invocation_rows
            WHERE (\(condition)) AND status NOT IN ('running', 'stopped')
              AND EXISTS (SELECT 1 FROM sync_state WHERE key = 'client_id')
            ON CONFLICT(id) DO NOTHING
            """)
        bind(keep)
        try keep.run()
    }
}
