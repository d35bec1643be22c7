@testable import ShqPicker
import ShqRender
import Testing

/// Frames as strings: every line exactly the terminal's width or less, in display columns; long lines cut
/// with `…`; wide and combining characters aligned; a 10-row terminal still shows rows and the preview.
@Suite struct PickFrameTests {
    static func plain(_ line: String) -> String {
        var out = "", escape = false
        for scalar in line.unicodeScalars {
            if escape { if scalar == "m" { escape = false }; continue }
            if scalar == "\u{1B}" { escape = true; continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    func model(_ lines: [String]) -> PickModel {
        var history = PickHistory()
        for (index, line) in lines.enumerated() { history.append(line, seq: Int64(100 - index), startedAt: 0) }
        return PickModel(history: history)
    }

    @Test func wideAndCombiningLinesLineUp() {
        let model = model(["echo 日本語のテキスト", "echo 🙂🙂 emoji", "echo cafe\u{301}", "ls"])
        let frame = PickFrame(width: 40, height: 12, now: 3_600_000_000, colour: false)
        let (lines, _) = frame.render(model, first: 0, preview: nil)
        #expect(lines.count == 12)
        let rows = lines[1...4]
        for row in rows {
            #expect(row.displayWidth == 40, "\(row)")
            #expect(row.hasSuffix("1h"), "the age column ends every row at the same column: \(row)")
        }
    }

    @Test func longLinesAreCutWithAnEllipsisNeverWrapped() {
        let long = "echo " + String(repeating: "長い", count: 40)
        let model = model([long, "x\ny"])
        let frame = PickFrame(width: 30, height: 10, now: 0, colour: true)
        let preview = PickPreview(status: "exit 0", duration: "1.2s", when: "5m ago", directory: "/home/u/プロジェクト",
                                  output: (1...10).map { "line \($0) " + String(repeating: "é", count: 50) })
        let (lines, _) = frame.render(model, first: 0, preview: preview)
        #expect(lines.count == 10)
        for line in lines { #expect(Self.plain(line).displayWidth <= 30, "\(Self.plain(line))") }
        #expect(Self.plain(lines[1]).contains("…"))
        #expect(Self.plain(lines[2]).contains("x↵y"), "a newline is shown, not wrapped")
    }

    @Test func tenRowTerminal() {
        let model = model((1...30).map { "command \($0)" })
        let frame = PickFrame(width: 50, height: 10, now: 0, colour: false)
        #expect(frame.listRows == 5 && frame.previewRows == 3)
        let preview = PickPreview(status: "exit 3", failed: true, when: "now", output: ["a", "b", "c", "last"])
        let (lines, cursor) = frame.render(model, first: 0, preview: preview)
        #expect(lines.count == 10)
        #expect(lines[0].hasPrefix("❯ ") && lines[0].hasSuffix("30/30"))
        #expect(cursor == 2)
        #expect(lines[1].hasPrefix("❯ command 1 "), "the selected row is marked")
        #expect(lines[5].hasPrefix("  command 5 "))
        #expect(lines[6].hasPrefix("── exit 3 · now"))
        #expect(lines[7...9].map { $0.trimmingSpaces } == ["b", "c", "last"], "the last lines of the output")
    }

    @Test func scrollingKeepsTheSelectionVisible() {
        let frame = PickFrame(width: 50, height: 10, now: 0, colour: false)
        #expect(frame.firstVisible(selected: 7, previousFirst: 0) == 3)
        #expect(frame.firstVisible(selected: 2, previousFirst: 3) == 2)
        #expect(frame.firstVisible(selected: 4, previousFirst: 3) == 3)
    }

    @Test func keysDecode() {
        var decoder = PickKeyDecoder()
        #expect(decoder.decode(Array("ab\r".utf8)) == [.text([97, 98]), .enter])
        #expect(decoder.decode([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x35, 0x7E, 0x1B, 0x32, 9, 4, 18, 19]) ==
                [.up, .pageUp, .pickNth(2), .tab, .forget, .nextFilter, .nextMode])
        #expect(decoder.decode([0x1B]) == [] && decoder.hasPending)
        #expect(decoder.decode([0x5B, 0x42]) == [.down], "a sequence split across reads")
        #expect(decoder.decode([0x1B]) == [])
        #expect(decoder.flushPendingEscape() == [.escape])
        #expect(decoder.decode([7, 3, 0xE6, 0x97, 0xA5]) == [.cancel, .interrupt, .text([0xE6, 0x97, 0xA5])])
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
