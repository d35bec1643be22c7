import Glibc
import ShqStore
import ShqSystem
import Synchronization

/// Says once, on stderr, that the command is not being recorded — whichever thread hits the fault first.
/// The command itself is never affected: `shq run` must behave like the bare command when the store fails.
final class FaultReporter: Sendable {
    private let reported = Atomic<Bool>(false)

    init() {}

    /// Prints `shq: warning: not recording: <path>: <why>` the first time only.
    func notRecording(_ path: String, _ error: any Error) {
        guard !reported.exchange(true, ordering: .relaxed) else { return }
        let why: String
        if let error = error as? StoreError {
            why = error.subject == path ? error.reason : "\(error.subject): \(error.reason)"
        } else {
            why = "\(error)"
        }
        _ = writeAll(2, Array("shq: warning: not recording: \(path): \(why)\n".utf8))
    }

    /// A lock held at least this long (from the first try until shq gave up waiting) earns a warning when
    /// the record goes to the spool: a lock of ordinary contention (other shq writers, milliseconds)
    /// resolves itself and says nothing, one that outlasts a second is worth a line.
    static let lockWarningMicros: Int64 = 1_000_000

    /// The store stayed locked: the record was kept in `spoolFile` and is written once the store is free.
    /// Says so (once, with the other warnings) when the lock lasted `lockWarningMicros` or more.
    func recordWaits(_ path: String, spoolFile: String, lockedMicros: Int64) {
        guard lockedMicros >= Self.lockWarningMicros, !reported.exchange(true, ordering: .relaxed) else { return }
        let seconds = "\(lockedMicros / 1_000_000).\(lockedMicros / 100_000 % 10)"
        _ = writeAll(2, Array("shq: warning: \(path): locked by another process for \(seconds) s; the record waits in \(spoolFile) and is written when the store is free\n".utf8))
    }
}
