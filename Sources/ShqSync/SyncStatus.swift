import ShqStore

/// What `shq sync status` shows: the local side (last success, backlog) and the server's hosts.
public enum SyncStatus {
    public struct Local: Sendable {
        public var lastSuccess: Timestamp?
        public var waitingRecords: Int
        public var waitingDeletions: Int
    }

    public struct Host: Sendable {
        public var name: String
        public var records: Int
        public var latest: Timestamp
    }

    public static func local(store: Store) throws -> Local {
        let state = try store.syncState()
        let backlog = try store.syncBacklog(after: state.pushedThrough)
        return Local(lastSuccess: state.lastSuccess, waitingRecords: backlog.records, waitingDeletions: backlog.deletions)
    }

    /// Each host with records on the server; none when shq's tables are not there yet.
    public static func hosts(url: String) throws -> [Host] {
        let connection = try PostgresConnection(url: url)
        let exists = try connection.query("SELECT to_regclass('shq_records') IS NOT NULL")
        guard exists.bytes(0, 0) == [1] else { return [] }
        let rows = try connection.query(ServerSchema.hosts)
        return (0..<rows.count).map {
            Host(name: rows.string($0, 0), records: Int(rows.int($0, 1)), latest: Timestamp(microseconds: rows.int($0, 2)))
        }
    }
}
