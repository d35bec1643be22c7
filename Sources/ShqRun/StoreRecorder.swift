import Glibc
import ShqStore

/// The one thread that writes the running command's record: output chunks, lifecycle events, the end.
/// It owns the store connection (a connection is used by one thread only); readers and the main loop
/// hand it work through a queue and never wait on SQLite, except at the explicit sync points.
///
/// A store failure mid-run (disk full, file gone) stops recording and reports once; the command and
/// the relay go on.
final class StoreRecorder: @unchecked Sendable {
    enum Work {
        case output(OutputStream, [UInt8], tail: Bool)
        /// Queued tail bytes of the stream were dropped (backlog): the stored tail restarts.
        case resetTail(OutputStream)
        case child(pid: Int32, startTicks: Int64?)
        case event(LifecycleEvent)
        case sync(Int)
        case finish(Termination, endedAt: Timestamp, durationMicros: Int64, truncated: Set<OutputStream>)
    }

    /// Output bytes queued and not yet written; beyond this, queued tail bytes are dropped so the relay
    /// never waits and memory stays bounded.
    static let backlogLimit = 16 << 20
    /// A partly filled chunk is committed after this long, so `shq show --follow` sees output promptly.
    static let flushInterval: Int64 = 200_000

    private let store: Store
    private let seq: Int64
    private let faults: FaultReporter
    private let cap: CaptureCap
    /// The streams the record has (pipes: stdout and stderr, each stored even when empty; `--pty`: pty).
    private let streams: [OutputStream]
    private let condition = Condition()
    private var queue: [Work] = []
    private var backlog = 0
    private var syncedTicket = 0
    private var nextTicket = 0
    private var done = false
    /// Streams whose queued tail bytes were dropped: stored as truncated even if under the cap.
    private var lostBytes: Set<OutputStream> = []
    private var thread: OSThread?

    // Owned by the writer thread.
    private var writers: [OutputStream: OutputWriter] = [:]
    private var failed = false
    private var dirty = false

    init(store: Store, seq: Int64, cap: CaptureCap, faults: FaultReporter, streams: [OutputStream] = [.stdout, .stderr]) {
        self.store = store
        self.seq = seq
        self.cap = cap
        self.streams = streams
        self.faults = faults
    }

    func start() {
        thread = OSThread { [self] in writerLoop() }
    }

    // MARK: Producers (readers, main loop)

    func submit(_ work: Work) {
        condition.locked {
            if case .output(let stream, let bytes, let tail) = work {
                if tail && backlog + bytes.count > Self.backlogLimit { dropQueuedTail(of: stream) }
                backlog += bytes.count
            }
            queue.append(work)
            condition.broadcast()
        }
    }

    /// Waits until everything queued so far is committed, for at most `timeoutMicros` (a locked store
    /// must not delay a stop for long).
    func sync(timeoutMicros: Int64) {
        let deadline = MonotonicClock.now() + timeoutMicros
        condition.locked {
            nextTicket += 1
            let ticket = nextTicket
            queue.append(.sync(ticket))
            condition.broadcast()
            while syncedTicket < ticket {
                let left = deadline - MonotonicClock.now()
                if left <= 0 { break }
                condition.wait(microseconds: left)
            }
        }
    }

    /// Queues the end of the record and waits until the writer has written everything.
    func finish(_ termination: Termination, endedAt: Timestamp, durationMicros: Int64, truncated: Set<OutputStream>) {
        let lost = condition.locked { lostBytes }
        submit(.finish(termination, endedAt: endedAt, durationMicros: durationMicros, truncated: truncated.union(lost)))
        thread?.join()
        thread = nil
    }

    /// Called with the lock held: removes the stream's queued tail bytes and marks the tail as restarted.
    private func dropQueuedTail(of stream: OutputStream) {
        queue.removeAll { work in
            guard case .output(let s, let bytes, true) = work, s == stream else { return false }
            backlog -= bytes.count
            return true
        }
        queue.append(.resetTail(stream))
        lostBytes.insert(stream)
    }

    // MARK: The writer thread

    private func writerLoop() {
        var lastFlush = MonotonicClock.now()
        while true {
            let batch: [Work] = condition.locked {
                while queue.isEmpty && !done {
                    let waitFor = Self.flushInterval - (MonotonicClock.now() - lastFlush)
                    if waitFor <= 0 || !condition.wait(microseconds: max(waitFor, 1)) { break }
                }
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            var finished = false
            for work in batch {
                if case .output(_, let bytes, _) = work { condition.locked { backlog -= bytes.count } }
                if perform(work) { finished = true }
            }
            if dirty && MonotonicClock.now() - lastFlush >= Self.flushInterval {
                guarded { for writer in writers.values { try writer.flush() } }
                dirty = false
                lastFlush = MonotonicClock.now()
            }
            if finished {
                condition.locked { done = true }
                return
            }
        }
    }

    /// Does one piece of work; returns true after the final one.
    private func perform(_ work: Work) -> Bool {
        switch work {
        case .output(let stream, let bytes, let tail):
            guarded {
                let writer = writer(for: stream)
                if tail && !startedTail.contains(stream) {
                    try writer.startTail(keepingLast: cap.tailBytes)
                    startedTail.insert(stream)
                }
                try writer.append(bytes)
            }
            dirty = true
        case .resetTail(let stream):
            guarded { try writers[stream]?.resetTail() }
        case .child(let pid, let ticks):
            guarded {
                try store.db.writeTransaction { () throws in
                    try store.setProcess(pid: pid, startTicks: ticks, for: seq)
                    try store.record(LifecycleEvent(.started), for: seq)
                }
            }
        case .event(let event):
            guarded {
                for writer in writers.values { try writer.flush() }
                try store.db.writeTransaction { () throws in try store.record(event, for: seq) }
            }
        case .sync(let ticket):
            guarded { for writer in writers.values { try writer.flush() } }
            condition.locked {
                syncedTicket = max(syncedTicket, ticket)
                condition.broadcast()
            }
        case .finish(let termination, let endedAt, let duration, let truncated):
            guarded {
                for stream in streams {
                    try writer(for: stream).finish(truncated: truncated.contains(stream))
                }
                try store.db.writeTransaction { () throws in
                    let event: LifecycleEvent = switch termination {
                    case .exited(let code): LifecycleEvent(.exited, at: endedAt, exitCode: code)
                    case .signaled(let signal): LifecycleEvent(.signaled, at: endedAt, signal: signal)
                    }
                    try store.record(event, for: seq)
                    try store.finish(seq, termination: termination, endedAt: endedAt, durationMicros: duration)
                }
            }
            return true
        }
        return false
    }

    private var startedTail: Set<OutputStream> = []

    private func writer(for stream: OutputStream) -> OutputWriter {
        if let existing = writers[stream] { return existing }
        let made = OutputWriter(store: store, invocation: seq, stream: stream)
        writers[stream] = made
        return made
    }

    /// Runs a store operation unless recording already failed; the first failure is reported once.
    private func guarded(_ body: () throws -> Void) {
        guard !failed else { return }
        do {
            try body()
        } catch {
            failed = true
            faults.notRecording(store.path, error)
        }
    }
}
