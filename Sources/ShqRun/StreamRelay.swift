import CShims
import Glibc
import ShqStore
import ShqSystem
import Synchronization

/// One captured stream: a thread reads the command's pipe, writes every byte to shq's own fd 1 or 2 at
/// once, then hands the bytes to the store writer. The relay never waits on the store.
///
/// Past the head of the capture cap, large pieces are not read: they are teed into the stream's tail
/// (a `TailPipeChain`) and spliced to fd 1 or 2, so the bytes never pass through user space
/// (Docs/design/relay.md). Small pieces, and everything once the kernel refused a pipe or a splice, are
/// read as the head is.
final class StreamRelay: @unchecked Sendable {
    static let readSize = 1 << 20
    /// Fewer bytes waiting than this are read, not teed: a tee takes the command's pipe buffers as they
    /// are, and a trickle of small writes would pin a page for every few bytes of the tail.
    static let teeMinimum = 32 << 10

    /// splice(2) from the command's pipe to the destination: bytes, or -1 with errno. Tests substitute one
    /// that refuses, as some destinations do.
    typealias Splice = @Sendable (_ from: Int32, _ to: Int32, _ count: Int) -> Int
    static let splice: Splice = { from, to, count in shq_splice(from, to, count, 0) }

    let stream: OutputStream
    private let pipe: Int32
    private let target: Int32
    private let wake: Int32
    private let endSignal: Condition
    private let recorder: StoreRecorder?
    private var cap: CaptureCap
    private let splice: Splice
    private let makePipe: TailPipeChain.PipeMaker
    private var thread: OSThread?

    /// Monotonic µs of the last read or write; and whether a chunk is between read and relayed.
    private let lastActivity = Atomic<Int64>(0)
    private let busy = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let truncated = Atomic<Bool>(false)

    /// `wake` is the read end of a pipe that becomes readable when the relay must stop; `endSignal` is
    /// broadcast when the relay ends.
    init(
        stream: OutputStream, pipe: Int32, target: Int32, wake: Int32, endSignal: Condition, recorder: StoreRecorder?, cap: CaptureCap,
        splice: @escaping Splice = StreamRelay.splice, makePipe: @escaping TailPipeChain.PipeMaker = TailPipeChain.pipe
    ) {
        self.splice = splice
        self.makePipe = makePipe
        self.stream = stream
        self.pipe = pipe
        self.target = target
        self.wake = wake
        self.endSignal = endSignal
        self.recorder = recorder
        self.cap = cap
        lastActivity.store(MonotonicClock.now(), ordering: .relaxed)
    }

    func start() {
        thread = OSThread { [self] in relayLoop() }
    }

    func join() {
        thread?.join()
        thread = nil
    }

    /// The pipe reached end of file (every writer closed it) or the relay was stopped.
    var hasEnded: Bool { ended.load(ordering: .acquiring) }
    var isTruncated: Bool { truncated.load(ordering: .relaxed) }

    /// True when nothing has been read or relayed for `micros`, counting from `since` at the earliest.
    func isQuiet(for micros: Int64, since: Int64 = 0) -> Bool {
        hasEnded || (!busy.load(ordering: .acquiring)
            && MonotonicClock.now() - max(since, lastActivity.load(ordering: .relaxed)) >= micros)
    }

