import ShqStore

/// Pull: what other machines pushed since this store's cursors, read in one server snapshot, every seal
/// opened before anything is applied, then applied in one local transaction.
extension SyncExchange {
    /// How many records one pull query returns at most (memory stays bounded per query).
    static let pullBatch = 20_000
    /// Outputs per query: each may hold up to `OutputCodec.cap` bytes.
    static let outputsBatch = 256

    func pull(state: SyncState, report: inout SyncReport) throws {
        // The numbers read when the server was opened: nothing newer than the cursors, nothing to read.
        let seen = server.newest
        if seen.records <= state.pulledRecords && seen.deletions <= state.pulledDeletions
            && (!outputs || seen.outputs <= state.pulledOutputs) { return }
        let connection = server.connection
        // One snapshot for the whole pull: the newest change numbers and every row below them agree.
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        var records: [Invocation] = []
        var deletions: [Tombstone] = []
        var pulledOutputs: [SyncedOutput] = []
        var newest = ServerSchema.Newest()
        do {
            let top = try connection.query(ServerSchema.newestChanges)
            newest = .init(
                records: max(top.int(0, 0), state.pulledRecords), deletions: max(top.int(0, 1), state.pulledDeletions),
                outputs: max(top.int(0, 2), state.pulledOutputs))
            try pages(ServerSchema.pullRecords, after: state.pulledRecords, through: newest.records, limit: Self.pullBatch) { rows, row in
                records.append(try openRecord(rows, row))
            }
            if newest.deletions > state.pulledDeletions {
                let rows = try connection.query(ServerSchema.pullDeletions, [
                    .int(state.pulledDeletions), .int(newest.deletions), .text(origin),
                ])
                for row in 0..<rows.count {
                    deletions.append(Tombstone(id: rows.bytes(row, 1), deletedAt: Timestamp(microseconds: rows.int(row, 2))))
                }
            }
            if outputs {
                try pages(ServerSchema.pullOutputs, after: state.pulledOutputs, through: newest.outputs, limit: Self.outputsBatch) { rows, row in
                    pulledOutputs.append(try openOutput(rows, row))
                }
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        if records.isEmpty && deletions.isEmpty && pulledOutputs.isEmpty && newest.records == state.pulledRecords
            && newest.deletions == state.pulledDeletions && (!outputs || newest.outputs == state.pulledOutputs) { return }
        let applied = try store.applyPulled(
            records, deletions: deletions, outputs: pulledOutputs, pulledRecords: newest.records,
            pulledDeletions: newest.deletions, pulledOutputs: outputs ? newest.outputs : nil)
        report.pulled = applied.added
        report.deleted = applied.deleted
        report.outputsPulled = applied.outputs
        if applied.added > 0 { report.pulledHosts = Set(records.compactMap(\.host)) }
    }

    /// Runs a pull query (`$1` after, `$2` through, `$3` origin, `$4` limit; `seq` first) page by page
    /// from `after` up to `through`, calling `body` for each row.
    private func pages(
        _ sql: String, after: Int64, through: Int64, limit: Int, _ body: (PostgresResult, Int) throws -> Void
    ) throws {
        var cursor = after
        while cursor < through {
            let rows = try server.connection.query(sql, [.int(cursor), .int(through), .text(origin), .int(Int64(limit))])
            if rows.count == 0 { break }
            for row in 0..<rows.count { try body(rows, row) }
            cursor = rows.int(rows.count - 1, 0)
        }
    }

    /// A pulled row as a record: its seal opened (or, on a plain server, its bytes decoded). A seal
    /// that does not open stops the whole sync before anything is applied.
    private func openRecord(_ rows: PostgresResult, _ row: Int) throws -> Invocation {
        let idBytes = rows.bytes(row, 1)
        let id = idBytes.count == 16 ? InvocationID.text(idBytes) : "?"
        let host = rows.string(row, 2)
        let startedAt = rows.int(row, 3)
        let version = UInt32(truncatingIfNeeded: rows.int(row, 4))
        if version > RecordCodec.version {
            throw SyncError("record \(id) on the server was written by a newer shq (record version \(version)): upgrade shq on this machine")
        }
        let payload = rows.bytes(row, 5)
        let plain: [UInt8]?
        if let key {
            plain = RecordSeal.open(payload, associatedData: RecordSeal.associatedData(
                id: idBytes, host: host, startedAt: startedAt, version: version), key: key)
        } else {
            plain = payload
        }
        guard let plain, let record = RecordCodec.decode(
            plain, id: id, host: host, startedAt: Timestamp(microseconds: startedAt))
        else {
            throw SyncError("record \(id) from host '\(host)' on the server does not open with this machine's key: "
                + "it was changed on the server (or sealed with another key); nothing was applied here")
        }
        var invocation = record
        if host.isEmpty { invocation.host = nil }
        return invocation
    }

    /// A pulled output, opened like a record.
    private func openOutput(_ rows: PostgresResult, _ row: Int) throws -> SyncedOutput {
        let id = rows.bytes(row, 1)
        let name = id.count == 16 ? InvocationID.text(id) : "?"
        let streamName = rows.string(row, 2)
        let version = UInt32(truncatingIfNeeded: rows.int(row, 3))
        if version > OutputCodec.version {
            throw SyncError("the output of record \(name) on the server was written by a newer shq (output version \(version)): upgrade shq on this machine")
        }
        let payload = rows.bytes(row, 4)
        let plain = key.map {
            RecordSeal.open(payload, associatedData: OutputCodec.associatedData(id: id, stream: streamName, version: version), key: $0)
        } ?? payload
        guard let stream = OutputStream(rawValue: streamName), let plain,
              let output = OutputCodec.decode(plain, id: id, stream: stream)
        else {
            throw SyncError("the \(streamName) output of record \(name) on the server does not open with this machine's key: "
                + "it was changed on the server (or sealed with another key); nothing was applied here")
        }
        return output
    }
}
