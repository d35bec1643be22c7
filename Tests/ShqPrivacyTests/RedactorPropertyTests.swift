import Foundation
import ShqPrivacy
import ShqTestSupport
import Testing


/// Pieces the scanners react to, glued together at random: quotes, options, names, token prefixes,
/// PEM armour, URLs, multibyte and invalid UTF-8, NUL, the no-save marker's ESC.
let fragments: [[UInt8]] = [
    "password=", "TOKEN=", "--token", "--password=", " ", " ", "\t", "\n", "'", "\"", "`", "\\", "$", "$(", ")",
    ";", "&", "|", "<", ">", "=", ":", "@", "/", "://", "https://u:p@h/", "-p", "mysql ", "curl ", "-u ", "sshpass ",
    "ghp_", "abcdefghijklmnopqrstuvwxyz0123456789", "AKIA", "IOSFODNN7EXAMPLE", "sk-", "xoxb-", "glpat-", "Bearer ",
    "Authorization: ", "\"password\": \"", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
    "[REDACTED]", "pass:", "set ", "-storepass", "ssh-keygen ", "docker ", "login ", "-N", "env:", "é", "😀", "日本", "x", "42", "_", "-", ".", "{", "}",
].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00], [0x1B], [0xE2, 0x82]]

func randomLine(_ rng: inout SeededRandom, maxPieces: Int) -> [UInt8] {
    var line: [UInt8] = []
    for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
        if Int.random(in: 0..<8, using: &rng) == 0 {
            line.append(UInt8.random(in: 0...255, using: &rng))
        } else {
            line += fragments[Int.random(in: 0..<fragments.count, using: &rng)]
        }
    }
    return line
}

/// How many random inputs each property sees: `SHQ_FUZZ_ITERATIONS`, default 200 000 (`make test`; the numbers in Docs/privacy.md come from larger release runs).
let fuzzIterations = Int(ProcessInfo.processInfo.environment["SHQ_FUZZ_ITERATIONS"] ?? "") ?? 200_000

@Suite struct RedactorPropertyTests {
    @Test func redactionIsIdempotentOnRandomLines() {
        var rng = SeededRandom(seed: 7)
        var failures: [[UInt8]] = []
        for _ in 0..<fuzzIterations {
            let line = randomLine(&rng, maxPieces: 12)
            let once = Redactor.redact(line)
            if Redactor.redact(once) != once && failures.count < 5 { failures.append(line) }
        }
        #expect(failures.isEmpty, "not idempotent: \(failures.map { String(decoding: $0, as: UTF8.self).debugDescription })")
    }

    @Test func randomBytesNeverCrashAndOnlyShrinkOrGrowByReplacements() {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<fuzzIterations {
            let count = Int.random(in: 0...64, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let once = Redactor.redact(bytes)
            // Untouched unless a replacement was made.
            if !once.elementsEqual(bytes) {
                #expect(String(decoding: once, as: UTF8.self).contains(Redactor.replacement))
            }
        }
    }

    /// Long adversarial inputs finish in linear-ish time: nested quotes, endless names, unterminated PEM.
    @Test func pathologicalInputsFinish() {
        let inputs: [[UInt8]] = [
            Array(repeating: UInt8(ascii: "\""), count: 200_000),
            Array(String(repeating: "\"'`", count: 70_000).utf8),
            Array(String(repeating: "a", count: 200_000).utf8) + Array("=x".utf8),
            Array(String(repeating: "password=", count: 30_000).utf8),
            Array(String(repeating: "-----BEGIN RSA PRIVATE KEY-----", count: 6_000).utf8),
            Array(String(repeating: "https://", count: 30_000).utf8),
            Array(String(repeating: "\"password\": ", count: 20_000).utf8),
            Array(String(repeating: "--token ", count: 30_000).utf8),
        ]
        for input in inputs {
            let clock = ContinuousClock()
            let elapsed = clock.measure { _ = Redactor.redact(input) }
            #expect(elapsed < .seconds(20), "took \(elapsed) on \(input.prefix(20))")
        }
    }

    /// Splitting a stream anywhere gives the same stored bytes as one big read.
    @Test func outputRedactionDoesNotDependOnChunking() {
        var rng = SeededRandom(seed: 13)
        for _ in 0..<(fuzzIterations / 20) {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) { text += randomLine(&rng, maxPieces: 8) + [10] }
            var whole = OutputRedactor()
            let expected = whole.process(text) + whole.finish()
            var pieces = OutputRedactor()
            var got: [UInt8] = []
            var offset = 0
            while offset < text.count {
                let take = Int.random(in: 1...max(1, text.count - offset), using: &rng)
                got += pieces.process(Array(text[offset..<(offset + take)]))
                offset += take
            }
            got += pieces.finish()
            #expect(got == expected)
            var again = OutputRedactor()
            #expect(again.process(expected) + again.finish() == expected, "output redaction not idempotent")
        }
    }

    /// The marker is found however the stream is cut, and only when present.
    @Test func noSaveMarkerFoundAcrossAnySplit() {
        var rng = SeededRandom(seed: 17)
        let bel = Array("\u{1B}]shq;nosave\u{07}".utf8)
        let st = Array("\u{1B}]shq;nosave\u{1B}\\".utf8)
        for round in 0..<(fuzzIterations / 10) {
            var text = randomLine(&rng, maxPieces: 6)
            let hasMarker = round % 3 != 0
            if hasMarker {
                let marker = round % 2 == 0 ? bel : st
                text.insert(contentsOf: marker, at: Int.random(in: 0...text.count, using: &rng))
            }
            // Near misses must not count.
            if round % 5 == 0 { text += Array("\u{1B}]shq;nosav\u{07}\u{1B}]shq;nosave\u{1B}x".utf8) }
            var detector = NoSaveDetector()
            var offset = 0
            while offset < text.count {
                let take = Int.random(in: 1...max(1, text.count - offset), using: &rng)
                detector.feed(Array(text[offset..<(offset + take)]))
                offset += take
            }
            let naive = contains(text, bel) || contains(text, st)
            #expect(detector.found == naive)
            #expect(naive == hasMarker || !hasMarker)
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
