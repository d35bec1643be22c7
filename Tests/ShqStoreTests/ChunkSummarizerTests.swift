import ShqSystem
import ShqTestSupport
import Testing
@testable import ShqStore

/// `ChunkSummarizer` produces exactly the summaries of the byte-at-a-time definition (strip, fold, one
/// filter bit per trigram from `Trigram.key`, count newlines, halve while sparse, drop when saturated):
/// the filters already stored were written that way and stay readable only if the layout and hash
/// never change.
@Suite struct ChunkSummarizerTests {
    /// The definition, one byte at a time (the summarizer before it was rewritten for speed; kept here
    /// only, as the reference).
    struct Reference {
        var stripper = EscapeStripper(dropCarriageReturns: true)
        var value: UInt32 = 0
        var have = 0

        mutating func summarize(_ raw: [UInt8]) -> (flags: Int64, lines: Int64, textBytes: Int64, bloom: [UInt8]) {
            var flags = Int64(stripper.stateCode)
            if raw.contains(0) { flags |= ChunkSummary.nulFlag }
            let text = stripper.strip(raw)
            var bits = [UInt64](repeating: 0, count: ChunkSummarizer.maxWords)
            var lines: Int64 = 0
            for byte in text {
                value = (value << 8 | UInt32(Trigram.fold(byte))) & 0xff_ffff
                if byte == 10 { lines += 1 }
                if have < 2 {
                    have += 1
                    continue
                }
                let bit = Int(Trigram.key(value)) % (bits.count * 64)
                bits[bit / 64] |= 1 << UInt64(bit % 64)
            }
            func fill(_ words: [UInt64]) -> Double {
                Double(words.map(\.nonzeroBitCount).reduce(0, +)) / Double(words.count * 64)
            }
            if fill(bits) > ChunkSummarizer.saturated { return (flags, lines, Int64(text.count), []) }
            while bits.count > 8 {
                let half = bits.count / 2
                let folded = (0..<half).map { bits[$0] | bits[half + $0] }
                if fill(folded) > ChunkSummarizer.targetFill { break }
                bits = folded
            }
            let bloom = bits.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64($0 * 8)) } }
            return (flags, lines, Int64(text.count), bloom)
        }
    }

    /// Kinds of text, chosen per piece so that one chunk mixes them: every byte value (escapes, CRs, NULs,
    /// upper case, bytes ≥ 0x80 next to letters), build-log-like lines, base64 (saturates the filter).
    static func input(seed: UInt64, size: Int) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let words = ["Compiling", "warning:", "ERROR", "\u{1b}[1;31m", "\u{1b}[0m", "\r\n", "\n", "\u{1b}]0;title\u{07}",
                     "\u{1b}]8;;x\u{1b}\\", "\u{1b}\n", "Zz", "é", "\0", "[ 42%]", "ok\n"].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(size)
        while out.count < size {
            let length = 1 + random.below(random.below(4) == 0 ? 60_000 : 600)
            switch random.below(3) {
            case 0: out += (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: out += (0..<length).map { _ in base64[random.below(64)] }
            default:
                for _ in 0..<(length / 8 + 1) { out += words[random.below(words.count)] + Array(" file_\(random.below(100)) ".utf8) }
            }
        }
        return Array(out.prefix(size))
    }

    static func compare(_ raw: [UInt8], chunkSizes: [Int]) {
        var summarizer = ChunkSummarizer()
        var reference = Reference()
        var offset = 0, index = 0
        while offset < raw.count {
            let size = chunkSizes[index % chunkSizes.count]
            let chunk = Array(raw[offset..<min(raw.count, offset + size)])
            let fast = chunk.withUnsafeBytes { summarizer.summarize($0) }
            let slow = reference.summarize(chunk)
            #expect(fast.flags == slow.flags, "chunk \(index) at \(offset)")
            #expect(fast.lines == slow.lines, "chunk \(index) at \(offset)")
            #expect(fast.textBytes == slow.textBytes, "chunk \(index) at \(offset)")
            // Compared first: on a failure, #expect would print both filters (kilobytes each).
            let sameFilter = fast.bloom == slow.bloom
            #expect(sameFilter, "chunk \(index) at \(offset): filter of \(fast.bloom.count) bytes, reference \(slow.bloom.count)")
            offset += size
            index += 1
        }
    }

    /// Chunk sizes around every path: shorter than a trigram, shorter than a 64-bit window, the small
    /// path (< 16 KiB), the marks path with and without reaching each saturation check, a whole chunk.
    @Test(arguments: 0..<8)
    func randomInputsGiveTheReferenceSummaries(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) &* 7919)
        let sizes = [1, 2, 5, 9, 100, 16 * 1024 - 1, 16 * 1024, 40_000, 70_000, 150_000, 256 * 1024].shuffled(using: &random)
        Self.compare(Self.input(seed: UInt64(seed), size: 1_200_000), chunkSizes: sizes)
    }

    /// Whole 256 KiB chunks of the captures the filter was sized for: base64 (saturated early: the
    /// shortcut must give the reference's empty filter), log lines (sparse: halved), a chunk that turns
    /// into base64 after each saturation check (saturated late), and one whose base64 stops short of
    /// saturating; blank lines.
    @Test func typicalChunksGiveTheReferenceSummaries() {
        var random = SeededRandom(seed: 22)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        func base64(_ count: Int) -> [UInt8] {
            (0..<count).map { $0 % 77 == 76 ? 10 : alphabet[random.below(64)] }
        }
        var log: [UInt8] = []
        var line = 0
        while log.count < 256 * 1024 {
            log += Array("[\(line)] Compiling Module\(line % 97)/File\(line % 1013).swift (\(line * 7919 % 500) ms)\r\n".utf8)
            line += 1
        }
        let chunk = 256 * 1024
        var inputs: [[UInt8]] = [base64(3 * chunk), Array(log.prefix(chunk))]
        for start in [30_000, 60_000, 120_000, 200_000] {
            inputs.append(Array(log.prefix(start)) + base64(chunk - start))
        }
        inputs.append(Array(log.prefix(chunk - 20_000)) + base64(20_000))
        // A saturated chunk ending in upper case, then a sparse one: the two carried bytes are folded.
        inputs.append(base64(chunk - 2) + Array("XY".utf8) + Array(log.prefix(chunk)))
        // A saturated chunk whose last byte is a newline (counted after the filter was given up).
        inputs.append(base64(chunk - 1) + [10])
        // Newlines denser than one per eight bytes (the counts kept per byte lane must not overflow).
        inputs.append([UInt8](repeating: 10, count: chunk))
        inputs.append((0..<chunk).map { $0 % 3 == 2 ? 10 : alphabet[$0 % 64] })
        for input in inputs { Self.compare(input, chunkSizes: [chunk]) }
    }
}
