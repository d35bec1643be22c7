import CShims
import Glibc

/// The tail of a stream kept as page references in a chain of pipes instead of copied into memory: the
/// relay `tee`s each large piece from the command's pipe into the newest segment, then `splice`s it to
/// the destination, so a byte past the head of the capture cap is never copied through user space unless
/// the store asks for it (Docs/design/relay.md). A segment that is full gives way to a new one; the oldest
/// are closed once the newer ones hold the tail. Reading a copy (`copy`) tees a segment into a scratch pipe
/// and reads that, consuming nothing.
///
/// Every pipe is grown to `segmentBytes`; a pipe the kernel will not grow (F_SETPIPE_SZ refused past
/// `/proc/sys/fs/pipe-user-pages-soft` for a non-root user) or cannot create (the fd limit) makes the
/// operation fail, and the owner (`TailRing`) goes back to memory.
///
/// Not synchronized: `TailRing`'s owner guards it.
final class TailPipeChain {
    /// Makes a pipe of at least `bytes`, both ends non-blocking and close-on-exec, or nil (errno set).
    /// Tests substitute one that refuses, as the kernel may.
    typealias PipeMaker = (_ bytes: Int) -> (read: Int32, write: Int32)?

    private struct Segment {
        var read: Int32
        /// -1 once a newer segment exists: only the newest is written to.
        var write: Int32
        let start: Int64
        var held: Int64
        var end: Int64 { start + held }
    }

    let segmentBytes: Int
    private let makePipe: PipeMaker
    private var segments: [Segment] = []
    private let scratch: (read: Int32, write: Int32)
    private let devNull: Int32
    /// Position after the last byte put in.
    private(set) var end: Int64

    /// A chain whose first byte will be at `position`; nil if the scratch pipe or the first segment
    /// cannot be had.
    init?(startingAt position: Int64, segmentBytes: Int, makePipe: @escaping PipeMaker = TailPipeChain.pipe) {
        guard Self.descriptorsToSpare else { return nil }
        self.segmentBytes = segmentBytes
        self.makePipe = makePipe
        end = position
        guard let scratch = makePipe(segmentBytes) else { return nil }
        guard let first = makePipe(segmentBytes) else {
            close(scratch.read)
            close(scratch.write)
            return nil
        }
        self.scratch = scratch
        segments = [Segment(read: first.read, write: first.write, start: position, held: 0)]
        devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
    }

    deinit {
        for segment in segments { closeSegment(segment) }
        close(scratch.read)
        close(scratch.write)
        if devNull >= 0 { close(devNull) }
    }

    /// A chain holding the default 16 MiB tail keeps ~18 read ends open per stream (plus the scratch
    /// pipe): not under a tight fd limit, where the store's files (the spool, a new chunk file) still
    /// need descriptors. 256 leaves ~200 free with both streams' chains.
    static let descriptorsNeeded: UInt = 256

    static var descriptorsToSpare: Bool {
        var limit = rlimit()
        return getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 && UInt(limit.rlim_cur) >= descriptorsNeeded
    }

