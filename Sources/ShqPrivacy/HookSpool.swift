import Glibc
import ShqStore

/// Moving hook records from the spool into the store, through the recording policy.
public enum HookSpool {
    /// Ingests pending lines. A failure is reported and otherwise ignored: the lines stay in the spool
    /// for the next command, and the command the user asked for still runs. `quiet` suppresses that note.
    public static func ingest(into store: Store, wait: Bool, quiet: Bool = false) {
        do {
            try store.ingestSpool(wait: wait) { command in
                if case .record(let bytes) = RecordingPolicy.decide(command, entryPoint: .hook) { return bytes }
                return nil
            }
        } catch {
            if !quiet {
                _ = writeAll(2, Array("shq: \(error) (hook records stay in the spool)\n".utf8))
            }
        }
    }
}
