import Glibc
import ShqStore
import ShqSystem

/// The background sync `sync_every` asks for: the hook's background ingest (`shq hook ingest
/// --background`, started off the prompt's path every 64 commands) calls this afterwards. One at a time
/// per store: a second caller finds `sync.lock` held and returns at once. Errors are dropped, as every
/// background hook step's are; `shq sync status` shows when the last sync succeeded.
public enum AutoSync {
    /// Syncs if the last success is older than `interval` microseconds (or there was none).
    /// Returns whether a sync ran and succeeded.
    @discardableResult
    public static func runIfDue(store: Store, url: String, settings: ResolvedSettings, interval: Int64) -> Bool {
        let lockPath = store.location.directory + "/sync.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
        guard let state = try? store.syncState() else { return false }
        if let last = state.lastSuccess, Timestamp.now().microseconds - last.microseconds < interval { return false }
        return (try? SyncRun.run(store: store, url: url, settings: settings)) != nil
    }
}