    static func pipe(_ bytes: Int) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard shq_pipe_nonblocking(&fds) == 0 else { return nil }
        if shq_set_pipe_size(fds[0], Int32(bytes)) < Int32(bytes) {
            let error = errno
            close(fds[0])
            close(fds[1])
            errno = error
            return nil
        }
        return (fds[0], fds[1])
    }

    /// The position of the oldest byte held.
    var oldest: Int64 { segments.first?.start ?? end }

    /// Duplicates up to `maxCount` bytes at the front of the pipe `fd` into the chain (`fd` keeps them).
    /// Returns the count, or -1 if the chain cannot take them (errno set).
    func tee(from fd: Int32, maxCount: Int) -> Int {
        var rotated = false
        while true {
            let count = shq_tee(fd, segments[segments.count - 1].write, maxCount)
            if count > 0 {
                segments[segments.count - 1].held += Int64(count)
                end += Int64(count)
                return count
            }
            if count == 0 {
                errno = EAGAIN
                return -1
            }
            if errno == EINTR { continue }
            // Full (or, after a new segment, nothing to take: the caller saw bytes waiting, so not expected).
            if errno == EAGAIN && !rotated {
                guard rotate() else { return -1 }
                rotated = true
                continue
            }
            return -1
        }
    }

    /// Copies `bytes` into the chain; returns how many it took (fewer only if a new segment was refused).
    func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        var done = 0
        var rotated = false
        while done < bytes.count {
            let count = Glibc.write(segments[segments.count - 1].write, bytes.baseAddress! + done, bytes.count - done)
            if count > 0 {
                segments[segments.count - 1].held += Int64(count)
                end += Int64(count)
                done += count
                rotated = false
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == EAGAIN && !rotated {
                guard rotate() else { return done }
                rotated = true
                continue
            }
            return done
        }
        return done
    }

    /// Closes the oldest segments whose every byte lies before `position` (the newest stays).
    func drop(before position: Int64) {
        while segments.count > 1 && segments[0].end <= position {
            closeSegment(segments.removeFirst())
        }
    }

    /// Copies `count` bytes from `position` (≥ `oldest`, ≤ `end`) to `destination`; returns how many
    /// were copied (fewer only if the kernel refused a step).
    func copy(from position: Int64, count: Int, to destination: UnsafeMutableRawPointer) -> Int {
        var at = position
        let stop = position + Int64(count)
        for segment in segments where segment.end > at && at < stop {
            let offset = Int(at - segment.start)
            let wanted = Int(min(segment.end, stop) - at)
            let done = Int(at - position)
            guard copy(segment, skipping: offset, count: wanted, to: destination + done) else { return done }
            at += Int64(wanted)
        }
        return Int(at - position)
    }

    /// tee copies from a pipe's front: the segment's first `skipping + count` bytes go to the scratch
    /// pipe (as large as a segment, so they fit), the first `skipping` are dropped and the rest read.
    private func copy(_ segment: Segment, skipping: Int, count: Int, to destination: UnsafeMutableRawPointer) -> Bool {
        defer { drainScratch() }
        var teed = 0
        repeat { teed = shq_tee(segment.read, scratch.write, skipping + count) } while teed < 0 && errno == EINTR
        guard teed == skipping + count else { return false }
        var skipped = 0
        while skipped < skipping {
            let moved = devNull >= 0 ? shq_splice(scratch.read, devNull, skipping - skipped, 1) : -1
            if moved > 0 {
                skipped += moved
                continue
            }
            if moved < 0 && errno == EINTR { continue }
            // No /dev/null to splice to: read the bytes and drop them.
            let read = discard(skipping - skipped)
            guard read > 0 else { return false }
            skipped += read
        }
        var got = 0
        while got < count {
            let read = Glibc.read(scratch.read, destination + got, count - got)
            if read < 0 && errno == EINTR { continue }
            if read <= 0 { return false }
            got += read
        }
        return true
    }

    private func discard(_ count: Int) -> Int {
        var sink = [UInt8](repeating: 0, count: min(count, 1 << 16))
        while true {
            let read = sink.withUnsafeMutableBytes { Glibc.read(scratch.read, $0.baseAddress, $0.count) }
            if read < 0 && errno == EINTR { continue }
            return read
        }
    }

    /// Leaves the scratch pipe empty after a copy that stopped short.
    private func drainScratch() {
        while discard(1 << 16) > 0 {}
    }

    /// A new newest segment; the previous one is written to no more.
    private func rotate() -> Bool {
        guard let fresh = makePipe(segmentBytes) else { return false }
        let last = segments.count - 1
        close(segments[last].write)
        segments[last].write = -1
        segments.append(Segment(read: fresh.read, write: fresh.write, start: end, held: 0))
        return true
    }

    private func closeSegment(_ segment: Segment) {
        close(segment.read)
        if segment.write >= 0 { close(segment.write) }
    }
}
