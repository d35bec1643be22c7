import Glibc
import ShqPrivacy
import ShqRun
import ShqStore
import ShqSystem

/// The storage side of a session, on a thread of its own: the relay hands it each command's bytes
/// through a bounded queue and never waits for SQLite. Per command it keeps the head and the tail of
/// the output (`CaptureCap`); at the command's end mark it moves the hook's spool into the store, finds
/// the record the hook wrote for the mark's key and stores the output with it, stream `pty`.
///
/// If the store is slow, locked or full, the queue fills and the relay drops bytes instead of waiting:
/// the command's stored output is then marked truncated.
final class CommandCapture: @unchecked Sendable {
    private enum Item {
        case begin
        case bytes([UInt8])
        /// Bytes were dropped here (the queue was full).
        case gap
        case end(key: String?)
        case close
    }

    /// Bytes waiting for the storage thread beyond this are dropped (~80 ms of output at full speed).
    static let queueLimit = 8 << 20
    /// Tag of a record whose output was not kept because a full-screen program drew it.
    static let fullScreenTag = "fullscreen"

    private var store: Store
    /// The database file the connection was opened on (device, inode).
    private var storeFile: (dev_t, ino_t)?
    private let settings: ResolvedSettings
    private let condition = Condition()
    private var queue: [Item] = []
    private var queuedBytes = 0
    private var finished = false
    private var thread: OSThread?

    /// The command being captured (storage thread only).
    private var current: PendingOutput?

    init(store: Store, settings: ResolvedSettings) {
        self.store = store
        self.settings = settings
        storeFile = Self.identity(of: store.path)
        Store.keepChunkFileWarningsQuiet()  // the terminal is the user's
    }

    private static func identity(of path: String) -> (dev_t, ino_t)? {
        var info = stat()
        return stat(path, &info) == 0 ? (info.st_dev, info.st_ino) : nil
    }

    /// A session lives for days: if the database file was removed or replaced meanwhile (the data folder
    /// deleted), the open connection would write into a file nobody can see any more. Reopen instead,
    /// as any new shq process would.
    private func liveStore() -> Store {
        let current = Self.identity(of: store.path)
        if let current, let storeFile, current == storeFile { return store }
        if let reopened = try? Store(location: store.location) {
            store = reopened
            storeFile = Self.identity(of: reopened.path)
        }
        return store
    }

    func start() {
        thread = OSThread { [self] in storageLoop() }
    }

    // MARK: The relay's side: a lock and a copy, never SQLite

    func begin() { enqueue(.begin) }

    func append(_ bytes: UnsafeRawBufferPointer) {
        condition.locked {
            if queuedBytes + bytes.count > Self.queueLimit {
                if case .gap? = queue.last {} else { queue.append(.gap) }
                return
            }
            queuedBytes += bytes.count
            let wasEmpty = queue.isEmpty
            queue.append(.bytes(Array(bytes)))
            // The capture thread takes the whole queue at each wake-up: only an empty queue needs one.
            if wasEmpty { condition.broadcast() }
        }
    }

    func end(key: String?) { enqueue(.end(key: key)) }

    /// Stores what is queued, for at most `timeoutMicros`; whatever is not stored by then is lost.
    func close(timeoutMicros: Int64) {
        enqueue(.close)
        let deadline = MonotonicClock.now() + timeoutMicros
        let done = condition.locked {
            while !finished {
                let left = deadline - MonotonicClock.now()
                if left <= 0 { break }
                condition.wait(microseconds: left)
            }
            return finished
        }
        if done { thread?.join() }
    }

    private func enqueue(_ item: Item) {
        condition.locked {
            queue.append(item)
            condition.broadcast()
        }
    }

    // MARK: The storage thread

