@testable import ShqSession
import ShqSystem
import ShqTestSupport
import Testing

/// The scanner as the relay uses it: what reaches the real terminal, and each command's stored output.
private struct Relayed: Equatable {
    var terminal: [UInt8] = []
    var commands: [Command] = []

    struct Command: Equatable {
        var key: String?
        var output: [UInt8]
    }

    /// Feeds `chunks` through one scanner, as successive reads; a held tail is flushed at the end.
    init(_ chunks: [[UInt8]], nonce: String = MarkScannerTests.nonce) {
        var scanner = MarkScanner(nonce: nonce)
        var current: [UInt8]?
        func handle(_ piece: MarkScanner.Piece) {
            switch piece {
            case .output(let bytes, let captured):
                terminal += bytes
                if captured, current != nil { current! += bytes }
            case .mark(.commandStart):
                current = []
            case .mark(.commandEnd(let key)):
                if let output = current { commands.append(Command(key: key, output: output)) }
                current = nil
            }
        }
        for chunk in chunks { chunk.withUnsafeBytes { scanner.scan($0, handle) } }
        scanner.flush(handle)
    }
}

@Suite struct MarkScannerTests {
    static let nonce = "0123456789abcdef0123456789abcdef"

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func start(_ nonce: String = nonce) -> String { "\u{1B}]133;C\u{07}\u{1B}]shq;mark;\(nonce);C\u{07}" }
    static func end(_ key: String, status: Int = 0, nonce: String = nonce, st: Bool = false) -> String {
        let terminator = st ? "\u{1B}\\" : "\u{07}"
        return "\u{1B}]shq;mark;\(nonce);D;\(key)\(terminator)\u{1B}]133;D;\(status)\u{07}\u{1B}]133;A\u{07}"
    }

    /// One prompt, one command: a prompt line, its output with colour, a fake mark the command printed.
    static let session = "\u{1B}]133;A\u{07}$ \u{1B}]133;B\u{07}ls\r\n" + start()
        + "a\r\n\u{1B}[31mb\u{1B}[0m\r\nfake \u{1B}]133;D;9\u{07} and \u{1B}]shq;mark;ffff;D;x:1\u{07}\r\n"
        + end("s:1", status: 2) + "$ "

