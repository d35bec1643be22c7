import ShqPrivacy
import ShqStore
import ShqSystem

/// A `shq run` record whose command ended while the store was still locked: the row, its events and
/// its output (head bytes as queued, tail bytes from the rings), through the same privacy filter the
/// store writer applies, written to a `PendingRecordFile` for the next ingest.
struct PendingRunRecord {
    let invocation: Invocation
    let streams: [OutputStream]
    let cap: CaptureCap
    let redactOutput: Bool

    /// Writes the record; returns the file's path.
    func write(_ work: [StoreRecorder.Work], rings: [OutputStream: TailRing], location: StoreLocation) throws -> String {
        var record = invocation
        var events: [LifecycleEvent] = []
        for item in work {
            switch item {
            case .child(let pid, let startTicks, let at):
                record.pid = pid
                record.pidStartTicks = startTicks
                events.append(LifecycleEvent(.started, at: at))
            case .event(let event):
                events.append(event)
            case .finish(let termination, let endedAt, let duration, _):
                let event: LifecycleEvent
                (record, event) = Self.ended(record, termination, at: endedAt, durationMicros: duration)
                events.append(event)
            case .output, .sync:
                break
            }
        }
        let file = try PendingRecordFile(location: location, id: record.id)
        file.add(record)
        for event in events { file.add(event) }
        if !writeOutput(work, rings: rings, to: file) { file.dropOutputs() }
        try file.commit()  // a failed commit removes its partial file
        return file.path
    }

    /// The record with its end filled in, and the event that says how it ended.
    static func ended(
        _ invocation: Invocation, _ termination: Termination, at endedAt: Timestamp, durationMicros: Int64
    ) -> (Invocation, LifecycleEvent) {
        var record = invocation
        record.endedAt = endedAt
        record.durationMicros = durationMicros
        record.status = termination.invocationStatus
        switch termination {
        case .exited(let code):
            record.exitCode = code
            return (record, LifecycleEvent(.exited, at: endedAt, exitCode: code))
        case .signaled(let signal):
            record.signal = signal
            return (record, LifecycleEvent(.signaled, at: endedAt, signal: signal))
        }
    }

    /// The output, filtered as the store writer filters it; false when the no-save marker refused it.
    private func writeOutput(_ work: [StoreRecorder.Work], rings: [OutputStream: TailRing], to file: PendingRecordFile) -> Bool {
        var filters: [OutputStream: OutputPrivacyFilter] = [:]
        func filter(_ stream: OutputStream) -> OutputPrivacyFilter {
            if let existing = filters[stream] { return existing }
            let made = OutputPrivacyFilter(redactOutput: redactOutput)
            filters[stream] = made
            return made
        }
        var truncated: Set<OutputStream> = []
        for item in work {
            switch item {
            case .output(let stream, let bytes):
                guard let kept = bytes.withUnsafeBytes(filter(stream).process) else { return false }
                kept.withUnsafeBytes { file.addHead(stream, $0) }
            case .finish(_, _, _, let cut):
                truncated = cut
            default:
                break
            }
        }
        for stream in streams {
            let ring = rings[stream]
            if let ring {
                let tail = ring.copy(from: ring.start, maxCount: Int(ring.end - ring.start))
                guard let kept = tail.withUnsafeBytes(filter(stream).process) else { return false }
                kept.withUnsafeBytes { file.addTail(stream, keep: cap.tailBytes, $0) }
            }
            guard let rest = filter(stream).finish() else { return false }
            rest.withUnsafeBytes { ring == nil ? file.addHead(stream, $0) : file.addTail(stream, keep: cap.tailBytes, $0) }
            file.endStream(stream, truncated: truncated.contains(stream))
        }
        return true
    }
}
