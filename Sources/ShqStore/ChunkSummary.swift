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
