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
    /// Outputs pushed and pulled (`sync_outputs`); shown only when something moved.
    public var outputsPushed = 0
    public var outputsPulled = 0

    public init() {}

    /// `pushed 120, pulled 3040 from 2 hosts, 0 deleted`.
    public var summary: String {
        var text = "pushed \(pushed)"
        if deletionsPushed > 0 { text += " (and \(deletionsPushed) deletion\(deletionsPushed == 1 ? "" : "s"))" }
        text += ", pulled \(pulled)"
        if pulled > 0 { text += " from \(pulledHosts.count) host\(pulledHosts.count == 1 ? "" : "s")" }
        text += ", \(deleted) deleted"
        if outputsPushed > 0 || outputsPulled > 0 { text += "; outputs: pushed \(outputsPushed), pulled \(outputsPulled)" }
        return text
    }
}

/// One sync of a store with a server: check the server (schema, mode, key), push what it lacks in one
/// server transaction, pull what other machines pushed and apply it in one local transaction. Each
/// step can be cut short at any point (SIGKILL, a lost connection) and the next sync redoes it: the
/// server keeps the first copy of a record (`ON CONFLICT DO NOTHING`), the local store skips ids it
/// has, and cursors move only after what they cover is committed.
///
/// A sync with nothing to move costs one connection, one query (the server's tables and newest change
/// numbers, `SyncServer`), a few indexed reads of the store and one small local write (`last_success`).
public enum SyncRun {
    /// Uses `settings.syncEncrypt` (seal records) and `settings.syncOutputs` (outputs travel too).
    public static func run(store: Store, url: String, settings: ResolvedSettings) throws -> SyncReport {
        let encrypt = settings.syncEncrypt
        let savedKey = encrypt ? try SyncKey.load(for: store.location) : nil
        let key = encrypt ? savedKey ?? SyncKey.make() : nil
        let server = try SyncServer(url: url, encrypt: encrypt, key: key)
        // The server accepted the key: a key made just now is kept from here on.
        if let key, savedKey == nil { try key.save(for: store.location) }

        let saved = try store.syncState()
        var state = saved
        if state.clientID == nil { state.clientID = randomID() }
        if state.serverID != server.id {
            // Another server than last time (or the first sync): everything is pushed and pulled afresh.
            state.serverID = server.id
            state.pushedThrough = 0
            state.pulledRecords = 0
            state.pulledDeletions = 0
            state.pulledOutputs = 0
            state.outputsPushedThrough = 0
        }
        if state != saved { try store.saveSyncState(state) }
        let origin = state.clientID!

        var report = SyncReport()
        let exchange = SyncExchange(store: store, server: server, key: key, origin: origin, outputs: settings.syncOutputs)
        try exchange.push(state: state, report: &report)
        try exchange.pull(state: try store.syncState(), report: &report)

        var done = try store.syncState()
        done.lastSuccess = .now()
        try store.saveSyncState(done)
        return report
    }

    /// 16 random bytes as hex: a client's name on the server.
    static func randomID() -> String {
        SodiumLibrary.ready()
        var bytes = [UInt8](repeating: 0, count: 16)
        randombytes_buf(&bytes, bytes.count)
        return SyncServer.hexText(bytes)
    }
}

/// One sync's two halves (`SyncPush.swift`, `SyncPull.swift`): the store, the opened server, the key
/// (nil on a plain server), this store's name on the server, and whether outputs travel.
struct SyncExchange {
    let store: Store
    let server: SyncServer
    let key: SyncKey?
    let origin: String
    let outputs: Bool
}
