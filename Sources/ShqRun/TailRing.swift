import CShims
import Glibc

/// The last bytes of a stream beyond the head of the capture cap, in one fixed circular buffer: output
/// far beyond the cap costs one copy per read and no allocation or compression. The store writer copies
/// out what the store lacks from time to time and at the end.
///
/// Not synchronized: the recorder guards it with its lock.
public final class TailRing {
    public let limit: Int
    private var storage: UnsafeMutableRawBufferPointer?
    /// Bytes ever appended; the ring holds the last min(end, limit) of them.
    public private(set) var end: Int64 = 0

    public init(limit: Int64) { self.limit = Int(max(limit, 0)) }

    deinit { storage?.deallocate() }

    /// The position of the oldest byte still held.
    public var start: Int64 { max(0, end - Int64(limit)) }

    public func append(_ bytes: UnsafeRawBufferPointer) {
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
        guard let storage, position < end, maxCount > 0 else { return [] }
        let count = Int(min(Int64(maxCount), end - position))
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
