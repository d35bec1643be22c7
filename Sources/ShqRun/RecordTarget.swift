import CShims
import Glibc
import ShqStore
import ShqSystem

/// The store and the row of the command being run. Created before the command is spawned (status
/// `running`), so a running command is visible at once and a crashed wrapper leaves evidence.
struct RecordTarget {
    let store: Store
    let seq: Int64

    /// Inserts the record into the store `opener` opens; on any failure, warns once and returns nil (the
    /// command runs unrecorded).
    static func create(
        _ commandText: [UInt8], request: RunRequest, opener: StoreOpener, startedAt: Timestamp, faults: FaultReporter
    ) -> RecordTarget? {
        var invocation = Invocation.fromCurrentEnvironment(
            cmd: commandText, source: .run, startedAt: startedAt, status: .running)
        invocation.wrapperPID = getpid()
        invocation.wrapperStartTicks = ChildProcess.startTicks(of: getpid())
        do {
            let store = try opener.store()
            let seq = try store.db.writeTransaction { () throws in try store.insert(invocation) }
            guard let seq else { throw StoreError(store.path, "the record could not be inserted") }
            return RecordTarget(store: store, seq: seq)
        } catch {
            faults.notRecording(request.location.databasePath, error)
            return nil
        }
    }

    /// A signal arrived before the command was spawned: the record says so, and the command never ran.
    func markInterrupted(by signal: Int32, durationMicros: Int64) {
        try? store.db.writeTransaction { () throws in
            try store.record(LifecycleEvent(.signaled, signal: signal), for: seq)
            try store.finish(seq, termination: .signaled(signal), endedAt: .now(), durationMicros: durationMicros)
            try store.setStatus(.interrupted, for: seq)
        }
    }
}
