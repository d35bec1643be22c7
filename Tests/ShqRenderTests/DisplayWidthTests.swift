import Foundation
import Glibc
@testable import ShqRender
import ShqStore
import Testing

/// Display widths (what a terminal gives each character), cutting to a width, and tables that line up.
@Suite struct DisplayWidthTests {
    @Test func wideCombiningAndPlainCharacters() {
        #expect("abc".displayWidth == 3)
        #expect("日本語".displayWidth == 6)
        #expect("한국어".displayWidth == 6)
        #expect("🙂".displayWidth == 2)
        #expect("Ａ".displayWidth == 2, "fullwidth A")
        #expect("ｱ".displayWidth == 1, "halfwidth katakana")
        #expect("e\u{301}".displayWidth == 1, "e + combining acute")
        #expect("a\u{200D}b".displayWidth == 2, "zero-width joiner")
        #expect("µs".displayWidth == 2)
        #expect("\u{1100}\u{1161}".displayWidth == 2, "Hangul initial + medial vowel: one syllable")
    }

    /// glibc's wcwidth (C.UTF-8) agrees for every assigned scalar it gives a width, but one: U+1171E, an
    /// Ahom letter that Unicode 14 made a spacing mark (glibc 2.36 still has it combining).
    @Test func agreesWithGlibcWcwidth() throws {
        try #require(setlocale(LC_CTYPE, "C.UTF-8") != nil)
        // Glibc's Swift module does not export wcwidth (an X/Open function): looked up by name.
        typealias WcwidthFunction = @convention(c) (wchar_t) -> Int32
        let symbol = try #require(dlsym(dlopen(nil, RTLD_NOW), "wcwidth"))
        let wcwidth = unsafeBitCast(symbol, to: WcwidthFunction.self)
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x3FFFD, 0x1100...0x11FF, 0x2000...0x206F, 0x2E80...0xA4CF, 0xAC00...0xD7FF,
            0xF900...0xFAFF, 0xFE00...0xFFEF, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2A6DF,
        ]
        var mismatches: [String] = []
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .unassigned else { continue }
                let expected = Int(wcwidth(wchar_t(value)))
                if expected >= 0, value != 0x1171E, scalar.displayWidth != expected {
                    mismatches.append(String(value, radix: 16) + ": \(scalar.displayWidth) vs \(expected)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count): \(mismatches.prefix(40))")
    }

    @Test func cutsAtACharacterWithAnEllipsis() {
        #expect("abcdef".truncated(toWidth: 4) == "abc…")
        #expect("abcd".truncated(toWidth: 4) == "abcd")
        #expect("日本語テキスト".truncated(toWidth: 6) == "日本…", "a wide character that would cross the edge goes")
        #expect("e\u{301}e\u{301}e\u{301}".truncated(toWidth: 2) == "e\u{301}…", "marks stay with their letter")
        #expect("abc".truncated(toWidth: 0) == "")
    }

    @Test func tableColumnsLineUpWithWideCharactersAndFitTheWidth() {
        var table = Table(headers: ["NAME", "EXIT", "COMMAND"])
        table.add(["日本語", "0", "echo " + String(repeating: "長", count: 50)])
        table.add(["ascii", "127", "ls"])
        table.add(["🙂x", "1", "cafe\u{301} " + String(repeating: "x", count: 100)])
        let lines = table.render(width: 40).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.displayWidth <= 40 }, "\(lines)")
        // EXIT starts at the same column on every line.
        let firsts = ["NAME", "日本語", "ascii", "🙂x"]
        let columns = zip(lines, firsts).map { line, first in
            first.displayWidth + line.dropFirst(first.count).prefix { $0 == " " }.count
        }
        #expect(Set(columns).count == 1, "\(lines)")
        #expect(lines[1].hasSuffix("…") && lines[3].hasSuffix("…"))
        #expect(lines[2].hasSuffix("ls"))
        // Without a width, nothing is cut.
        #expect(table.render().contains(String(repeating: "x", count: 100)))
    }

    @Test func theInfoTimelineLinesUp() {
        let start = Timestamp(microseconds: 1_700_000_000_000_000)
        func at(_ micros: Int64) -> Timestamp { Timestamp(microseconds: start.microseconds + micros) }
        let invocation = Invocation(cmd: Array("sleep 100".utf8), source: .run, startedAt: start,
                                    endedAt: at(65_000_000), exitCode: 0, status: .completed)
        let details = InvocationDetails(invocation: invocation, events: [
            LifecycleEvent(.started, at: start),
            LifecycleEvent(.stopped, at: at(80_000), signal: 20),
            LifecycleEvent(.resumed, at: at(65_000_000 - 1)),
            LifecycleEvent(.exited, at: at(65_000_000), exitCode: 0),
        ], outputs: [])
        let timeline = details.text.split(separator: "\n").drop { $0 != "timeline" }.dropFirst()
        #expect(timeline.count == 4)
        let kinds = ["started", "stopped", "resumed", "exited"]
        let columns = zip(timeline, kinds).map { line, kind in line.range(of: kind).map { line[..<$0.lowerBound].count } }
        #expect(Set(columns).count == 1, "\(timeline)")
    }

    @Test func thePagerOpensAtTheNewestRowsWhenItIsLess() {
        #expect(TerminalOutput.pagerCommand(nil, fromEnd: true) == "less +G")
        #expect(TerminalOutput.pagerCommand("/usr/bin/less -S", fromEnd: true) == "/usr/bin/less -S +G")
        #expect(TerminalOutput.pagerCommand("less", fromEnd: false) == "less")
        #expect(TerminalOutput.pagerCommand("cat > out", fromEnd: true) == "cat > out")
        #expect(TerminalOutput.pagerCommand("", fromEnd: true) == nil)
    }
}
