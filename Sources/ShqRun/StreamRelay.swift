import CShims
import Glibc
import ShqStore
import ShqSystem
import Synchronization

/// One captured stream: a thread reads the command's pipe, writes every byte to shq's own fd 1 or 2 at
/// once, then hands the bytes to the store writer. The relay never waits on the store.
final class StreamRelay: @unchecked Sendable {
    static let readSize = 1 << 20

    let stream: OutputStream
    private let pipe: Int32
    private let target: Int32
    private let wake: Int32
    private let endSignal: Condition
    private let recorder: StoreRecorder?
    private var cap: CaptureCap
    private var thread: OSThread?

    /// Monotonic µs of the last read or write; and whether a chunk is between read and relayed.
    private let lastActivity = Atomic<Int64>(0)
    private let busy = Atomic<Bool>(false)
    private let ended = Atomic<Bool>(false)
    private let truncated = Atomic<Bool>(false)

    /// `wake` is the read end of a pipe that becomes readable when the relay must stop; `endSignal` is
    /// broadcast when the relay ends.
    init(stream: OutputStream, pipe: Int32, target: Int32, wake: Int32, endSignal: Condition, recorder: StoreRecorder?, cap: CaptureCap) {
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
            hand(chunk)
            lastActivity.store(MonotonicClock.now(), ordering: .relaxed)
            busy.store(false, ordering: .releasing)
        }
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