    private func storageLoop() {
        while true {
            let batch: [Item] = condition.locked {
                while queue.isEmpty { condition.wait(microseconds: 3_600_000_000) }
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            // Bytes taken out of the queue, given back to the relay's budget before anything slow.
            var consumed = 0
            func release() {
                let count = consumed
                consumed = 0
                if count > 0 { condition.locked { queuedBytes -= count } }
            }
            defer { release() }
            for item in batch {
                switch item {
                case .begin:
                    current = PendingOutput(cap: CaptureCap(bytes: settings.sessionCaptureCap))
                case .bytes(let bytes):
                    current?.append(bytes)
                    consumed += bytes.count
                case .gap:
                    current?.gap = true
                case .end(let key):
                    release()
                    if let output = current, let key { persist(output, key: key) }
                    current = nil
                case .close:
                    condition.locked {
                        finished = true
                        condition.broadcast()
                    }
                    return
                }
            }
        }
    }

    /// Attaches the output to the record `hook:<key>`. Nothing is stored when the hook's record was
    /// dropped by the recording policy (secret-prone commands), already has output, or carried the
    /// no-save marker; a full-screen program's output only tags the record, unless asked to keep it.
    ///
    /// The store gets `Store.startWaitMilliseconds` at most: locked by another process, the output goes
    /// to the spool (`PendingRecordFile`, attached at the next ingest if the hook's record was kept), so
    /// this thread does not fall behind the relay and drop bytes.
    private func persist(_ output: PendingOutput, key: String) {
        let store = liveStore()
        do {
            try store.waitingAtMost(milliseconds: Store.startWaitMilliseconds) { () throws in
                try store.ingestHookSpool(wait: true)
                guard let seq = try store.seq(forImportKey: "hook:" + key) else { return }
                if output.altScreen.found && !settings.captureAltScreen {
                    try store.tagIfUntagged(seq, Self.fullScreenTag)
                    return
                }
                guard try !store.hasOutput(seq) else { return }
                guard let kept = filtered(output) else { return }
                let writer = OutputWriter(store: store, invocation: seq, stream: .pty)
                try store.db.writeTransaction { () throws in
                    try writer.append(kept.head)
                    if output.cap.isTruncated { try writer.startTail(keepingLast: output.cap.tailBytes) }
                    try writer.append(kept.tail)
                    try writer.finish(truncated: output.cap.isTruncated || output.gap)
                }
                try? store.releaseFreedChunks()  // what the commit above deleted (a duplicate, the evicted tail)
            }
        } catch let error as StoreError where error.isBusy {
            spool(output, key: key, store: store)
        } catch {
            // Never on the terminal: the session goes on, the record stays without output.
        }
    }

    /// Through the privacy filter first (in memory, at most the cap): the no-save marker anywhere means
    /// no byte is written at all (nil).
    private func filtered(_ output: PendingOutput) -> (head: [UInt8], tail: [UInt8])? {
        let filter = OutputPrivacyFilter(redactOutput: settings.redactOutput)
        let tail = output.tail.copy(from: output.tail.start, maxCount: Int(output.tail.end - output.tail.start))
        guard let head = output.head.withUnsafeBytes(filter.process), let kept = tail.withUnsafeBytes(filter.process),
              let rest = filter.finish() else { return nil }
        return (head, kept + rest)
    }

    /// The store is locked: the output waits in the spool for the hook record it belongs to. (A
    /// full-screen program's tag is not kept this way.)
    private func spool(_ output: PendingOutput, key: String, store: Store) {
        guard !(output.altScreen.found && !settings.captureAltScreen), let kept = filtered(output),
              let file = try? PendingRecordFile(location: store.location, id: InvocationID.make()) else { return }
        file.attach(toImportKey: "hook:" + key)
        let truncated = output.cap.isTruncated
        kept.head.withUnsafeBytes { file.addHead(.pty, $0) }
        kept.tail.withUnsafeBytes { truncated ? file.addTail(.pty, keep: output.cap.tailBytes, $0) : file.addHead(.pty, $0) }
        file.endStream(.pty, truncated: truncated || output.gap)
        try? file.commit()  // a failed commit removes its partial file
    }
}

/// One command's output while it runs: the head, the last bytes, and what was seen in it.
private final class PendingOutput {
    var cap: CaptureCap
    var head: [UInt8] = []
    let tail: TailRing
    var altScreen = AltScreenDetector()
    var gap = false

    init(cap: CaptureCap) {
        self.cap = cap
        tail = TailRing(limit: cap.tailBytes)
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            altScreen.feed(raw)
            let (inHead, _) = cap.split(raw.count)
            head.append(contentsOf: raw[0..<inHead])
            if inHead < raw.count { tail.append(UnsafeRawBufferPointer(rebasing: raw[inHead...])) }
        }
    }
}
