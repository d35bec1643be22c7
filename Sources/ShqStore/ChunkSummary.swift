import Glibc
import ShqSystem

/// What `shq grep` can know of an output chunk without decompressing it (Docs/design/grep.md): which
/// trigrams its text may hold, how many lines it ends, and what a reader needs to start reading at it.
///
/// "Text" is the chunk as grep reads it: escape sequences and carriage returns removed, ASCII letters
/// folded to lower case. The trigrams are those whose last byte is in this chunk's text, so the two that
/// begin in the chunk before are here too: a literal that spans a chunk boundary has its first trigrams
/// in one chunk's filter and the rest in the next one's.
public struct ChunkSummary: Sendable, Equatable {
    /// Newlines in the text (escape sequences can swallow one, so not the raw count).
    public let lines: Int
    /// Bytes of text (after removing escapes and CRs).
    public let textBytes: Int
    /// `EscapeStripper.stateCode` where this chunk begins: reading can start here.
    public let startState: UInt8
    /// A NUL byte in the raw chunk (the first chunk's decides whether an output is binary).
    public let hasNul: Bool
    /// Bloom filter, one bit per trigram (a power-of-two number of words); empty when the chunk had so
    /// many distinct trigrams that the filter would pass everything (base64, compressed data).
    let words: [UInt64]

    init(lines: Int, textBytes: Int, flags: Int64, bloom: UnsafeRawBufferPointer) {
        self.lines = lines
        self.textBytes = textBytes
        startState = UInt8(truncatingIfNeeded: flags & 0xff)
        hasNul = flags & Self.nulFlag != 0
        let count = bloom.count / 8
        // A power of two (as written); anything else is read as "no filter", which only costs a read.
        words = count > 0 && count & (count - 1) == 0
            ? (0..<count).map { bloom.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self).littleEndian }
            : []
    }

    static let nulFlag: Int64 = 0x100

    /// Whether the text may hold the trigram (`Trigram.key`): false only when it certainly does not.
    public func mayHold(_ key: UInt32) -> Bool {
        guard !words.isEmpty else { return true }
        let bit = Int(key) & (words.count * 64 - 1)
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}