    @Test func marksAreTakenOutOfTheTerminalStreamAndCutTheOutput() {
        let relayed = Relayed([Self.bytes(Self.session)])
        let expectedTerminal = "\u{1B}]133;A\u{07}$ \u{1B}]133;B\u{07}ls\r\n\u{1B}]133;C\u{07}"
            + "a\r\n\u{1B}[31mb\u{1B}[0m\r\nfake \u{1B}]133;D;9\u{07} and \u{1B}]shq;mark;ffff;D;x:1\u{07}\r\n"
            + "\u{1B}]133;D;2\u{07}\u{1B}]133;A\u{07}$ "
        #expect(relayed.terminal == Self.bytes(expectedTerminal))
        // The command's fake OSC 133 reaches the terminal but not the store; a mark with another nonce is
        // just output.
        #expect(relayed.commands == [.init(key: "s:1", output: Self.bytes(
            "a\r\n\u{1B}[31mb\u{1B}[0m\r\nfake  and \u{1B}]shq;mark;ffff;D;x:1\u{07}\r\n"))])
    }

    @Test func splitAtEveryOffsetGivesTheSameResult() {
        let whole = Self.bytes(Self.session)
        let expected = Relayed([whole])
        for cut in 0...whole.count {
            #expect(Relayed([Array(whole[..<cut]), Array(whole[cut...])]) == expected, "cut at \(cut)")
        }
        #expect(Relayed(whole.map { [$0] }) == expected, "one byte per read")
    }

    @Test func stTerminatesLikeBel() {
        let relayed = Relayed([Self.bytes(Self.start() + "out" + Self.end("s:2", st: true))])
        #expect(relayed.commands == [.init(key: "s:2", output: Self.bytes("out"))])
        #expect(!relayed.terminal.contains(UInt8(ascii: "\\")))
    }

    @Test func anEndWithoutKeyStoresNothingNamedAndAnEmptyCommandIsEmpty() {
        let relayed = Relayed([Self.bytes(Self.start() + Self.end(""))])
        #expect(relayed.commands == [.init(key: nil, output: [])])
    }

    @Test func duplicatesEndsWithoutStartsAndStartsWithoutEnds() {
        let text = Self.end("s:0")                            // D without C: nothing
            + Self.start() + "lost"                           // C without D (the shell was killed)…
            + Self.start() + Self.start() + "kept"            // …a new C (twice) starts again
            + Self.end("s:1") + Self.end("s:1")               // a duplicate D: nothing more
        #expect(Relayed([Self.bytes(text)]).commands == [.init(key: "s:1", output: Self.bytes("kept"))])
    }

    @Test func aMarkWithAnotherNonceIsOutput() {
        let relayed = Relayed([Self.bytes(Self.start("f" + String(Self.nonce.dropFirst())) + "x")])
        #expect(relayed.commands.isEmpty)
        #expect(String(decoding: relayed.terminal, as: UTF8.self).contains("shq;mark;"))
    }

    @Test func anUnterminatedSequenceIsNotHeldForever() {
        let long = "\u{1B}]133;" + String(repeating: "x", count: 600)
        let relayed = Relayed([Self.bytes(Self.start() + long), Self.bytes(Self.end("s:1"))])
        #expect(relayed.commands == [.init(key: "s:1", output: Self.bytes(long))])
        var scanner = MarkScanner(nonce: Self.nonce)
        Self.bytes("abc\u{1B}").withUnsafeBytes { scanner.scan($0) { _ in } }
        #expect(scanner.isHolding)
        var flushed: [UInt8] = []
        scanner.flush { if case .output(let bytes, _) = $0 { flushed += bytes } }
        #expect(flushed == [0x1B] && !scanner.isHolding)
    }

    /// Random bytes rich in ESC, `]`, digits, `;`, BEL and pieces of real marks, cut at random: the
    /// scanner never traps, every byte that is not one of our marks reaches the terminal in order, and
    /// the cut never changes the result.
    @Test func hostileInput() {
        var generator = SeededRandom(seed: 16)
        let alphabet = Self.bytes("\u{1B}]\\;133CDAshq;mark;\u{07}x\r\n") + Self.bytes(Self.nonce)
        let pieces = [Self.start(), Self.end("s:7"), "\u{1B}]133;", "\u{1B}]shq;mark;\(Self.nonce);", "\u{1B}"].map(Self.bytes)
        for _ in 0..<300 {
            var input: [UInt8] = []
            for _ in 0..<Int(generator.next() % 40) {
                if generator.next() % 4 == 0 {
                    input += pieces[Int(generator.next() % UInt64(pieces.count))]
                } else {
                    input.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
            }
            let whole = Relayed([input])
            let cut = Int(generator.next() % UInt64(input.count + 1))
            #expect(Relayed([Array(input[..<cut]), Array(input[cut...])]) == whole)
            // Bytes are only ever taken out, never added or reordered.
            var rest = input[...]
            for byte in whole.terminal {
                guard let at = rest.firstIndex(of: byte) else { Issue.record("terminal byte not in the input"); break }
                rest = rest[(at + 1)...]
            }
            for command in whole.commands { #expect(command.output.count <= input.count) }
        }
    }

    @Test func alternateScreenIsNoticedAcrossReads() {
        let text = Self.bytes("vim\u{1B}[?1049h\u{1B}[H")
        for cut in 0...text.count {
            var detector = AltScreenDetector()
            Array(text[..<cut]).withUnsafeBytes { detector.feed($0) }
            Array(text[cut...]).withUnsafeBytes { detector.feed($0) }
            #expect(detector.found, "cut at \(cut)")
        }
        var plain = AltScreenDetector()
        Self.bytes("\u{1B}[?1049l \u{1B}[?25h ?1049h").withUnsafeBytes { plain.feed($0) }
        #expect(!plain.found)
    }
}


/// fish ≥ 4 writes its own OSC 133 marks (A with `click_events=1`, C with `cmdline_url=`, D;status); the
/// fish hook then writes only the private ones, the way fish orders them: ours inside fish's. fish's marks
/// reach the terminal, are not part of any output, and cut nothing: one record per command.
@Suite struct FishOwnMarksTests {
    @Test func fishFourMarksBesideOursMakeOneRecordPerCommand() {
        let nonce = MarkScannerTests.nonce
        func command(_ line: String, _ output: String, key: String, status: Int) -> String {
            "\u{1B}]133;A;click_events=1\u{07}$ \(line)\r\n\u{1B}]133;C;cmdline_url=\(line.replacingOccurrences(of: " ", with: "%20"))\u{07}"
                + "\u{1B}]shq;mark;\(nonce);C\u{07}" + output + "\u{1B}]shq;mark;\(nonce);D;\(key)\u{07}\u{1B}]133;D;\(status)\u{07}"
        }
        let stream = command("echo hi", "hi\r\n", key: "s:1", status: 0) + command("false", "", key: "s:2", status: 1)
            + "\u{1B}]133;A;click_events=1\u{07}$ "   // an empty Enter: a prompt, no command
        // Split at every byte too: marks cut across reads are held, never doubled.
        for chunks in [[MarkScannerTests.bytes(stream)], MarkScannerTests.bytes(stream).map { [$0] }] {
            let relayed = Relayed(chunks)
            #expect(relayed.commands == [.init(key: "s:1", output: MarkScannerTests.bytes("hi\r\n")), .init(key: "s:2", output: [])])
            let terminal = String(decoding: relayed.terminal, as: UTF8.self)
            #expect(!terminal.contains("shq;mark"))
            #expect(terminal.components(separatedBy: "\u{1B}]133;D;").count - 1 == 2)
            #expect(terminal.components(separatedBy: "\u{1B}]133;C;").count - 1 == 2)
        }
    }
}