    private func relayLoop() {
        defer {
            close(pipe)
            endSignal.locked {
                ended.store(true, ordering: .releasing)
                endSignal.broadcast()
            }
        }
        var relaying = true
        // Bytes past the head go through the tail's pipe chain (see `teeAndSplice`); tried once per stream.
        var teeing = false
        var teeTried = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 16)
        defer { buffer.deallocate() }
        var fds = [pollfd(fd: pipe, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            busy.store(true, ordering: .releasing)
            if teeing && shq_pipe_available(pipe) >= Self.teeMinimum {
                switch teeAndSplice(buffer, relaying: &relaying) {
                case .relayed:
                    lastActivity.store(MonotonicClock.now(), ordering: .relaxed)
                    busy.store(false, ordering: .releasing)
                    continue
                case .readerGone:
                    busy.store(false, ordering: .releasing)
                    return
                case .refused:
                    // For the rest of the stream, and for this piece: read below.
                    teeing = false
                }
            }
            let count = read(pipe, buffer.baseAddress, buffer.count)
            if count < 0 {
                busy.store(false, ordering: .releasing)
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            if count == 0 {
                busy.store(false, ordering: .releasing)
                return
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            if relaying {
                let error = writeAll(target, chunk)
                if error == EPIPE {
                    // shq's reader went away (`| head`): closing the capture pipe makes the command's
                    // next write raise SIGPIPE, as it would have without shq; its death is recorded.
                    busy.store(false, ordering: .releasing)
                    return
                }
                // Another error (EIO after a hangup): stop relaying, keep capturing.
                if error != 0 { relaying = false }
            }
            if !teeTried, relaying, let recorder, cap.seen + Int64(count) > cap.headBytes {
                // The first bytes past the head: the tail starts as a pipe chain if the kernel grants it.
                teeTried = true
                teeing = recorder.withTail(stream) { $0.startChain(segmentBytes: Self.readSize, makePipe: makePipe) }
            }
            hand(chunk)
            lastActivity.store(MonotonicClock.now(), ordering: .relaxed)
            busy.store(false, ordering: .releasing)
        }
    }

    private enum TeeOutcome {
        case relayed
        /// The destination's reader went away (`EPIPE`): the relay ends, as after a failed write.
        case readerGone
        /// The chain or the destination refused: the tail is in memory again, the next bytes are read.
        case refused
    }

    /// Tees up to a read's worth of the command's pipe into the tail's chain, then splices those bytes to
    /// the destination and publishes them in the tail. If the destination refuses splice (EINVAL: a file
    /// opened `O_APPEND`, a device without it; EAGAIN: a non-blocking one), the bytes not yet spliced are
    /// still at the front of the pipe and already in the chain: they are read and written as a read chunk
    /// is, published once, and the tail goes back to memory.
    private func teeAndSplice(_ buffer: UnsafeMutableRawBufferPointer, relaying: inout Bool) -> TeeOutcome {
        guard let recorder else { return .refused }
        let teed = recorder.withTail(stream) { $0.tee(from: pipe, maxCount: Self.readSize) }
        guard teed > 0 else { return .refused }
        var moved = 0
        while moved < teed {
            let count = splice(pipe, target, teed - moved)
            if count > 0 {
                moved += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            // As a write that failed with EPIPE: the piece is not stored, the command gets SIGPIPE.
            if count < 0 && errno == EPIPE { return .readerGone }
            break
        }
        if moved == teed {
            recorder.withTail(stream) { $0.publish(teed) }
            counted(teed)
            return .relayed
        }
        var relayed = moved
        while relayed < teed {
            let count = read(pipe, buffer.baseAddress, min(teed - relayed, buffer.count))
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            if relaying {
                let error = writeAll(target, UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if error == EPIPE {
                    recorder.withTail(stream) { $0.publish(relayed) }
                    counted(relayed)
                    return .readerGone
                }
                if error != 0 { relaying = false }
            }
            relayed += count
        }
        recorder.withTail(stream) { ring in
            ring.publish(relayed)
            ring.fallBack()
        }
        counted(relayed)
        return .refused
    }

    /// Bytes past the head that reached the tail without `hand`.
    private func counted(_ count: Int) {
        _ = cap.split(count)
        if cap.isTruncated { truncated.store(true, ordering: .relaxed) }
    }

    /// `count` bytes from `offset`, copied with memcpy (a slice-to-Array copy goes byte by byte).
    private static func copy(_ chunk: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            memcpy(buffer.baseAddress!, chunk.baseAddress! + offset, count)
            initialized = count
        }
    }

    /// Gives the chunk to the store writer, split at the head/tail boundary of the capture cap.
    private func hand(_ chunk: UnsafeRawBufferPointer) {
        guard let recorder else { return }
        let (head, tail) = cap.split(chunk.count)
        if head > 0 { recorder.submit(.output(stream, Self.copy(chunk, 0, head))) }
        if tail > 0 { recorder.submitTail(stream, UnsafeRawBufferPointer(rebasing: chunk[head...])) }
        if cap.isTruncated { truncated.store(true, ordering: .relaxed) }
    }
}
