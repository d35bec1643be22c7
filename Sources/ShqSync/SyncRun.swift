import CSodium
import ShqStore
import ShqSystem

/// What one `shq sync` did.
public struct SyncReport: Sendable, Equatable {
    /// Records the server did not have.
    public var pushed = 0
    /// Deletions the server did not have.
    public var deletionsPushed = 0
    /// Records added here, and the hosts they came from.
    public var pulled = 0
    public var pulledHosts: Set<String> = []
    /// Records deleted here because another machine deleted them.
    public var deleted = 0

    public init() {}

    /// `pushed 120, pulled 3040 from 2 hosts, 0 deleted`.
    public var summary: String {
        var text = "pushed \(pushed)"
        if deletionsPushed > 0 { text += " (and \(deletionsPushed) deletion\(deletionsPushed == 1 ? "" : "s"))" }
        text += ", pulled \(pulled)"
        if pulled > 0 { text += " from \(pulledHosts.count) host\(pulledHosts.count == 1 ? "" : "s")" }
        return text + ", \(deleted) deleted"
    }
}

/// One sync of a store with a server: check the server (schema, mode, key), push what it lacks in one
/// server transaction, pull what other machines pushed and apply it in one local transaction. Each
/// step can be cut short at any point (SIGKILL, a lost connection) and the next sync redoes it: the
/// server keeps the first copy of a record (`ON CONFLICT DO NOTHING`), the local store skips ids it
/// has, and cursors move only after what they cover is committed.
public enum SyncRun {
    /// How many records one pull query returns at most (memory stays bounded for a first sync).
    static let pullBatch = 20_000

    public static func run(store: Store, url: String, encrypt: Bool) throws -> SyncReport {
        let savedKey = encrypt ? try SyncKey.load(for: store.location) : nil
        let key = encrypt ? savedKey ?? SyncKey.make() : nil
        let server = try SyncServer(url: url, encrypt: encrypt, key: key)
        // The server accepted the key: a key made just now is kept from here on.
        if let key, savedKey == nil { try key.save(for: store.location) }

        var state = try store.syncState()
        if state.clientID == nil { state.clientID = randomID() }
        if state.serverID != server.id {
            // Another server than last time (or the first sync): everything is pushed and pulled afresh.
            state.serverID = server.id
            state.pushedThrough = 0
            state.pulledRecords = 0
            state.pulledDeletions = 0
        }
        try store.saveSyncState(state)
        let origin = state.clientID!

        var report = SyncReport()
        try push(store: store, server: server, key: key, origin: origin, after: state.pushedThrough, report: &report)
        try pull(store: store, server: server, key: key, origin: origin, state: state, report: &report)

        var done = try store.syncState()
        done.lastSuccess = .now()
        try store.saveSyncState(done)
        return report
    }

    // MARK: Push

