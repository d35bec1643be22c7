/// How much of one stream is stored: everything up to the cap; beyond it the first half (head) and the
/// last half (tail), the middle dropped and the output marked truncated. Relaying is never limited. The
/// size is `ResolvedSettings.captureCap`.
public struct CaptureCap: Sendable, Equatable {
    public let headBytes: Int64
    public let tailBytes: Int64
    /// Bytes seen so far on the stream.
    public private(set) var seen: Int64 = 0

    public init(bytes: Int64) {
        headBytes = bytes - bytes / 2
        tailBytes = bytes / 2
    }

    /// True once more than the cap has been seen: what is stored is head + tail, not everything.
    public var isTruncated: Bool { seen > headBytes + tailBytes }

    /// Splits the next `count` bytes into the part that belongs to the head and the part after it.
    public mutating func split(_ count: Int) -> (head: Int, tail: Int) {
        let headRoom = max(0, headBytes - seen)
        let head = Int(min(Int64(count), headRoom))
        seen += Int64(count)
        return (head, count - head)
    }
}
