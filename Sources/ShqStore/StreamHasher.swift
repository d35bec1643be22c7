/// The SHA-256 of a stream being stored, computed beside the store writer instead of on it: hashing a
/// chunk costs about as much as compressing and inserting it, and done in line it kept capture one serial
/// pipeline (perf, `shq run cat` of 48 MiB: SHA-256 was a third of the run). Whole chunks are hashed on a
/// thread of their own, started by the first; anything that reads or replaces the state, or hashes a
/// short piece in line, first waits for the queue to drain.
final class StreamHasher: @unchecked Sendable {
    /// Chunks waiting to be hashed; beyond this many the writer waits, so memory stays bounded.
    private static let maxQueued = 4

    private let condition = Condition()
    private var queue: [[UInt8]] = []
    /// Set while the thread hashes a chunk it took: only that thread touches `state` then.
    private var busy = false
    private var stopping = false
    private var state = SHA256()
    private var thread: OSThread?

    /// Hashes `chunk` on the hasher thread.
    func enqueue(_ chunk: [UInt8]) {
        condition.locked {
            while queue.count >= Self.maxQueued { condition.wait(microseconds: 1_000_000) }
            queue.append(chunk)
            condition.broadcast()
        }
        if thread == nil { thread = OSThread { [self] in hashQueuedChunks() } }
    }

    /// Hashes `bytes` here, after everything queued (short pieces: a hand-off would cost more).
    func update(_ bytes: UnsafeRawBufferPointer) {
        drained { $0.update(bytes) }
    }

    /// The state with every queued chunk in it; setting it replaces the state (a restarted tail).
    var current: SHA256 {
        get { drained { $0 } }
        set { drained { $0 = newValue } }
    }

    /// Ends the thread once the queue is drained.
    func stop() {
        condition.locked {
            stopping = true
            condition.broadcast()
        }
        thread?.join()
        thread = nil
    }

    private func drained<T>(_ body: (inout SHA256) -> T) -> T {
        condition.locked {
            while !queue.isEmpty || busy { condition.wait(microseconds: 1_000_000) }
            return body(&state)
        }
    }

    private func hashQueuedChunks() {
        while true {
            let next: [UInt8]? = condition.locked {
                while queue.isEmpty && !stopping { condition.wait(microseconds: 1_000_000) }
                guard !queue.isEmpty else { return nil }
                busy = true
                return queue.removeFirst()
            }
            guard let next else { return }
            next.withUnsafeBytes { state.update($0) }
            condition.locked {
                busy = false
                condition.broadcast()
            }
        }
    }
}
