import Glibc
import ShqPrivacy
import ShqStore
import ShqSystem
import Synchronization

/// The one thread that writes the running command's record: output chunks, lifecycle events, the end.
/// It owns the store connection (a connection is used by one thread only); readers and the main loop
/// hand it work through a queue and never wait on SQLite, except at the explicit sync points.
///
/// Head bytes are queued and written as they come. Tail bytes (beyond the head of the capture cap) go
/// to a `TailRing` instead and are committed at most every `tailCommitInterval` (5 s; less often while
/// the output outruns it, see `tailCommitIntervalLimit`), at a stop and at the end: output far
/// beyond the cap is never compressed only to be deleted, and memory stays bounded by the cap.
///
/// Every stored byte passes through the stream's `OutputPrivacyFilter`: the no-save marker drops all
/// output of the record, `--redact-output` redacts it.
///
/// A store failure mid-run (disk full, file gone) stops recording and reports once; the command and
/// the relay go on.
///
/// A store locked by another process when the command started (`RecordTarget.seq` nil): the writer
/// tries the insert every `lockedRetryMicros` while the command runs, then writes everything queued so
/// far, with a `late` event; if the command ends first, the whole record goes to the spool
/// (`PendingRunRecord`) and shq leaves without waiting.
///
/// A lock taken during the run (the row exists): the writer's lock waits give up `Store.startWaitMilliseconds`
/// after the command ended (`LockGate`), and what the store did not get — the rest of the
/// output, events, the end — goes to the spool (`PendingRunEnd`); shq leaves without waiting for the lock.
final class StoreRecorder: @unchecked Sendable {
    enum Work {
        /// Head bytes (tail bytes go through `submitTail`).
        case output(OutputStream, [UInt8])
        /// The command was spawned; `at` is taken when the work is queued, not when it is written.
        case child(pid: Int32, startTicks: Int64?, at: Timestamp = .now())
        case event(LifecycleEvent)
        case sync(Int)
        case finish(Termination, endedAt: Timestamp, durationMicros: Int64, truncated: Set<OutputStream>)

        var isFinish: Bool {
            if case .finish = self { return true }
            return false
        }
    }

    /// A partly filled chunk is committed after this long, so `shq show --follow` sees output promptly.
    static let flushInterval: Int64 = 200_000
    /// Head bytes queued beyond this make the relay wait for the writer — but only while the writer is
    /// making progress: a store locked by another process never stalls the relay.
    static let headQueueLimit = 8 << 20
    static let stallMicros: Int64 = 100_000
    /// How often the tail ring is committed while the command runs. Under a fast stream each commit
    /// rewrites the whole tail (hash + compress up to half the cap), so not often: a crash loses at most
    /// this much of the tail, `--follow` shows output beyond the head this late.
    static let tailCommitInterval: Int64 = 5_000_000
    /// The interval doubles, up to this, each time a periodic commit finds that the ring has moved past
    /// bytes the store never got (and is 5 s again after one that did not): under a stream that fast every commit rewrites the whole tail (16 MiB
    /// compressed and stored again by default), and on a loaded machine, where the same output takes
    /// longer, that made the CPU of relaying 1 GiB swing from 0.85 to 1.36 s (Docs/design/relay.md).
    static let tailCommitIntervalLimit: Int64 = 80_000_000
    /// The command's pid and `started` event wait this long for the next commit: a command that ends
    /// sooner (most interactive ones) is recorded in two commits instead of three, ~6 WAL pages fewer.
    /// Until then `shq kill` signals the wrapper, which forwards, and a stop or event commits it at once.
    static let startCommitDelay: Int64 = 50_000

