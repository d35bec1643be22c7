import ShqStore

/// Push: what the server lacks, in one server transaction. Under the advisory lock (so change numbers
/// become visible in order, `ServerSchema`), the ids of the records go first, the server answers which
/// it lacks (neither held nor deleted), and only those are sealed and `COPY`ed (binary) straight into
/// `shq_records`, in batches made while the server reads the previous one. Deletions and outputs go
/// through staging tables private to the connection, `COPY`ed before the lock.
///
/// The records once went through a staging table too, then `INSERT … SELECT … ON CONFLICT DO NOTHING`:
/// the server wrote and read every row twice (Docs/design/sync.md, "Speed").
extension SyncExchange {
    /// Bytes of COPY data handed to libpq at a time.
    static let copyBatchBytes = 1 << 20

    func push(state: SyncState, report: inout SyncReport) throws {
        let (records, through) = try store.recordsToPush(after: state.pushedThrough)
        let deletions = try store.tombstonesToPush()
        let outputsAfter = state.outputsPushedThrough
        let withOutputs = try outputs && through > outputsAfter
            && store.hasOutputsToPush(after: outputsAfter, through: through)
        if records.isEmpty && deletions.isEmpty && !withOutputs {
            if through > state.pushedThrough || (outputs && through > outputsAfter) {
                try store.markPushed([], through: through, outputsThrough: outputs ? through : nil)
            }
            return
        }
        let connection = server.connection
        try connection.execute("BEGIN")
        do {
            try connection.execute(ServerSchema.createStaging)
            if !deletions.isEmpty {
                try connection.copyIn(ServerSchema.copyDeletions) { send in
                    var copy = CopyBinary(header: true)
                    for deletion in deletions {
                        copy.row(fields: 2)
                        copy.bytea(deletion.id)
                        copy.bigint(deletion.deletedAt.microseconds)
                    }
                    try send(copy.bytes + CopyBinary.trailer)
                }
            }
            if withOutputs {
                try connection.copyIn(ServerSchema.copyOutputs) { send in
                    try copyOutputs(after: outputsAfter, through: through, send: send)
                }
            }
            try connection.execute(ServerSchema.lock)
            if !deletions.isEmpty {
                report.deletionsPushed = try connection.query(ServerSchema.applyDeletions, [.text(origin)]).affected
                try connection.query(ServerSchema.deleteRecords)
            }
            if !records.isEmpty {
                let fresh = try missingRecords(records)
                if !fresh.isEmpty {
                    try connection.copyIn(ServerSchema.copyRecords) { send in try copyRecords(fresh, send: send) }
                }
                report.pushed = fresh.count
            }
            if withOutputs {
                report.outputsPushed = try connection.query(ServerSchema.insertOutputs, [.text(origin)]).affected
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        try store.markPushed(deletions, through: through, outputsThrough: outputs ? through : nil)
    }

    /// The records the server neither holds nor has deleted (under the lock: no other push can add one
    /// before this one commits), with their id bytes. Each id goes with its position in `records`, and
    /// the server answers with positions: no set of ids to hash here.
    private func missingRecords(_ records: [Invocation]) throws -> [(id: [UInt8], record: Invocation)] {
        let ids = records.map { InvocationID.bytes($0.id) }
        try server.connection.copyIn(ServerSchema.copyIDs) { send in
            var copy = CopyBinary(header: true, reserving: records.count * 30 + 32)
            for (position, id) in ids.enumerated() {
                guard let id else { continue }
                copy.row(fields: 2)
                copy.integer(Int32(position))
                copy.bytea(id)
            }
            try send(copy.bytes + CopyBinary.trailer)
        }
        let rows = try server.connection.query(ServerSchema.missingIDs)
        return (0..<rows.count).compactMap { row in
            let position = Int(rows.int(row, 0))
            guard ids.indices.contains(position), let id = ids[position] else { return nil }
            return (id, records[position])
        }
    }

    /// The records as binary COPY rows: sealed (or, on a plain server, the encoded bytes with the
    /// command line and directory as text beside them), sent a batch at a time.
    private func copyRecords(_ records: [(id: [UInt8], record: Invocation)], send: ([UInt8]) throws -> Void) throws {
        var copy = CopyBinary(header: true, reserving: Self.copyBatchBytes + (64 << 10))
        for (id, record) in records {
            let host = record.host ?? ""
            let plain = RecordCodec.encode(record)
            copy.row(fields: 8)
            copy.bytea(id)
            copy.text(origin.utf8)
            copy.text(host.utf8)
            copy.bigint(record.startedAt.microseconds)
            copy.integer(Int32(RecordCodec.version))
            if let key {
                copy.bytea(RecordSeal.seal(plain, associatedData: RecordSeal.associatedData(
                    id: id, host: host, startedAt: record.startedAt.microseconds, version: RecordCodec.version), key: key))
                copy.null()
                copy.null()
            } else {
                copy.bytea(plain)
                copy.text(record.cmdText.utf8)
                if let cwd = record.cwdText { copy.text(cwd.utf8) } else { copy.null() }
            }
            if copy.count >= Self.copyBatchBytes {
                try send(copy.bytes)
                copy.removeAll()
            }
        }
        try send(copy.bytes + CopyBinary.trailer)
    }

    /// The outputs of the records in `after+1 ... through`, the last `OutputCodec.cap` bytes of each
    /// stream, sealed (or plain, with the text beside them), sent a batch at a time.
    private func copyOutputs(after: Int64, through: Int64, send: ([UInt8]) throws -> Void) throws {
        var copy = CopyBinary(header: true, reserving: Self.copyBatchBytes + (64 << 10))
        try store.forEachOutputToPush(after: after, through: through, cap: OutputCodec.cap) { output in
            let plain = OutputCodec.encode(output)
            copy.row(fields: 5)
            copy.bytea(output.id)
            copy.text(output.stream.rawValue.utf8)
            copy.integer(Int32(OutputCodec.version))
            if let key {
                copy.bytea(RecordSeal.seal(plain, associatedData: OutputCodec.associatedData(
                    id: output.id, stream: output.stream.rawValue, version: OutputCodec.version), key: key))
                copy.null()
            } else {
                copy.bytea(plain)
                let text = output.decompressed() ?? []
                copy.text(String(decoding: text, as: UTF8.self).utf8)
            }
            if copy.count >= Self.copyBatchBytes {
                try send(copy.bytes)
                copy.removeAll()
            }
        }
        try send(copy.bytes + CopyBinary.trailer)
    }
}
