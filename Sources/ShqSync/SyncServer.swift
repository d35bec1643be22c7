import CSodium

/// A connected server whose tables are ready and whose mode and key match this client's: what `shq
/// sync` talks to. Opening one creates the tables on an empty database (once, under the lock, however
/// many clients start at the same moment), refuses a newer schema, a server of the other mode, and a key
/// that is not the one the server's records are sealed with — all before anything is written.
final class SyncServer {
    let connection: PostgresConnection
    /// The server's random id: cursors kept for another server do not apply to this one.
    let id: String
    let encrypted: Bool
    /// The newest change numbers (records, deletions, outputs) when it was opened, read with the tables'
    /// metadata in one round trip: a sync whose cursors are there already has nothing to pull and opens
    /// no snapshot (a pull reads them again inside its own).
    let newest: ServerSchema.Newest

    /// The words sealed into `shq_meta.key_check` when the server is made: opening them proves the key.
    private static let keyCheckText = Array("shq sync key check v1".utf8)
    private static let keyCheckData = Array("shq-key-check".utf8)

    /// `key` is the key to seal with (this machine's, or one made for its first sync): it makes the key
    /// check of a server created now, and must open the check of an existing one. Nil on plain servers.
    init(url: String, encrypt: Bool, key: SyncKey?) throws {
        connection = try PostgresConnection(url: url)
        var opened = try Self.readMetaAndNewest(connection)
        if opened == nil {
            // Tables missing: none yet (make them all), or a server made before shq_outputs (add it).
            if let meta = try Self.readMeta(connection) { _ = try Self.schemaVersion(meta) }
            try Self.create(connection, encrypt: encrypt, key: key)
            opened = try Self.readMetaAndNewest(connection)
        }
        guard let (meta, newest) = opened, !meta.isEmpty else {
            throw SyncError("the server's shq tables are incomplete (no shq_meta rows)")
        }
        _ = try Self.schemaVersion(meta)
        self.newest = newest
        id = meta["server_id"] ?? ""
        encrypted = meta["encrypted"] != "false"
        if encrypted != encrypt {
            throw encrypted
                ? SyncError("the server's history is end-to-end encrypted; this sync asked for plain rows (--no-encrypt, sync_encrypt = false): drop that to join it")
                : SyncError("the server stores plain rows (made with --no-encrypt); this machine encrypts: sync with --no-encrypt (or sync_encrypt = false) to join it, or use another database")
        }
        if encrypted {
            guard let key else { throw SyncError(Self.wrongKeyMessage) }
            let check = meta["key_check"].flatMap(Self.hexBytes) ?? []
            guard RecordSeal.open(check, associatedData: Self.keyCheckData, key: key) == Self.keyCheckText else {
                throw SyncError(Self.wrongKeyMessage)
            }
        }
    }

    static let wrongKeyMessage = "the server's history is sealed with another key than this machine's: "
        + "on a machine that syncs, run `shq sync key`, and here `shq sync key --import` with what it prints; nothing was changed"

    /// The server schema's version, if this shq can use it.
    private static func schemaVersion(_ meta: [String: String]) throws -> Int {
        guard let version = meta["schema_version"].flatMap(Int.init) else {
            throw SyncError("the server's shq_meta has no schema version; was it made by shq?")
        }
        if version > ServerSchema.version {
            throw SyncError("the server's history was made by a newer shq (server schema \(version), this shq knows \(ServerSchema.version)): upgrade shq on this machine")
        }
        return version
    }

    /// The rows of `shq_meta` and the newest change numbers, in one query; nil when a table is missing.
    private static func readMetaAndNewest(_ connection: PostgresConnection) throws -> ([String: String], ServerSchema.Newest)? {
        let rows: PostgresResult
        do {
            rows = try connection.query(ServerSchema.metaAndNewest)
        } catch let error as SyncError where error.sqlState == "42P01" {
            return nil
        }
        var meta: [String: String] = [:]
        var newest = ServerSchema.Newest()
        for row in 0..<rows.count {
            let key = rows.string(row, 0)
            if key == ServerSchema.newestKey {
                let numbers = rows.string(row, 1).split(separator: " ").map { Int64($0) ?? 0 }
                guard numbers.count == 3 else { continue }
                newest = .init(records: numbers[0], deletions: numbers[1], outputs: numbers[2])
            } else {
                meta[key] = rows.string(row, 1)
            }
        }
        return (meta, newest)
    }

    /// The rows of `shq_meta`, or nil if the table is not there yet.
    private static func readMeta(_ connection: PostgresConnection) throws -> [String: String]? {
        let exists = try connection.query("SELECT to_regclass('shq_meta') IS NOT NULL")
        guard exists.bytes(0, 0) == [1] else { return nil }
        let rows = try connection.query("SELECT key, value FROM shq_meta")
        var meta: [String: String] = [:]
        for row in 0..<rows.count { meta[rows.string(row, 0)] = rows.string(row, 1) }
        return meta
    }

    /// Makes the tables unless another client made them while this one waited for the lock; adds
    /// `shq_outputs` to a server made before it.
    private static func create(_ connection: PostgresConnection, encrypt: Bool, key: SyncKey?) throws {
        try connection.execute("BEGIN")
        do {
            try connection.execute(ServerSchema.lock)
            if try readMeta(connection) != nil {
                try connection.execute(ServerSchema.createOutputs)
            } else {
                try connection.execute(ServerSchema.create)
                let check = encrypt && key != nil
                    ? hexText(RecordSeal.seal(keyCheckText, associatedData: keyCheckData, key: key!)) : ""
                try connection.query(
                    """
                    INSERT INTO shq_meta(key, value) VALUES
                        ('schema_version', $1), ('server_id', gen_random_uuid()::text), ('encrypted', $2), ('key_check', $3)
                    """,
                    [.text(String(ServerSchema.version)), .text(encrypt ? "true" : "false"), .text(check)])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    static func hexText(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] }, as: UTF8.self)
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8?
        for char in text.utf8 {
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let h = high { out.append(h << 4 | value); high = nil } else { high = value }
        }
        return high == nil ? out : nil
    }
}
