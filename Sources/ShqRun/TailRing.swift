import CShims
import Glibc

/// The last bytes of a stream beyond the head of the capture cap. In memory, one fixed circular buffer:
/// output far beyond the cap costs one copy per read and no allocation or compression. Or, once the relay
/// starts one (`startChain`), page references in a `TailPipeChain`: the relay tees the command's pipe into
/// it and splices the bytes on, copying nothing (Docs/design/relay.md). The store writer copies out what
/// the store lacks from time to time and at the end, the same way for both.
///
/// Teed bytes count only once `publish`ed, after they were relayed: the store never holds bytes the
/// destination did not get (a reader gone with `EPIPE` leaves them unpublished, as a failed write leaves
/// a read chunk unstored). When the chain cannot go on (a pipe refused), `fallBack` copies what it holds
/// into memory and the stream continues there.
///
/// Not synchronized: the recorder guards it with its lock.
public final class TailRing {
    public let limit: Int
    private var storage: UnsafeMutableRawBufferPointer?
    private var chain: TailPipeChain?
    /// Bytes ever appended and published; the ring holds the last min(end - floor, limit) of them.
    public private(set) var end: Int64 = 0
    /// No byte before this is held (bytes lost when a chain could not be copied back, see `fallBack`).
    private var floor: Int64 = 0

    public init(limit: Int64) { self.limit = Int(max(limit, 0)) }

    deinit { storage?.deallocate() }

    /// The position of the oldest byte still held.
    public var start: Int64 { max(chain?.oldest ?? floor, end - Int64(limit), 0) }

    /// True while the tail is kept in a pipe chain.
    var isChained: Bool { chain != nil }

    /// Keeps the tail in a chain of pipes of `segmentBytes` from now on, if nothing is held yet and the
    /// kernel grants the pipes; false otherwise (the tail stays in memory).
    func startChain(segmentBytes: Int, makePipe: @escaping TailPipeChain.PipeMaker = TailPipeChain.pipe) -> Bool {
        guard chain == nil, storage == nil, end == 0, limit > 0 else { return false }
        chain = TailPipeChain(startingAt: end, segmentBytes: segmentBytes, makePipe: makePipe)
        return chain != nil
    }

    /// Duplicates up to `maxCount` bytes at the front of the pipe `fd` into the chain, unpublished.
    /// Returns the count; or -1 when the chain refused them, and the tail is then back in memory.
    func tee(from fd: Int32, maxCount: Int) -> Int {
        guard let chain, chain.end == end else { return -1 }
        let count = chain.tee(from: fd, maxCount: maxCount)
        if count < 0 { fallBack() }
        return count
    }

    /// The first `count` teed bytes not yet published were relayed: they belong to the tail now.
    func publish(_ count: Int) {
        end += Int64(count)
        chain?.drop(before: end - Int64(limit))
    }

    /// The tail goes back to memory for the rest of the stream, with what the chain holds copied in. Teed
    /// bytes not published are dropped (publish them first to keep them).
    func fallBack() {
        guard chain != nil else { return }
        let from = start
        let held = copy(from: from, maxCount: Int(end - from))
        let visibleEnd = end
        chain = nil
        floor = from
        end = from
        held.withUnsafeBytes { append($0) }
        // A copy the kernel cut short: the bytes after it are lost, not shifted.
        if end < visibleEnd {
            end = visibleEnd
            floor = visibleEnd
        }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        if let chain, chain.end == end {
            let taken = chain.write(bytes)
            publish(taken)
            if taken == bytes.count { return }
            fallBack()
            append(UnsafeRawBufferPointer(rebasing: bytes[taken...]))
            return
        }
        if chain != nil { fallBack() }
        guard limit > 0 else {
            end += Int64(bytes.count)
            return
        }
        let buffer = storage ?? UnsafeMutableRawBufferPointer.allocate(byteCount: limit, alignment: 16)
        storage = buffer
        var source = bytes
        if source.count > limit { source = UnsafeRawBufferPointer(rebasing: source[(source.count - limit)...]) }
        end += Int64(bytes.count - source.count)
        var offset = 0
        while offset < source.count {
            let at = Int(end % Int64(limit))
            let count = min(limit - at, source.count - offset)
            // Streaming stores for the large pieces of a fast stream: the ring (half the cap, 16 MiB by
            // default) does not stay in the cache, and a plain memcpy first reads every line it
            // overwrites. ~0.05 s less CPU per GiB relayed (Docs/design/relay.md).
            if count >= 4096 {
                shq_copy_streaming(buffer.baseAddress! + at, source.baseAddress! + offset, count)
            } else {
                memcpy(buffer.baseAddress! + at, source.baseAddress! + offset, count)
            }
            offset += count
            end += Int64(count)
        }
    }

    /// Up to `maxCount` bytes from `position` (which must be ≥ `start`).
    public func copy(from position: Int64, maxCount: Int) -> [UInt8] {
        guard position < end, maxCount > 0 else { return [] }
        let count = Int(min(Int64(maxCount), end - position))
        if let chain {
            return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
                initialized = chain.copy(from: position, count: count, to: out.baseAddress!)
            }
        }
        guard let storage else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            var done = 0
            while done < count {
                let at = Int((position + Int64(done)) % Int64(limit))
                let piece = min(limit - at, count - done)
                memcpy(out.baseAddress! + done, storage.baseAddress! + at, piece)
                done += piece
            }
            initialized = count
        }
    }
}