/// The trigram keys, shared by the writer of the filters and their readers.
public enum Trigram {
    /// ASCII lower case, as `shq grep -i` folds.
    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// The key of the trigram whose three folded bytes are the low 24 bits of `value`: a multiplicative
    /// hash whose low bits index the filter at any power-of-two size (so a filter can be folded in half).
    @inline(__always) static func key(_ value: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: (UInt64(value) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// The keys of every trigram of `literal` (folded here), in order; empty when it is shorter than 3.
    public static func keys(of literal: [UInt8]) -> [UInt32] {
        guard literal.count >= 3 else { return [] }
        var value: UInt32 = 0
        var keys: [UInt32] = []
        for (index, byte) in literal.enumerated() {
            value = (value << 8 | UInt32(fold(byte))) & 0xff_ffff
            if index >= 2 { keys.append(key(value)) }
        }
        return keys
    }
}

/// Builds the summaries of one stream's chunks, in order, carrying the stripper's state and the last two
/// bytes of text from one chunk to the next. Costs one pass over the text (a hash and an OR per byte).
struct ChunkSummarizer {
    /// 4 KiB for a 256 KiB chunk: build logs hold a few thousand distinct trigrams per chunk.
    static let maxWords = 512
    /// A filter is halved while its set bits stay under this share (the chance that one absent trigram
    /// passes); one that cannot get under `saturated` is not stored.
    static let targetFill = 0.25
    static let saturated = 0.6

    private var stripper = EscapeStripper(dropCarriageReturns: true)
    /// The last two folded bytes of text so far, and how many there are (0...2).
    private var carry: UInt32 = 0
    private var carried = 0
    private var text: [UInt8] = []
    private var bits = [UInt64](repeating: 0, count: ChunkSummarizer.maxWords)
    /// One byte per filter bit, for long texts: a plain store per byte instead of a read-modify-write of
    /// a word (which waits on the previous store to the same word), packed into `bits` at the end.
    /// Capture CPU for 260 MB of build logs: see Docs/design/grep.md.
    private var marks = [UInt8](repeating: 0, count: ChunkSummarizer.maxWords * 64)
    /// Below this much text, packing `marks` would cost more than it saves.
    static let marksFrom = 16 * 1024

    /// The summary of the next chunk: flags (start state, NUL), newline count, text size, filter bytes.
    mutating func summarize(_ raw: UnsafeRawBufferPointer) -> (flags: Int64, lines: Int64, textBytes: Int64, bloom: [UInt8]) {
        var flags = Int64(stripper.stateCode)
        if let base = raw.baseAddress, memchr(base, 0, raw.count) != nil { flags |= ChunkSummary.nulFlag }
        text.removeAll(keepingCapacity: true)
        stripper.append(raw.bindMemory(to: UInt8.self), to: &text)
        var lines = 0
        var value = carry, have = carried
        let mask = UInt32(Self.maxWords * 64 - 1)
        text.withUnsafeBufferPointer { text in
            bits.withUnsafeMutableBufferPointer { bits in
                var index = 0
                while index < text.count && have < 2 {
                    value = (value << 8 | UInt32(Trigram.fold(text[index]))) & 0xff_ffff
                    if text[index] == 10 { lines += 1 }
                    have += 1
                    index += 1
                }
                if text.count - index < Self.marksFrom {
                    while index < text.count {
                        let byte = text[index]
                        value = (value << 8 | UInt32(Trigram.fold(byte))) & 0xff_ffff
                        let bit = Int(Trigram.key(value) & mask)
                        bits[bit >> 6] |= 1 << UInt64(bit & 63)
                        lines &+= byte == 10 ? 1 : 0
                        index += 1
                    }
                    return
                }
                marks.withUnsafeMutableBufferPointer { marks in
                    while index < text.count {
                        let byte = text[index]
                        value = (value << 8 | UInt32(Trigram.fold(byte))) & 0xff_ffff
                        marks[Int(Trigram.key(value) & mask)] = 1
                        lines &+= byte == 10 ? 1 : 0
                        index += 1
                    }
                    for word in 0..<bits.count {
                        var packed: UInt64 = 0
                        for offset in 0..<64 { packed |= UInt64(marks[word * 64 + offset]) << UInt64(offset) }
                        bits[word] |= packed
                    }
                    marks.update(repeating: 0)
                }
            }
        }
        carry = value & 0xffff
        carried = have
        let bloom = Self.shrunk(&bits)
        for index in bits.indices { bits[index] = 0 }
        return (flags, Int64(lines), Int64(text.count), bloom)
    }

    /// The filter halved (upper half OR-ed onto the lower) while it stays sparse, as little-endian bytes;
    /// empty when saturated.
    private static func shrunk(_ bits: inout [UInt64]) -> [UInt8] {
        func fill(_ words: ArraySlice<UInt64>) -> Double {
            Double(words.reduce(0) { $0 + $1.nonzeroBitCount }) / Double(words.count * 64)
        }
        var count = bits.count
        if fill(bits[0..<count]) > saturated { return [] }
        while count > 8 {
            let half = count / 2
            var folded = Array(bits[0..<half])
            for index in 0..<half { folded[index] |= bits[half + index] }
            if fill(folded[...]) > targetFill { break }
            bits.replaceSubrange(0..<half, with: folded)
            count = half
        }
        var bytes = [UInt8](repeating: 0, count: count * 8)
        bytes.withUnsafeMutableBytes { out in
            for index in 0..<count { out.storeBytes(of: bits[index].littleEndian, toByteOffset: index * 8, as: UInt64.self) }
        }
        return bytes
    }
}
