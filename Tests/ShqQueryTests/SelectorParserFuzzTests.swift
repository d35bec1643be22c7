import Foundation
import ShqQuery
import Testing

/// Random text never crashes the selector parser, and whatever it accepts parses again to the same value.
@Suite struct SelectorParserFuzzTests {
    @Test func randomSelectors() {
        var state: UInt64 = 23
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let alphabet: [String] = ["~", "0", "1", "9", "a", "f", "g", "-", ":", "..", ",", " ", "é", "😀", "\u{0}", "@", "/", "*"]
        let iterations = Int(ProcessInfo.processInfo.environment["SHQ_FUZZ_ITERATIONS"] ?? "") ?? 200_000
        for _ in 0..<iterations {
            var text = ""
            for _ in 0..<(next() % 8) { text += alphabet[Int(next() % UInt64(alphabet.count))] }
            if let selector = try? SelectorParser.parse(text) {
                #expect((try? SelectorParser.parse(text)) == selector)
            }
        }
    }
}
