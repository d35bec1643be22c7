import Foundation
import ShqQuery
import ShqTestSupport
import Testing

/// The parser must never crash or throw anything but a SelectorError (or, for the path of an existing
/// directory, ExpandedDirectoryStackEntry), whatever the input. The one selector fuzz suite: 1 M inputs,
/// or `SHQ_FUZZ_ITERATIONS` (bench/fuzz-long.sh).
@Suite struct SelectorFuzzTests {
    /// Pieces that exercise every branch, plus multibyte and combining characters.
    static let pieces: [String] = [
        "~", ":", "%", ".", "/", "\\", "-", "0", "1", "9", "a", "f", "x", "~1", "~12:", ":~3", "%failed", "%ok",
        "%exit", "%duration", "<", ">", "=", "!", "<>", "%/", "%cmd~=", "%cwd~=", "(", ")", "[", "]", "*", "+",
        "?", "{", "}", "^", "$", "|", "s", "ms", "h", "µs", "é", "ü", "日本", "🙂", "\u{301}", "\u{0}", "\n",
        " ", "\t", "\u{FFFD}", "\u{7F}", "99999999999999999999", "1.5", "..", "./", "~/",
    ]

    @Test func millionsOfRandomInputs() {
        var random = SeededRandom(seed: 42)
        var parsed = 0, rejected = 0
        let pieceCount = Self.pieces.count
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["SHQ_FUZZ_ITERATIONS"] ?? "") ?? 1_000_000) {
            var text = ""
            for _ in 0..<(1 + random.below(8)) {
                // Mostly grammar pieces; sometimes any scalar, multibyte included.
                if random.below(8) == 0, let scalar = Unicode.Scalar(UInt32(random.below(0x11000))) {
                    text.unicodeScalars.append(scalar)
                } else {
                    text += Self.pieces[random.below(pieceCount)]
                }
            }
            do {
                _ = try SelectorParser.parse(text)
                parsed += 1
            } catch let error as SelectorError {
                rejected += 1
                if error.position < 0 || error.position > text.count {
                    Issue.record("position \(error.position) outside '\(text)'")
                }
            } catch is ExpandedDirectoryStackEntry {
                rejected += 1
            } catch {
                Issue.record("'\(text)' threw \(error)")
            }
        }
        // The generator must reach both outcomes, or it tests nothing.
        #expect(parsed > 10_000)
        #expect(rejected > 10_000)
    }
}
