import ShqPrivacy
import ShqStore
import ShqSystem

/// The steps a command takes on the store it opened before it reads or writes, each named where it is
/// called: `try store.open().ingestingHookSpool().reconcilingOrphanedJobs()`.
extension Store {
    /// Moves pending hook records from the spool into the store, through the recording policy (ignore
    /// rules, redaction). A failure is reported (unless `quiet`) and otherwise ignored: the lines stay in
    /// the spool for the next command, and the command the user asked for still runs. `wait: false`
    /// skips the ingest when another process holds the spool.
    @discardableResult
    public func ingestingHookSpool(wait: Bool = true, quiet: Bool = false) -> Store {
        do {
            try ingestHookSpool(wait: wait)
        } catch let error as StoreError where error.isBusy {
            // Another process holds the store (the caller chose how long to wait): the lines simply
            // wait for the next command, which is no fault worth a line.
        } catch {
            if !quiet {
                _ = writeAll(2, Array("shq: \(error) (hook records stay in the spool)\n".utf8))
            }
        }
        return self
    }

    /// `ingestingHookSpool` for a caller that handles the failure itself (`shq session`'s capture
    /// thread tells a locked store from the rest).
    public func ingestHookSpool(wait: Bool) throws {
        try ingestSpool(wait: wait) { command in
            if case .record(let bytes) = RecordingPolicy.decide(command, entryPoint: .hook) { return bytes }
            return nil
        }
    }

    /// Marks the jobs whose `shq run` died as orphaned, so a dead job is never shown as running. A
    /// failure (a read-only store) does not stop the reading that follows.
    @discardableResult
    public func reconcilingOrphanedJobs() -> Store {
        _ = try? JobRegistry(store: self).reconcile()
        return self
    }
}