    private static func push(
        store: Store, server: SyncServer, key: SyncKey?, origin: String, after cursor: Int64, report: inout SyncReport
    ) throws {
        let (records, through) = try store.recordsToPush(after: cursor)
        let deletions = try store.tombstonesToPush()
        if records.isEmpty && deletions.isEmpty {
            if through > cursor { try store.markPushed([], through: through) }
            return
        }
        let connection = server.connection
        try connection.execute("BEGIN")
        do {
            try connection.execute(ServerSchema.createStaging)
            if !deletions.isEmpty {
                var copy: [UInt8] = []
                for deletion in deletions {
                    CopyText.bytea(&copy, deletion.id)
                    CopyText.tab(&copy)
                    CopyText.int(&copy, deletion.deletedAt.microseconds)
                    CopyText.newline(&copy)
                }
                try connection.copyIn(ServerSchema.copyDeletions, copy)
            }
            if !records.isEmpty {
                try connection.copyIn(ServerSchema.copyRecords, copyRecords(records, key: key))
            }
            try connection.execute(ServerSchema.lock)
            report.deletionsPushed = try connection.query(ServerSchema.applyDeletions, [.text(origin)]).affected
            try connection.query(ServerSchema.deleteRecords)
            report.pushed = try connection.query(ServerSchema.insertRecords, [.text(origin)]).affected
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        try store.markPushed(deletions, through: through)
    }

    /// The records as `COPY` text rows: sealed (or, on a plain server, the encoded bytes with the
    /// command line and directory as text beside them).
    private static func copyRecords(_ records: [Invocation], key: SyncKey?) throws -> [UInt8] {
        var copy: [UInt8] = []
        copy.reserveCapacity(records.count * 300)
        for record in records {
            guard let id = InvocationID.bytes(record.id) else { continue }
            let host = record.host ?? ""
            let plain = RecordCodec.encode(record)
            let payload = key.map {
                RecordSeal.seal(plain, associatedData: RecordSeal.associatedData(
                    id: id, host: host, startedAt: record.startedAt.microseconds, version: RecordCodec.version), key: $0)
            } ?? plain
            CopyText.bytea(&copy, id)
            CopyText.tab(&copy)
            CopyText.text(&copy, host)
            CopyText.tab(&copy)
            CopyText.int(&copy, record.startedAt.microseconds)
            CopyText.tab(&copy)
            CopyText.int(&copy, Int64(RecordCodec.version))
            CopyText.tab(&copy)
            CopyText.bytea(&copy, payload)
            CopyText.tab(&copy)
            if key == nil { CopyText.text(&copy, record.cmdText) } else { CopyText.null(&copy) }
            CopyText.tab(&copy)
            if key == nil, let cwd = record.cwdText { CopyText.text(&copy, cwd) } else { CopyText.null(&copy) }
            CopyText.newline(&copy)
        }
        return copy
    }

    // MARK: Pull

    private static func pull(
        store: Store, server: SyncServer, key: SyncKey?, origin: String, state: SyncState, report: inout SyncReport
    ) throws {
        let connection = server.connection
        // One snapshot for the whole pull: the newest change numbers and every row below them agree.
        try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        var records: [Invocation] = []
        var deletions: [Tombstone] = []
        let newest: (records: Int64, deletions: Int64)
        do {
            let top = try connection.query(ServerSchema.newestChanges)
            newest = (max(top.int(0, 0), state.pulledRecords), max(top.int(0, 1), state.pulledDeletions))
            var cursor = state.pulledRecords
            while cursor < newest.records {
                let rows = try connection.query(ServerSchema.pullRecords, [
                    .int(cursor), .int(newest.records), .text(origin), .int(Int64(pullBatch)),
                ])
                if rows.count == 0 { break }
                for row in 0..<rows.count {
                    records.append(try openRecord(rows, row, key: key))
                }
                cursor = rows.int(rows.count - 1, 0)
            }
            if newest.deletions > state.pulledDeletions {
                let rows = try connection.query(ServerSchema.pullDeletions, [
                    .int(state.pulledDeletions), .int(newest.deletions), .text(origin),
                ])
                for row in 0..<rows.count {
                    deletions.append(Tombstone(id: rows.bytes(row, 1), deletedAt: Timestamp(microseconds: rows.int(row, 2))))
                }
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        if records.isEmpty && deletions.isEmpty
            && newest.records == state.pulledRecords && newest.deletions == state.pulledDeletions { return }
        let applied = try store.applyPulled(records, deletions: deletions, pulledRecords: newest.records, pulledDeletions: newest.deletions)
        report.pulled = applied.added
        report.deleted = applied.deleted
        if applied.added > 0 { report.pulledHosts = Set(records.compactMap(\.host)) }
    }

    /// A pulled row as a record: its seal opened (or, on a plain server, its bytes decoded). A seal
    /// that does not open stops the whole sync before anything is applied.
    private static func openRecord(_ rows: PostgresResult, _ row: Int, key: SyncKey?) throws -> Invocation {
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

    /// 16 random bytes as hex: a client's name on the server.
    static func randomID() -> String {
        SodiumLibrary.ready()
        var bytes = [UInt8](repeating: 0, count: 16)
        randombytes_buf(&bytes, bytes.count)
        return SyncServer.hexText(bytes)
    }
}

/// Fields of PostgreSQL's `COPY … FROM STDIN` text format: tab-separated, `\N` for NULL, backslash
/// escapes in text, bytea as `\\x` and hex digits.
enum CopyText {
    static func tab(_ out: inout [UInt8]) { out.append(9) }
    static func newline(_ out: inout [UInt8]) { out.append(10) }
    static func null(_ out: inout [UInt8]) { out += [92, 78] }
    static func int(_ out: inout [UInt8], _ value: Int64) { out += Array(String(value).utf8) }

    static func text(_ out: inout [UInt8], _ value: String) {
        for byte in value.utf8 {
            switch byte {
            case 0: continue  // text cannot hold NUL; the exact bytes travel in the payload
            case 92: out += [92, 92]
            case 9: out += [92, 116]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            default: out.append(byte)
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func bytea(_ out: inout [UInt8], _ bytes: [UInt8]) {
        out += [92, 92, UInt8(ascii: "x")]
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xf)])
        }
    }
}
