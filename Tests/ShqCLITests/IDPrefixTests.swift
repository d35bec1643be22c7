import Foundation
import ShqTestSupport
import Testing

/// Tables show each id cut to the shortest prefix that names one record (at least 8 hex digits), so
/// what a table shows can be given back to `info`, `show`, `rerun`, `forget`.
@Suite struct IDPrefixTests {
    /// The first column of a table, header dropped.
    static func shownIDs(_ table: String) -> [String] {
        table.split(separator: "\n").dropFirst().map { String($0.split(separator: " ")[0]) }
    }

    @Test func recordsOfTheSameMillisecondGetIDsThatTellThemApart() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        for (id, cmd) in [("0193a2b45c6d7aa1", "first"), ("0193a2b45c6d7aa2", "second"), ("0193a2c000007000", "third")] {
            _ = try fixture.sqlite(StoreFixture.insertInvocationSQL([
                "id": id, "cmd": "'\(cmd)'", "source": "'save'", "started_at": "1767268800000000", "exit_code": "0", "status": "'completed'",
            ]))
        }
        let table = try fixture.shq("history")
        let shown = Self.shownIDs(table.stdoutText)
        // 15 digits shared by two of them: every id is cut after 16, the same length down the column.
        #expect(shown.sorted() == ["0193a2b4-5c6d-7aa1", "0193a2b4-5c6d-7aa2", "0193a2c0-0000-7000"], "\(table.stdoutText)")
        for (id, cmd) in zip(["0193a2b4-5c6d-7aa1", "0193a2b4-5c6d-7aa2", "0193a2c0-0000-7000"], ["first", "second", "third"]) {
            let info = try fixture.shq("info", id, "--format", "json")
            #expect(info.status == 0, "\(id): \(info.stderrText)")
            #expect(info.stdoutText.contains("\"cmd\":\"\(cmd)\""), "\(id)")
        }
        // The 12 digits shown before were ambiguous.
        #expect(try fixture.shq("info", "0193a2b4-5c6d").stderrText.contains("ambiguous"))
    }

    @Test func importedLinesOfOneSecondAreEachNamedByTheirShownID() throws {
        let fixture = StoreFixture()
        let file = fixture.directory.file("bash_history")
        try "#1700000000\nmake\n#1700000000\nmake test\n#1700000000\nmake install\n#1700009999\nls\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try fixture.shq("import", "bash", file).status == 0)
        let table = try fixture.shq("history").stdoutText
        let shown = Self.shownIDs(table)
        #expect(shown.count == 4)
        #expect(Set(shown.map(\.count)).count == 1, "one length down the column")
        for (id, line) in zip(shown, table.split(separator: "\n").dropFirst()) {
            let info = try fixture.shq("info", id, "--format", "json")
            #expect(info.status == 0, "\(id): \(info.stderrText)")
            let cmd = (try JSONSerialization.jsonObject(with: info.stdout) as? [String: Any])?["cmd"] as? String
            #expect(line.hasSuffix(" " + (cmd ?? "?")), "\(id) names \(cmd ?? "nothing")")
        }
    }

    @Test func aLoneRecordShowsEightDigits() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "only")
        let shown = Self.shownIDs(try fixture.shq("history").stdoutText)
        #expect(shown.count == 1 && shown[0].count == 8, "\(shown)")
        #expect(try fixture.shq("info", shown[0]).status == 0)
    }
}