    private let store: Store
    /// The row; 0 until a record that waited for a locked store is inserted (`awaitingStore`).
    private var seq: Int64
    /// The record still to insert, while the store is locked (read under `condition` by producers).
    private var awaitingStore: Invocation?
    private let triedAt: Int64
    /// The record as inserted (its id names it in a spooled end).
    private let invocation: Invocation
    /// Set when the command has ended: a lock wait that gives up from then on spools the end.
    private let finishing = Atomic<Bool>(false)
    private let lockGate = LockGate()
    /// The store was locked at the end: nothing more is written, the rest is collected for the spool.
    private var endLocked = false
    /// Head bytes (filtered) and events the store did not get once `endLocked`.
    private var unstoredHead: [OutputStream: [UInt8]] = [:]
    private var unstoredEvents: [LifecycleEvent] = []
    /// How often a locked store is tried again, and how long each try waits for the lock.
    static let lockedRetryMicros: Int64 = 20_000
    static let lockedTryMilliseconds: Int32 = 10
    private let faults: FaultReporter
    private let cap: CaptureCap
    /// The streams the record has (pipes: stdout and stderr, each stored even when empty; `--pty`: pty).
    private let streams: [OutputStream]
    private let condition = Condition()
    private var queue: [Work] = []
    private var queuedHeadBytes = 0
    /// Head chunks written so far: how the relay tells a slow writer from a stuck one.
    private var written = 0
    private var rings: [OutputStream: TailRing] = [:]
    private var syncedTicket = 0
    private var nextTicket = 0
    private var done = false
    private var thread: OSThread?

    // Owned by the writer thread.
    private var writers: [OutputStream: OutputWriter] = [:]
    private var filters: [OutputStream: OutputPrivacyFilter] = [:]
    private let redactOutput: Bool
    /// The output carried the no-save marker: nothing more of it is stored.
    private var outputDropped = false
    private var failed = false
    private var dirty = false
    /// The spawned command, not yet committed (`startCommitDelay`), and when it was queued.
    private var pendingStart: (pid: Int32, startTicks: Int64?, at: Timestamp, queued: Int64)?
    /// Per stream, the position (in bytes since the head ended) up to which the tail is stored.
    private var tailStored: [OutputStream: Int64] = [:]

    /// Starts the ingest of a spooled record (tests, which are not shq, start none).
    private let startIngest: (StoreLocation) -> Void

    init(
        target: RecordTarget, cap: CaptureCap, faults: FaultReporter, streams: [OutputStream] = [.stdout, .stderr],
        redactOutput: Bool = false, startIngest: @escaping (StoreLocation) -> Void = RecordLater.startIngest
    ) {
        self.startIngest = startIngest
        self.redactOutput = redactOutput
        self.store = target.store
        self.seq = target.seq ?? 0
        self.awaitingStore = target.seq == nil ? target.invocation : nil
        self.triedAt = target.triedAt
        self.invocation = target.invocation
        self.cap = cap
        self.streams = streams
        self.faults = faults
    }

    func start() {
        thread = OSThread { [self] in
            if awaitingStore != nil, !insertWhenFree() { return }
            // Compiled while the command runs, not after it has ended (`Store.prepareRunEnd`).
            guarded { try store.prepareRunEnd() }
            store.gateLockWaits(lockGate)
            defer { store.ungateLockWaits(lockGate) }
            writerLoop()
        }
    }

    // MARK: Producers (readers, main loop)

    func submit(_ work: Work) {
        condition.locked {
            if case .output(_, let bytes) = work {
                // A writer waiting for a locked store makes no progress: not waited for at all.
                while queuedHeadBytes > Self.headQueueLimit && awaitingStore == nil {
                    let before = written
                    condition.wait(microseconds: Self.stallMicros)
                    if written == before { break }
                }
                queuedHeadBytes += bytes.count
            }
            queue.append(work)
            condition.broadcast()
        }
    }

    /// Tail bytes: copied into the stream's ring, committed later (no wake-up: nothing is due yet).
    func submitTail(_ stream: OutputStream, _ bytes: UnsafeRawBufferPointer) {
        condition.locked {
            let ring = rings[stream] ?? TailRing(limit: cap.tailBytes)
            rings[stream] = ring
            ring.append(bytes)
        }
    }

