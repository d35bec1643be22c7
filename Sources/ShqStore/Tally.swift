/// Counts (and failures) keyed by a 64-bit hash of the bytes; the text is kept only the first time a key
/// is seen.
struct Tally: Sendable {
    private var counts: [UInt64: (count: Int64, failed: Int64, text: String)] = [:]
    private static let missing: UInt64 = 0

    mutating func add(_ bytes: UnsafeRawBufferPointer, count: Int64 = 1, failed: Int64 = 0) {
        let key = FNV1a.hash(bytes)
        if counts[key] != nil {
            counts[key]!.count += count
            counts[key]!.failed += failed
        } else {
            counts[key] = (count, failed, String(decoding: bytes, as: UTF8.self))
        }
    }

    mutating func addMissing(count: Int64 = 1, failed: Int64 = 0) {
        let sum = counts[Self.missing, default: (0, 0, "-")]
        counts[Self.missing] = (sum.count + count, sum.failed + failed, sum.text)
    }

    /// Adds the counts of `other`.
    mutating func merge(_ other: Tally) {
        counts.merge(other.counts) { ($0.count + $1.count, $0.failed + $1.failed, $0.text) }
    }

    /// The first word of a command line (leading blanks skipped).
    static func firstWord(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 10 }
        let start = bytes.firstIndex { !blank($0) } ?? bytes.count
        let end = bytes[start...].firstIndex(where: blank) ?? bytes.count
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    func top(_ n: Int) -> [HistoryStats.Count] {
        counts.values.sorted { ($0.count, $1.text) > ($1.count, $0.text) }.prefix(n).map {
            .init(key: $0.text, count: $0.count, failed: $0.failed)
        }
    }
}
