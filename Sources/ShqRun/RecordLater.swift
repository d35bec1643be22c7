import CShims
import Glibc
import ShqStore
import ShqSystem

/// What `shq run` and `shq save` do when another process holds the store's write lock: they wait at
/// most `Store.startWaitMilliseconds`, then go on without the store. A record the store is still locked
/// against at the end is kept whole in the spool (`PendingRecordFile`), and a detached `shq hook ingest`
/// writes it as soon as the store is free (within its busy timeout; else the next shq command does).
public enum RecordLater {
    /// Inserts `invocation`, waiting at most `Store.startWaitMilliseconds` for the lock. nil when the
    /// store stayed locked; throws any other failure.
    public static func insertBriefly(_ invocation: Invocation, into store: Store) throws -> Int64? {
        do {
            let seq = try store.waitingAtMost(milliseconds: Store.startWaitMilliseconds) {
                try store.db.writeTransaction { () throws in try store.insert(invocation) }
            }
            guard let seq else { throw StoreError(store.path, "the record could not be inserted") }
            return seq
        } catch let error as StoreError where error.isBusy {
            return nil
        }
    }

    /// Starts `shq hook ingest --background` for the store at `location`, detached from this process's
    /// terminal and output, so a spooled record reaches the store when the lock is released even if no
    /// other shq command runs. Best effort: the next shq command that reads the store ingests it too.
    public static func startIngest(_ location: StoreLocation) {
        let arguments = ["/proc/self/exe", "hook", "ingest", "--background", "--db", location.databasePath]
        let argv = CStringArray(arguments.map { Array($0.utf8) })
        defer { argv.free() }
        var pid: pid_t = 0
        _ = shq_spawn_detached(&pid, "/proc/self/exe", argv.pointers, environ)
    }
}
