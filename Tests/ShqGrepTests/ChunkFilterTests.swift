import ShqStore
import ShqSystem
import ShqTestSupport
import Testing
@testable import ShqGrep

/// The chunk summaries let a search skip chunks; what it reports must be exactly what reading every
/// chunk reports. Outputs are stored in tiny chunks so matches, lines, escape sequences and context
/// cross chunk boundaries and most chunks are skipped.
@Suite struct ChunkFilterTests {
    typealias Fixture = GrepSearchTests.Fixture

    /// SplitMix64: the same outputs and queries on every run.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "alpha", "beta", "gamma", "needle", "Needle", "NEEDLE", "needles", "haystack", "x", "error", "warn",
        "test_login", "test_logout", "failed", "FAILED", " ", " ", " ", "_", "-", "\n", "\n", "\n", "\r\n",
        "\u{1b}[31m", "\u{1b}[0m", "\u{1b}]0;title\u{07}", "\u{1b}]2;a\nb\u{1b}\\",
        // An escape that swallows a newline: line numbers depend on the stripper's state across chunks.
        "\u{1b}\n", "\u{1b}[1\n2m",
    ]

    static func output(_ random: inout Random) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 20...400, using: &random) {
            if Int.random(in: 0..<60, using: &random) == 0 {
                text += String(repeating: "long", count: Int.random(in: 20...80, using: &random))
            }
            text += pieces.randomElement(using: &random)!
        }
        return text
    }

    /// What a person would read: escapes and CRs removed, as the search sees the text.
    static func visible(_ text: String) -> [UInt8] {
        var stripper = EscapeStripper(dropCarriageReturns: true)
        return stripper.strip(Array(text.utf8))
    }

    /// Runs the search with and without the summaries; both transcripts, and how many lines.
    func both(_ f: Fixture, _ pattern: String, _ patternOptions: PatternOptions, _ options: GrepOptions) throws -> ([String], [String]) {
        func run(_ summaries: Bool) throws -> [String] {
            var search = GrepSearch(pattern: try GrepPattern(pattern, options: patternOptions), options: options)
            search.usesSummaries = summaries
            var transcript: [String] = []
            try search.run(in: f.store, where: Conditions()) { event in
                switch event {
                case .command(let invocation): transcript.append("# \(invocation.cmdText)")
                case .output(_, let output): transcript.append("[\(output.stream.rawValue)]")
                case .line(let line):
                    transcript.append("\(line.number)\(line.isContext ? "-" : ":")" + String(decoding: line.text, as: UTF8.self))
                case .gap: transcript.append("--")
                case .outputEnd(_, _, let count): transcript.append("= \(count)")
                case .commandEnd(_, let count): transcript.append("== \(count)")
                }
                return true
            }
            return transcript
        }
        return (try run(true), try run(false))
    }

    @Test(arguments: 0..<12)
    func randomSearchesMatchAFullScan(seed: UInt64) throws {
        var random = Random(state: seed &* 7919 &+ 1)
        let f = try Fixture()
        var texts: [[UInt8]] = []
        for index in 0..<Int.random(in: 3...8, using: &random) {
            let text = Self.output(&random)
            texts.append(Self.visible(text))
            try f.add("cmd\(index)", text, chunkSize: Int.random(in: 5...80, using: &random))
        }
        var skipped = 0
        for query in 0..<40 {
            var patternOptions = PatternOptions(
                ignoreCase: Bool.random(using: &random), word: Int.random(in: 0..<4, using: &random) == 0)
            let pattern: String
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<6:
                // A piece of some output's text: often across a chunk boundary.
                let text = texts.randomElement(using: &random)!
                let length = Int.random(in: 3...12, using: &random)
                guard text.count > length else { continue }
                let start = Int.random(in: 0..<(text.count - length), using: &random)
                let piece = Array(text[start..<(start + length)])
                guard !piece.contains(10) else { continue }
                pattern = String(decoding: piece, as: UTF8.self)
                patternOptions.fixed = true
            case 6: pattern = "zebra_crossing"
            case 7: pattern = "test_[a-z]+ (failed|FAILED)"
            case 8: pattern = "ne+dle"
            default: pattern = "(alpha|gamma)"
            }
            var options = GrepOptions()
            options.before = Int.random(in: 0...3, using: &random)
            options.after = Int.random(in: 0...3, using: &random)
            options.mode = [GrepMode.lines, .lines, .lines, .count, .commandsOnly].randomElement(using: &random)!
            if Int.random(in: 0..<5, using: &random) == 0 { options.maxPerCommand = Int.random(in: 1...3, using: &random) }
            let (filtered, full) = try both(f, pattern, patternOptions, options)
            #expect(filtered == full, "seed \(seed) query \(query): '\(pattern)' \(patternOptions) -B\(options.before) -A\(options.after) \(options.mode)")
            // The test means something only if chunks are skipped.
            let keys = Trigram.keys(of: try GrepPattern(pattern, options: patternOptions).literal)
            for blob in try f.store.allBlobIDs() {
                let plan = ChunkPlan.make(try f.store.chunkSummaries(ofBlob: blob), keys: keys, before: options.before, maxLineBytes: options.maxLineBytes)
                skipped += plan?.wanted.filter { !$0 }.count ?? 0
            }
        }
        #expect(skipped > 100)
    }

    @Test func lineNumbersAndBeforeContextAfterSkippedChunks() throws {
        let f = try Fixture()
        let lines = (1...200).map { "line \($0) of filler" }
        var text = lines.joined(separator: "\n") + "\n"
        text += "the rare_word is here\nafter\n"
        try f.add("big", text, chunkSize: 32)
        var options = GrepOptions()
        options.before = 2
        options.after = 1
        let (filtered, full) = try both(f, "rare_word", PatternOptions(), options)
        #expect(filtered == full)
        #expect(filtered == ["# big", "[stdout]", "199-line 199 of filler", "200-line 200 of filler", "201:the rare_word is here", "202-after", "= 1", "== 1"])
        let blob = try #require(try f.store.allBlobIDs().first)
        let plan = try #require(ChunkPlan.make(
            try f.store.chunkSummaries(ofBlob: blob), keys: Trigram.keys(of: Array("rare_word".utf8)), before: 2, maxLineBytes: 1 << 20))
        #expect(plan.wanted.filter { $0 }.count < 6)
        #expect(plan.wanted.count > 100)
    }

    @Test func readingStartsInTheMiddleOfAnEscapeSequence() throws {
        let f = try Fixture()
        // Chunks of 16: the first ends with ESC, the second starts with the newline that ESC swallows and is
        // where reading starts (the chunk before the match's); read as text, it would add a line.
        let text = String(repeating: "b\n", count: 7) + "a\u{1b}" + "\n" + String(repeating: "c\n", count: 7) + "d" + "x needle_here\n"
        try f.add("esc", text, chunkSize: 16)
        let (filtered, full) = try both(f, "needle_here", PatternOptions(), GrepOptions())
        #expect(filtered == full)
        #expect(filtered == ["# esc", "[stdout]", "15:dx needle_here", "= 1", "== 1"])
        let blob = try #require(try f.store.allBlobIDs().first)
        let plan = try #require(ChunkPlan.make(
            try f.store.chunkSummaries(ofBlob: blob), keys: Trigram.keys(of: Array("needle_here".utf8)), before: 0, maxLineBytes: 1 << 20))
        #expect(plan.wanted == [false, true, true])
        #expect(plan.summaries[1].startState != 0)
    }

    @Test func aFalsePositiveIsReadAndFindsNothing() throws {
        let f = try Fixture()
        // Every trigram of "abcd" is in the text ("abc", "bcd"), the literal is not: the filter passes.
        try f.add("fp", String(repeating: "filler\n", count: 20) + "abc bcd\n" + String(repeating: "more\n", count: 20), chunkSize: 16)
        let (filtered, full) = try both(f, "abcd", PatternOptions(fixed: true), GrepOptions())
        #expect(filtered == full)
        #expect(filtered.isEmpty)
        let blob = try #require(try f.store.allBlobIDs().first)
        let plan = try #require(ChunkPlan.make(try f.store.chunkSummaries(ofBlob: blob), keys: Trigram.keys(of: Array("abcd".utf8)), before: 0, maxLineBytes: 1 << 20))
        #expect(plan.wanted.contains(true))
    }

    @Test func chunksWithoutSummariesAreReadWhole() throws {
        let f = try Fixture()
        try f.add("old", String(repeating: "filler\n", count: 30) + "needle\n", chunkSize: 16)
        try f.store.db.execute("DELETE FROM chunk_summaries")
        let blob = try #require(try f.store.allBlobIDs().first)
        #expect(ChunkPlan.make(try f.store.chunkSummaries(ofBlob: blob), keys: Trigram.keys(of: Array("needle".utf8)), before: 0, maxLineBytes: 1 << 20) == nil)
        #expect(try f.grep("needle") == ["old [stdout]", "31:needle"])
    }

    @Test func binaryIsDecidedWithoutReadingTheFirstChunk() throws {
        let f = try Fixture()
        try f.add("bin", "\0" + String(repeating: "filler\n", count: 30) + "needle\n", chunkSize: 16)
        #expect(try f.grep("needle").isEmpty)
        #expect(try f.grep("needle") { $0.binary = true } == ["bin [stdout]", "31:needle"])
    }
}

extension Store {
    func allBlobIDs() throws -> [Int64] {
        let query = try db.prepare("SELECT id FROM blobs ORDER BY id")
        var ids: [Int64] = []
        while try query.step() { ids.append(query.int(0)) }
        return ids
    }
}
