import CShims
import Glibc
import ShqStore
import ShqSystem

/// The store and the row of the command being run. Created before the command is spawned (status
/// `running`), so a running command is visible at once and a crashed wrapper leaves evidence — unless
/// another process holds the store's write lock: then the command starts after at most
/// `Store.startWaitMilliseconds` anyway, and the store writer inserts the row as soon as it can
/// (`StoreRecorder`), or the record goes to the spool at the end (`RecordLater`).
struct RecordTarget {
    let store: Store
    /// The row, once inserted; nil while the store is locked.
    let seq: Int64?
    /// The record as inserted, or as still to insert.
    let invocation: Invocation
    /// When the insert was first tried (a locked store's wait is counted from here).
    let triedAt: Int64

    /// Inserts the record into the store `opener` opens; on any failure but a locked store, warns once and
    /// returns nil (the command runs unrecorded).
    static func create(
        _ commandText: [UInt8], request: RunRequest, opener: StoreOpener, startedAt: Timestamp, faults: FaultReporter
    ) -> RecordTarget? {
        var invocation = Invocation.fromCurrentEnvironment(
            cmd: commandText, source: .run, startedAt: startedAt, status: .running)
        invocation.wrapperPID = getpid()
        invocation.wrapperStartTicks = ChildProcess.startTicks(of: getpid())
        do {
            let store = try opener.store()
            let triedAt = MonotonicClock.now()
            let seq = try RecordLater.insertBriefly(invocation, into: store)
            return RecordTarget(store: store, seq: seq, invocation: invocation, triedAt: triedAt)
        } catch {
            faults.notRecording(request.location.databasePath, error)
            return nil
        }
    }

    /// A signal arrived before the command was spawned: the record says so, and the command never ran.
    func markInterrupted(by signal: Int32, durationMicros: Int64) {
        let event = LifecycleEvent(.signaled, signal: signal)
        let endedAt = Timestamp.now()
        guard let seq else {
            // Still locked: the whole record goes to the spool.
            var record = invocation
            record.signal = signal
            record.endedAt = endedAt
            record.durationMicros = durationMicros
            record.status = .interrupted
            guard let file = try? PendingRecordFile(location: store.location, id: record.id) else { return }
            file.add(record)
            file.add(event)
            if (try? file.commit()) != nil { RecordLater.startIngest(store.location) }
            return
        }
        try? store.waitingAtMost(milliseconds: Store.startWaitMilliseconds) {
            try store.db.writeTransaction { () throws in
                try store.record(event, for: seq)
                try store.finish(seq, termination: .signaled(signal), endedAt: endedAt, durationMicros: durationMicros)
                try store.setStatus(.interrupted, for: seq)
            }
        }
    }
}
