import Glibc
import ShqSystem

/// Builds the summaries of one stream's chunks, in order, carrying the stripper's state and the last two
/// bytes of text from one chunk to the next.
///
/// Runs on every captured byte, so it is written for instruction count (Docs/design/grep.md, "The
/// summarizer at capture"; `bench/summary-cost.sh` measures it alone): the text is folded and its newlines
/// counted eight bytes at a time, the trigrams are cut from one 64-bit load per six of them (no chain
/// of one byte's value into the next), and a filter that is already over `saturated` stops being built,
/// since it cannot be stored. What it produces is what a byte-at-a-time fold, hash and bit per trigram
/// produces (`ChunkSummarizerTests` compares them).
struct ChunkSummarizer {
    /// 4 KiB for a 256 KiB chunk: build logs hold a few thousand distinct trigrams per chunk.
    static let maxWords = 512 // `bit(of:)` is written for this size (32 768 bits)
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
    /// One byte per filter bit, for long texts: a plain store per trigram instead of a read-modify-write
    /// of a word (which waits on the previous store to the same word), packed into `bits` eight marks per
    /// multiply.
    private var marks = [UInt8](repeating: 0, count: ChunkSummarizer.maxWords * 64)
    /// Below this much text, packing `marks` would cost more than it saves.
    static let marksFrom = 16 * 1024
    /// Where the filter is checked for saturation (text offsets): base64 fills 60% of the bits within its
    /// first 32 KiB, build logs never do; past the last, a saturated filter is found by `shrunk`.
    static let saturationChecks = [32 * 1024, 64 * 1024, 128 * 1024]

    /// The summary of the next chunk: flags (start state, NUL), newline count, text size, filter bytes.
    mutating func summarize(_ raw: UnsafeRawBufferPointer) -> (flags: Int64, lines: Int64, textBytes: Int64, bloom: [UInt8]) {
        var flags = Int64(stripper.stateCode)
        if let base = raw.baseAddress, memchr(base, 0, raw.count) != nil { flags |= ChunkSummary.nulFlag }
        text.removeAll(keepingCapacity: true)
        stripper.append(raw.bindMemory(to: UInt8.self), to: &text)
        let count = text.count
        var lines = 0
        var saturatedEarly = false
        var value = carry, have = carried
        text.withUnsafeMutableBufferPointer { text in
            guard let base = text.baseAddress else { return }
            // Text is folded (and its newlines counted) block by block, just before its trigrams are cut,
            // so that a saturated filter leaves the rest to be counted only.
            var folded = 0
            func fold(to end: Int) {
                lines += Self.scan(base + folded, count: end - folded, fold: true)
                folded = end
            }
            fold(to: count < Self.marksFrom ? count : min(count, Self.saturationChecks[0]))
            bits.withUnsafeMutableBufferPointer { bits in
                let bitsBase = bits.baseAddress!
                // The first two bytes end trigrams that begin in the chunk before (none at the start).
                var index = 0
                while index < count && index < 2 {
                    value = (value << 8 | UInt32(base[index])) & 0xff_ffff
                    if have == 2 {
                        let bit = Self.bit(of: UInt64(value))
                        bitsBase[bit >> 6] |= 1 << UInt64(bit & 63)
                    } else {
                        have += 1
                    }
                    index += 1
                }
                if count < Self.marksFrom {
                    Self.forEachTrigramBit(in: UnsafePointer(base), from: index, to: count) { bit in
                        bitsBase[bit >> 6] |= 1 << UInt64(bit & 63)
                    }
                    return
                }
                marks.withUnsafeMutableBufferPointer { marks in
                    let marksBase = marks.baseAddress!
                    var check = 0
                    while index < count {
                        let end = check < Self.saturationChecks.count ? min(count, Self.saturationChecks[check]) : count
                        check += 1
                        fold(to: end)
                        Self.forEachTrigramBit(in: UnsafePointer(base), from: index, to: end) { marksBase[$0] = 1 }
                        index = end
                        Self.pack(marksBase, into: bitsBase)
                        if index < count && Self.fill(UnsafeBufferPointer(bits)) > Self.saturated {
                            saturatedEarly = true
                            lines += Self.scan(base + index, count: count - index, fold: false)
                            break
                        }
                    }
                    marks.update(repeating: 0)
                }
            }
            // The last three bytes of text (folding is idempotent: some may be folded already).
            if count >= 3 {
                value = UInt32(Trigram.fold(base[count - 3])) << 16 | UInt32(Trigram.fold(base[count - 2])) << 8
                    | UInt32(Trigram.fold(base[count - 1]))
            }
        }
        carry = value & 0xffff
        carried = have
        let bloom = saturatedEarly ? [] : Self.shrunk(&bits)
        for index in bits.indices { bits[index] = 0 }
        return (flags, Int64(lines), Int64(count), bloom)
    }

