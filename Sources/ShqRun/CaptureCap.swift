/// How much of one stream is stored: everything up to the cap; beyond it the first half (head) and the
/// last half (tail), the middle dropped and the output marked truncated. Relaying is never limited.
public struct CaptureCap: Sendable, Equatable {
    /// 32 MiB: a stream beyond the cap keeps its last half in memory, so the cap bounds shq run's memory
    /// (peak RSS relaying 1 GiB: 69 MiB with a 64 MiB cap) and the time to store the tail at the end.
    public static let defaultBytes: Int64 = 32 << 20

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

    /// Parses a size: bytes, or with a K, M or G suffix (binary: 1K = 1024), optionally followed by
    /// `B`/`iB`. Nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        var digits = Substring(text.uppercased())
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        var shift: Int64 = 0
        switch digits.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        default: break
        }
        if shift > 0 { digits = digits.dropLast() }
        guard let value = Int64(digits), value >= 0, value <= (Int64.max >> shift) else { return nil }
        return value << shift
    }
}
