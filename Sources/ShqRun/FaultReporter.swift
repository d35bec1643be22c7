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
}
