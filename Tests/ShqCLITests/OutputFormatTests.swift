import Foundation
import ShqTestSupport
import Testing

/// JSON, JSON Lines and CSV stay valid and exact with quotes, commas, newlines, tabs, control bytes and
/// invalid UTF-8 in commands and directories.
@Suite struct OutputFormatTests {
    static let awkward: [String] = [
        "echo \"quoted, with comma\"", "printf 'a\\nb'\nsecond line", "tab\there", "bell\u{7}", "crlf\r\nend",
        "back\\slash", "ünïcödé 日本 🙂", "",
    ]

    /// A store holding the awkward commands (saved) and one with invalid UTF-8 (imported from a file).
    func makeStore() throws -> StoreFixture {
        let fixture = StoreFixture()
        for (index, command) in Self.awkward.enumerated() where !command.isEmpty {
            let saved = try fixture.shq("save", "-c", command, "--cwd", "/dir, \"x\"\n\(index)", "--exit", "\(index)",
                                        "--started-at", "@\(1_700_000_000 + index)")
            #expect(saved.status == 0, "\(saved.stderrText)")
        }
        let file = fixture.directory.file("raw_history")
        try (Data("#1700000100\n".utf8) + Data([0x62, 0x61, 0x64, 0xc3, 0x28, 0xff, 0x0a])).write(to: URL(fileURLWithPath: file))
        #expect(try fixture.shq("import", "bash", file).status == 0)
        return fixture
    }

    static var expectedCommands: [String] {
        awkward.filter { !$0.isEmpty } + ["bad\u{FFFD}(\u{FFFD}"]
    }

    @Test func jsonAndJsonLinesAreValidAndExact() throws {
        let fixture = try makeStore()
        let json = try fixture.shq("history", "-n", "100", "--format", "json")
        let array = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(array.map { $0["cmd"] as? String } == Self.expectedCommands.reversed())
        #expect(array.last?["cwd"] as? String == "/dir, \"x\"\n0")
        let lines = try fixture.shq("history", "-n", "100", "--format", "jsonl")
        let objects = try lines.stdout.split(separator: UInt8(ascii: "\n")).map {
            try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
        #expect(objects.map { $0["cmd"] as? String } == Self.expectedCommands.reversed())
        // export streams the same records oldest first.
        let export = try fixture.shq("export")
        #expect(export.stdout.split(separator: UInt8(ascii: "\n")).count == Self.expectedCommands.count)
        let exportArray = try fixture.shq("export", "--format", "json")
        let exported = try #require(JSONSerialization.jsonObject(with: exportArray.stdout) as? [[String: Any]])
        #expect(exported.map { $0["cmd"] as? String } == Self.expectedCommands)
    }

    /// A small RFC 4180 reader, to check what `--format csv` writes.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text)[...]
        while let char = chars.popFirst() {
            if quoted {
                if char == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else { field.append(char) }
            } else if char == "\"" { quoted = true
            } else if char == "," { row.append(field); field = ""
            } else if char == "\r\n" || char == "\n" { row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(char) }
        }
        return rows
    }

    @Test func csvIsValidAndMatchesJson() throws {
        let fixture = try makeStore()
        let csv = try fixture.shq("history", "-n", "100", "--format", "csv")
        let rows = Self.parseCSV(csv.stdoutText)
        #expect(rows.first == ["id", "cmd", "cwd", "started_at", "ended_at", "duration_ms", "exit_code", "signal",
                               "status", "session", "source", "stdout_bytes", "stderr_bytes"])
        #expect(rows.dropFirst().map { $0[1] } == Self.expectedCommands.reversed())
        #expect(rows.dropFirst().allSatisfy { $0.count == 13 })
        #expect(rows.last?[2] == "/dir, \"x\"\n0")
        #expect(rows.last?[6] == "0")
        #expect(csv.stdoutText.hasSuffix("\r\n"))
    }

    @Test func pipesGetNoColourAndTablesStayOneLinePerCommand() throws {
        let fixture = try makeStore()
        let table = try fixture.shq("history", "-n", "100")
        #expect(!table.stdoutText.contains("\u{1B}["))
        #expect(table.stdoutText.split(separator: "\n").count == Self.expectedCommands.count + 1)
        #expect(table.stdoutText.contains("printf 'a\\nb'⏎second line"))
    }

    @Test func emptyResultsAreEmptyDocuments() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        #expect(try fixture.shq("history", "--format", "json").stdoutText == "[]\n")
        #expect(try fixture.shq("history", "--format", "jsonl").stdoutText == "")
        #expect(try fixture.shq("search", "x", "--format", "csv").stdoutText.split(separator: "\r\n").count == 1)
        #expect(try fixture.shq("history").stdoutText == "")
    }
}