    /// Waits until everything queued so far is committed, for at most `timeoutMicros` (a locked store
    /// must not delay a stop for long).
    func sync(timeoutMicros: Int64) {
        let deadline = MonotonicClock.now() + timeoutMicros
        condition.locked {
            // Nothing can be committed before the store is free: a stop does not wait for it.
            if awaitingStore != nil { return }
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
        lockGate.close(afterMilliseconds: Store.startWaitMilliseconds)
        finishing.store(true, ordering: .releasing)
        submit(.finish(termination, endedAt: endedAt, durationMicros: durationMicros, truncated: truncated))
        thread?.join()
        thread = nil
    }

    // MARK: The writer thread

    /// Tries the insert of a record that found the store locked until it succeeds (true: the writer goes
    /// on with everything queued meanwhile) or the command has ended (false: the record went to the spool,
    /// the writer is done). Any failure other than the lock stops recording, as mid-run.
    private func insertWhenFree() -> Bool {
        guard let invocation = awaitingStore else { return true }
        while true {
            do {
                let inserted = try store.waitingAtMost(milliseconds: Self.lockedTryMilliseconds) {
                    try store.db.writeTransaction { () throws -> Int64? in
                        guard let seq = try store.insert(invocation) else { return nil }
                        try store.record(LifecycleEvent(.late), for: seq)
                        return seq
                    }
                }
                guard let inserted else { throw StoreError(store.path, "the record could not be inserted") }
                seq = inserted
                condition.locked { awaitingStore = nil }
                return true
            } catch let error as StoreError where error.isBusy {
                let finished: [Work]? = condition.locked {
                    if !queue.contains(where: \.isFinish) { _ = condition.wait(microseconds: Self.lockedRetryMicros) }
                    guard queue.contains(where: \.isFinish) else { return nil }
                    let taken = queue
                    queue.removeAll()
                    return taken
                }
                guard let finished else { continue }
                spool(invocation, finished)
                return false
            } catch {
                failed = true
                faults.notRecording(store.path, error)
                condition.locked { awaitingStore = nil }
                return true
            }
        }
    }

    /// The command ended with the store still locked: everything goes to a pending record file in one
    /// piece, and a detached ingest writes it once the store is free.
    private func spool(_ invocation: Invocation, _ work: [Work]) {
        let rings = condition.locked { self.rings }
        let record = PendingRunRecord(invocation: invocation, streams: streams, cap: cap, redactOutput: redactOutput)
        do {
            let path = try record.write(work, rings: rings, location: store.location)
            faults.recordWaits(store.path, spoolFile: path, lockedMicros: MonotonicClock.now() - triedAt)
            startIngest(store.location)
        } catch {
            faults.notRecording(store.path, error)
        }
        condition.locked { done = true }
    }

    private func writerLoop() {
        var lastFlush = MonotonicClock.now()
        var lastTailCommit = lastFlush
        var tailInterval = Self.tailCommitInterval
        while true {
            let batch: [Work] = condition.locked {
                while queue.isEmpty && !done {
                    let now = MonotonicClock.now()
                    var waitFor = Self.flushInterval - (now - lastFlush)
                    if let pendingStart { waitFor = min(waitFor, pendingStart.queued + Self.startCommitDelay - now) }
                    if waitFor <= 0 || !condition.wait(microseconds: max(waitFor, 1)) { break }
                }
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            var finished = false
            for work in batch where perform(work) { finished = true }
            if let pendingStart, MonotonicClock.now() - pendingStart.queued >= Self.startCommitDelay {
                guarded { try store.db.writeTransaction { () throws in try commitStart() } }
            }
            if MonotonicClock.now() - lastTailCommit >= tailInterval {
                tailInterval = commitTails() ? min(tailInterval * 2, Self.tailCommitIntervalLimit) : Self.tailCommitInterval
                lastTailCommit = MonotonicClock.now()
            }
            if MonotonicClock.now() - lastFlush >= Self.flushInterval {
                if dirty { guarded { for writer in writers.values { try writer.flush() } } }
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
        case .output(let stream, let bytes):
            store.beginBulkWrite()  // sets a number on the connection: cheap enough for every piece
            store(bytes, of: stream)
            dirty = true
            condition.locked {
                queuedHeadBytes -= bytes.count
                written += 1
                condition.broadcast()
            }
        case .child(let pid, let ticks, let at):
            pendingStart = (pid, ticks, at, MonotonicClock.now())
        case .event(let event):
            commitTails()
            guarded {
                for writer in writers.values { try writer.flush() }
                try store.db.writeTransaction { () throws in
                    try commitStart()
                    try store.record(event, for: seq)
                }
            }
            if endLocked { unstoredEvents.append(event) }
        case .sync(let ticket):
            commitTails()
            guarded {
                for writer in writers.values { try writer.flush() }
                if pendingStart != nil { try store.db.writeTransaction { () throws in try commitStart() } }
            }
            condition.locked {
                syncedTicket = max(syncedTicket, ticket)
                condition.broadcast()
            }
        case .finish(let termination, let endedAt, let duration, let truncated):
            commitTails()
            defer { store.endBulkWrite() }
            // A busy error can only come from BEGIN (WAL): the body below has not run when it does.
            guarded {
                // One commit for the end: both streams' last chunks, their hashes, the event, the status.
                try store.db.writeTransaction { () throws in
                    try commitStart()
                    for stream in streams where !outputDropped {
                        if let rest = filter(for: stream).finish() { try writer(for: stream).append(rest) } else { try dropOutput() }
                    }
                    for stream in streams where !outputDropped {
                        try writer(for: stream).finish(truncated: truncated.contains(stream))
                    }
                    let event: LifecycleEvent = switch termination {
                    case .exited(let code): LifecycleEvent(.exited, at: endedAt, exitCode: code)
                    case .signaled(let signal): LifecycleEvent(.signaled, at: endedAt, signal: signal)
                    }
                    try store.record(event, for: seq)
                    try store.finish(seq, termination: termination, endedAt: endedAt, durationMicros: duration)
                }
            }
            if endLocked { spoolEnd(termination, endedAt: endedAt, durationMicros: duration, truncated: truncated) }
            // Tail chunks evicted, or this output's chunks dropped for an identical stored blob, in the end's
            // commit: their chunk-file ranges now. Best effort: a store locked now leaves them to the next release.
            else if !failed { try? store.releaseFreedChunks() }
            return true
        }
        return false
    }

    /// The store was locked at the end (a lock taken during the run): the end, the events and the whole
    /// output go to the spool (`PendingRunEnd`) and a background ingest writes them when the lock goes.
    /// The head is read back from the store (reading needs no write lock) so the spooled output is whole.
    private func spoolEnd(_ termination: Termination, endedAt: Timestamp, durationMicros: Int64, truncated: Set<OutputStream>) {
        do {
            let end = try PendingRunEnd(
                location: store.location, invocation: invocation, termination: termination, endedAt: endedAt,
                durationMicros: durationMicros, start: pendingStart.map { ($0.pid, $0.startTicks, $0.at) }, events: unstoredEvents)
            let rings = condition.locked { self.rings }
            var kept = !outputDropped
            for stream in streams where kept {
                let writer = writers[stream]
                var head = try writer?.committedHead() ?? []
                if writer?.tailFirstChunk == nil { head += writer?.unflushed ?? [] }
                head += unstoredHead[stream] ?? []
                // The stream's filter has seen only head bytes unless tail pieces went through it.
                if rings[stream] == nil || tailStored[stream] == nil {
                    guard let rest = filter(for: stream).finish() else { kept = false; break }
                    head += rest
                }
                var tail: [UInt8]?
                if let ring = rings[stream] {
                    let raw = condition.locked { ring.copy(from: ring.start, maxCount: Int(ring.end - ring.start)) }
                    let fresh = OutputPrivacyFilter(redactOutput: redactOutput)
                    guard let bytes = raw.withUnsafeBytes(fresh.process), let rest = fresh.finish() else { kept = false; break }
                    tail = bytes + rest
                }
                end.add(stream, head: head, tail: tail, keep: cap.tailBytes, truncated: truncated.contains(stream))
            }
            if !kept { end.dropOutputs() }
            _ = try end.commit()
            startIngest(store.location)
        } catch {
            faults.notRecording(store.path, error)
        }
    }

    /// Writes the spawned command's pid and `started` event, if not yet written (inside a transaction).
    private func commitStart() throws {
        guard let start = pendingStart else { return }
        pendingStart = nil
        try store.setProcess(pid: start.pid, startTicks: start.startTicks, for: seq)
        try store.record(LifecycleEvent(.started, at: start.at), for: seq)
    }

    /// Stores what the tail rings hold that the store lacks, a piece at a time (the ring is shared with
    /// the relay, which never waits long for it). If the ring has moved past bytes the store never got,
    /// the stored tail restarts from the ring's oldest byte; if that happens twice in one pass (output
    /// much faster than the store), the rest waits for the next commit — at the latest the final one,
    /// when the ring no longer moves. Returns true if the ring had moved past bytes the store lacked.
    @discardableResult
    private func commitTails() -> Bool {
        // Locked at the end: the rings go to the spool whole.
        guard !endLocked else { return false }
        var lostBytes = false
        // Head chunks still queued come before every tail byte: the tail waits for them.
        let streams = condition.locked { queuedHeadBytes == 0 ? Array(rings.keys) : [] }
        for stream in streams {
            let ring = condition.locked { rings[stream]! }
            let target = condition.locked { ring.end }
            var position = tailStored[stream] ?? 0
            var restarts = 0
            while position < target {
                let (piece, gap): ([UInt8], Bool) = condition.locked {
                    let from = max(position, ring.start)
                    let gap = from > position
                    position = from
                    // The relay may have moved the ring past `target` since it was read.
                    return (ring.copy(from: from, maxCount: Int(max(0, min(Int64(1 << 20), target - from)))), gap)
                }
                if gap {
                    lostBytes = true
                    restarts += 1
                    if restarts > 1 { break }
                }
                guarded {
                    let writer = writer(for: stream)
                    if tailStored[stream] == nil { try writer.startTail(keepingLast: cap.tailBytes) }
                    if gap { try writer.resetTail() }
                }
                if endLocked { return lostBytes }
                store(piece, of: stream)
                position += Int64(piece.count)
                tailStored[stream] = position
                if piece.isEmpty { break }
            }
            guarded { try writers[stream]?.flush() }
        }
        return lostBytes
    }

    /// Stores bytes of a stream through its privacy filter.
    private func store(_ bytes: [UInt8], of stream: OutputStream) {
        guard !outputDropped else { return }
        let kept = bytes.withUnsafeBytes { filter(for: stream).process($0) }
        if endLocked {
            if let kept { unstoredHead[stream, default: []] += kept } else { outputDropped = true }
            return
        }
        guarded {
            if let kept { try writer(for: stream).append(kept) } else { try dropOutput() }
        }
    }

    /// The no-save marker was seen: delete what was stored of the output, store no more.
    private func dropOutput() throws {
        outputDropped = true
        writers.removeAll()
        try store.discardOutputs(of: seq)
    }

    private func filter(for stream: OutputStream) -> OutputPrivacyFilter {
        if let existing = filters[stream] { return existing }
        let made = OutputPrivacyFilter(redactOutput: redactOutput)
        filters[stream] = made
        return made
    }

    private func writer(for stream: OutputStream) -> OutputWriter {
        if let existing = writers[stream] { return existing }
        let made = OutputWriter(store: store, invocation: seq, stream: stream)
        writers[stream] = made
        return made
    }

    /// Runs a store operation unless recording already failed; the first failure is reported once.
    /// A lock wait that gave up after the command ended is no failure: the end goes to the spool.
    private func guarded(_ body: () throws -> Void) {
        guard !failed, !endLocked else { return }
        do {
            try body()
        } catch let error as StoreError where error.isBusy && finishing.load(ordering: .acquiring) {
            endLocked = true
        } catch {
            failed = true
            faults.notRecording(store.path, error)
        }
    }
}