    /// The filter bit of the trigram in the low 24 bits of `value`: `Trigram.key` cut to the built size,
    /// i.e. bits 40..<55 of the product. Multiplying by the constant shifted left by 9 puts those bits at
    /// the top, so one shift cuts them (a shift and a mask otherwise).
    @inline(__always) private static func bit(of value: UInt64) -> Int {
        Int(truncatingIfNeeded: (value &* (0x9E37_79B9_7F4A_7C15 << 9)) >> 49)
    }

    /// Calls `body` with the filter bit of every trigram that ends at an offset in `from..<to` (`from` ≥ 2):
    /// six trigrams from each eight bytes loaded (big-endian, so the first byte is the highest).
    @inline(__always) private static func forEachTrigramBit(in text: UnsafePointer<UInt8>, from: Int, to: Int, _ body: (Int) -> Void) {
        let raw = UnsafeRawPointer(text)
        var end = from
        while end &+ 6 <= to {
            let window = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: end - 2, as: UInt64.self))
            body(bit(of: window >> 40))
            body(bit(of: window >> 32 & 0xff_ffff))
            body(bit(of: window >> 24 & 0xff_ffff))
            body(bit(of: window >> 16 & 0xff_ffff))
            body(bit(of: window >> 8 & 0xff_ffff))
            body(bit(of: window & 0xff_ffff))
            end &+= 6
        }
        while end < to {
            body(bit(of: UInt64(text[end - 2]) << 16 | UInt64(text[end - 1]) << 8 | UInt64(text[end])))
            end += 1
        }
    }

    /// The number of newlines in `count` bytes of `text`, which are folded in place (`Trigram.fold`) if
    /// `fold`; eight bytes at a time: a byte is upper case when its low seven bits are ≥ 0x41 and < 0x5b
    /// and its high bit is clear; a byte is a newline when it XORs with 0x0a to zero. No sum carries into
    /// the next byte (each adds at most 0x7f to at most 0x7f).
    @inline(__always) private static func scan(_ text: UnsafeMutablePointer<UInt8>, count: Int, fold: Bool) -> Int {
        let raw = UnsafeMutableRawPointer(text)
        let low7: UInt64 = 0x7f7f_7f7f_7f7f_7f7f, high: UInt64 = 0x8080_8080_8080_8080
        var lines = 0
        var offset = 0
        while offset &+ 8 <= count {
            // Per-byte counts of newlines (0...255 per lane) for up to 255 words, then summed across lanes.
            var lanes: UInt64 = 0
            let stop = min(count, offset &+ 255 * 8)
            while offset &+ 8 <= stop {
                let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let x = word ^ 0x0a0a_0a0a_0a0a_0a0a
                lanes &+= (~(((x & low7) &+ low7) | x) & high) >> 7
                if fold {
                    let seven = word & low7
                    let upper = (seven &+ 0x3f3f_3f3f_3f3f_3f3f) & ~(seven &+ 0x2525_2525_2525_2525) & ~word & high
                    raw.storeBytes(of: word | upper >> 2, toByteOffset: offset, as: UInt64.self)
                }
                offset &+= 8
            }
            // Pairs of lanes first: eight lanes can sum past 255, four pairs cannot pass 65 535.
            let pairs = (lanes & 0x00ff_00ff_00ff_00ff) &+ (lanes >> 8 & 0x00ff_00ff_00ff_00ff)
            lines &+= Int((pairs &* 0x0001_0001_0001_0001) >> 48)
        }
        while offset < count {
            if fold { text[offset] = Trigram.fold(text[offset]) }
            lines &+= text[offset] == 10 ? 1 : 0
            offset &+= 1
        }
        return lines
    }

    /// ORs the marks (bytes of 0 or 1) into the filter's words, eight marks per multiply: mark j of a
    /// little-endian load lands on bit 56 + j of the product, with no carries (each partial product is one
    /// bit at a distinct place).
    private static func pack(_ marks: UnsafePointer<UInt8>, into bits: UnsafeMutablePointer<UInt64>) {
        let raw = UnsafeRawPointer(marks)
        for word in 0..<maxWords {
            var packed: UInt64 = 0
            for group in 0..<8 {
                let eight = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: word * 64 + group * 8, as: UInt64.self))
                packed |= ((eight &* 0x0102_0408_1020_4080) >> 56) << UInt64(group * 8)
            }
            bits[word] |= packed
        }
    }

    /// The share of the bits that are set.
    private static func fill(_ words: UnsafeBufferPointer<UInt64>) -> Double {
        Double(words.reduce(0) { $0 + $1.nonzeroBitCount }) / Double(words.count * 64)
    }

    /// The filter halved (upper half OR-ed onto the lower) while it stays sparse, as little-endian bytes;
    /// empty when saturated.
    private static func shrunk(_ bits: inout [UInt64]) -> [UInt8] {
        func fill(_ words: ArraySlice<UInt64>) -> Double { words.withUnsafeBufferPointer { Self.fill($0) } }
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
