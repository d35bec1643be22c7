import ShqStore
import ShqTestSupport
import Testing
@testable import ShqGrep

/// The search over a real store, outputs written in small chunks so lines, matches and escape sequences
/// cross chunk boundaries. Events are turned into a transcript: `cmd [stream]`, `N:text`, `N-text`, `--`.
@Suite struct GrepSearchTests {
    final class Fixture {
        let directory = TemporaryDirectory()
        let store: Store
        var clock: Int64 = 1_700_000_000_000_000

        init() throws {
            store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        }

        /// Records `cmd` with `stdout` (and `stderr`), stored in chunks of `chunkSize`; each newer than the last.
        func add(_ cmd: String, _ stdout: String, stderr: String? = nil, chunkSize: Int = 16, truncated: Bool = false, exit: Int32 = 0) throws {
            clock += 1_000_000
            let seq = try #require(try store.insert(Invocation(
                cmd: Array(cmd.utf8), source: .run, startedAt: Timestamp(microseconds: clock), exitCode: exit, status: .completed)))
            for (stream, text) in [(OutputStream.stdout, stdout), (.stderr, stderr)] {
                guard let text else { continue }
                let writer = OutputWriter(store: store, invocation: seq, stream: stream, chunkSize: chunkSize)
                try writer.append(Array(text.utf8))
                try writer.finish(truncated: truncated)
            }
        }

        func grep(_ pattern: String, _ patternOptions: PatternOptions = PatternOptions(), configure: (inout GrepOptions) -> Void = { _ in }) throws -> [String] {
            var options = GrepOptions()
            configure(&options)
            var transcript: [String] = []
            try GrepSearch(pattern: try GrepPattern(pattern, options: patternOptions), options: options).run(in: store, where: Conditions()) { event in
                switch event {
                case .command: break
                case .output(let invocation, let output) where options.mode == .lines:
                    transcript.append("\(invocation.cmdText) [\(output.stream.rawValue)\(output.truncated ? ", truncated" : "")]")
                case .line(let line):
                    transcript.append("\(line.number)\(line.isContext ? "-" : ":")" + String(decoding: line.text, as: UTF8.self))
                case .gap: transcript.append("--")
                case .output, .outputEnd: break
                case .commandEnd(let invocation, let count):
                    if options.mode != .lines { transcript.append("\(invocation.cmdText) = \(count)") }
                }
                return true
            }
            return transcript
        }
    }

    @Test func newestFirstWithLineNumbers() throws {
        let f = try Fixture()
        try f.add("old", "a\nerror one\n")
        try f.add("none", "nothing here\n")
        try f.add("new", "x\ny\nerror two\n", stderr: "error three\n")
        #expect(try f.grep("error") == ["new [stdout]", "3:error two", "new [stderr]", "1:error three", "old [stdout]", "2:error one"])
    }

    @Test func aMatchAcrossAChunkBoundaryIsFound() throws {
        let f = try Fixture()
        // Chunks of 8: "0123456n" "eedle789"…
        try f.add("cut", "0123456needle789\nsecond needle\n", chunkSize: 8)
        #expect(try f.grep("needle") == ["cut [stdout]", "1:0123456needle789", "2:second needle"])
    }

    @Test func aLineLongerThanAChunk() throws {
        let f = try Fixture()
        let long = String(repeating: "abcdefghij", count: 100) + "TARGET" + String(repeating: "z", count: 50)
        try f.add("long", "first\n" + long + "\nlast\n", chunkSize: 64)
        #expect(try f.grep("TARGET") == ["long [stdout]", "2:" + long])
        #expect(try f.grep("last") == ["long [stdout]", "3:last"])
    }

    @Test func aLineLongerThanTheLimitIsSearchedInPieces() throws {
        let f = try Fixture()
        let long = String(repeating: "x", count: 300) + "HIT" + String(repeating: "y", count: 300)
        try f.add("huge", long + "\nafter HIT\n", chunkSize: 64)
        let found = try f.grep("HIT") { $0.maxLineBytes = 256 }
        // The pieces keep the line's number; the line after is still line 2.
        #expect(found.first == "huge [stdout]")
        #expect(found.contains { $0.hasPrefix("1:") && $0.contains("HIT") })
        #expect(found.last == "2:after HIT")
    }

    @Test func contextAtTheStartAndEndOfAnOutput() throws {
        let f = try Fixture()
        try f.add("ctx", "hit 1\nb\nc\nd\ne\nf\ng\nhit 8", chunkSize: 4)
        #expect(try f.grep("hit") { $0.before = 2; $0.after = 2 } == [
            "ctx [stdout]", "1:hit 1", "2-b", "3-c", "--", "6-f", "7-g", "8:hit 8",
        ])
        // Adjacent groups merge: no separator, no line twice.
        #expect(try f.grep("[ce]") { $0.before = 1; $0.after = 1 } == ["ctx [stdout]", "2-b", "3:c", "4-d", "5:e", "6-f"])
    }

    @Test func beforeContextFromEarlierChunks() throws {
        let f = try Fixture()
        try f.add("far", "one\ntwo\nthree\nfour\nTARGET\n", chunkSize: 5)
        #expect(try f.grep("TARGET") { $0.before = 3 } == ["far [stdout]", "2-two", "3-three", "4-four", "5:TARGET"])
    }

    @Test func escapesAndCarriageReturnsAreRemovedUnlessRaw() throws {
        let f = try Fixture()
        try f.add("colour", "plain\r\n\u{1B}[31merr\u{1B}[0mor: \u{1B}]0;title\u{07}bad\r\nok\r\n", chunkSize: 5)
        #expect(try f.grep("error: bad$") == ["colour [stdout]", "2:error: bad"])
        #expect(try f.grep("^plain$") == ["colour [stdout]", "1:plain"])
        #expect(try f.grep("error") { $0.raw = true } == [])
        #expect(try f.grep("err") { $0.raw = true } == ["colour [stdout]", "2:\u{1B}[31merr\u{1B}[0mor: \u{1B}]0;title\u{07}bad\r"])
    }

    @Test func truncatedOutputsSaySo() throws {
        let f = try Fixture()
        try f.add("capped", "head error\n", truncated: true)
        #expect(try f.grep("error") == ["capped [stdout, truncated]", "1:head error"])
    }

    @Test func binaryOutputsAreSkippedUnlessAsked() throws {
        let f = try Fixture()
        try f.add("bin", "ELF\u{0}\u{1}error\n")
        #expect(try f.grep("error") == [])
        #expect(try f.grep("error") { $0.binary = true } == ["bin [stdout]", "1:ELF\u{0}\u{1}error"])
    }

    @Test func modesAndLimits() throws {
        let f = try Fixture()
        try f.add("a", "x1\nx2\nx3\n", stderr: "x4\n")
        try f.add("b", "x5\n")
        #expect(try f.grep("x") { $0.mode = .count } == ["a = 4", "b = 1"].reversed())
        #expect(try f.grep("x") { $0.mode = .commandsOnly } == ["b = 1", "a = 1"])
        #expect(try f.grep("x") { $0.maxPerCommand = 2 } == ["b [stdout]", "1:x5", "a [stdout]", "1:x1", "2:x2"])
        #expect(try f.grep("x") { $0.maxCommands = 1 } == ["b [stdout]", "1:x5"])
        #expect(try f.grep("x") { $0.streams = [.stderr] } == ["a [stderr]", "1:x4"])
        #expect(try f.grep("x") { $0.mode = .count; $0.maxPerCommand = 3 } == ["b = 1", "a = 3"])
    }

    @Test func anEmptyStoreFindsNothing() throws {
        let f = try Fixture()
        #expect(try f.grep("anything") == [])
    }

    @Test func lineNumbersCountEveryLineOfALongOutput() throws {
        let f = try Fixture()
        let lines = (1...5000).map { $0 % 1000 == 0 ? "mark \($0)" : "line \($0)" }
        try f.add("many", lines.joined(separator: "\n") + "\n", chunkSize: 1000)
        #expect(try f.grep("mark") == ["many [stdout]"] + (1...5).map { "\($0 * 1000):mark \($0 * 1000)" })
        #expect(try f.grep("MARK", PatternOptions(ignoreCase: true, fixed: true)) { $0.maxPerCommand = 1 } == ["many [stdout]", "1000:mark 1000"])
    }
}
