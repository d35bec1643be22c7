import ShqStore
import ShqSystem

/// The end of a `shq run` record that is already in the store, when another process took the store's
/// write lock during the run and still held it `Store.startWaitMilliseconds` after the command ended:
/// the final fields, the events the store did not get and the whole output (head as committed plus
/// what was not, tail from the ring) go to a `PendingRecordFile` (`R` line), and the next ingest replaces
/// the record's output and ends it, with a `late` event. shq leaves without waiting for the lock.
struct PendingRunEnd {
    private let file: PendingRecordFile

    /// Starts the file with the record's end; `start` is the command's pid and `started` event when
    /// they were not committed yet.
    init(
        location: StoreLocation, invocation: Invocation, termination: Termination, endedAt: Timestamp,
        durationMicros: Int64, start: (pid: Int32, startTicks: Int64?, at: Timestamp)?, events: [LifecycleEvent]
    ) throws {
        file = try PendingRecordFile(location: location, id: invocation.id)
        var (record, end) = PendingRunRecord.ended(invocation, termination, at: endedAt, durationMicros: durationMicros)
        record.pid = start?.pid
        record.pidStartTicks = start?.startTicks
        file.complete(record)
        if let start { file.add(LifecycleEvent(.started, at: start.at)) }
        for event in events { file.add(event) }
        file.add(end)
    }

    /// One stream's output, already through the privacy filter: the head, and the tail (nil: none) of
    /// which the store keeps the last `keep` bytes.
    func add(_ stream: OutputStream, head: [UInt8], tail: [UInt8]?, keep: Int64, truncated: Bool) {
        head.withUnsafeBytes { file.addHead(stream, $0) }
        if let tail { tail.withUnsafeBytes { file.addTail(stream, keep: keep, $0) } }
        file.endStream(stream, truncated: truncated)
    }

    /// The no-save marker refused the output: none is stored.
    func dropOutputs() {
        file.dropOutputs()
    }

    /// Syncs the file and hands it to the next ingest; returns its path.
    func commit() throws -> String {
        try file.commit()  // a failed commit removes its partial file
        return file.path
    }
}
