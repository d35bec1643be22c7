import Foundation
import ShqTestSupport
import Testing

/// Selectors run through `shq history` against the same filters applied by hand to every record: every
/// part is applied and the whole history is searched.
@Suite(.serialized) struct SelectorQueryTests {
    static let history = Result { try GeneratedHistory(count: 6000) }

    typealias Row = [String: Any]
    struct Case: Sendable, CustomStringConvertible {
        let selector: String
        let keep: @Sendable (Row, String) -> Bool
        /// (skip, take) counted from the newest match.
        var window: (Int, Int?) = (0, nil)
        var description: String { selector }
    }

    static func cmd(_ row: Row) -> String { row["cmd"] as! String }
    static func exit(_ row: Row) -> Int? { row["exit_code"] as? Int }
    static func cwd(_ row: Row) -> String? { row["cwd"] as? String }
    static func ms(_ row: Row) -> Int { (row["duration_ms"] as? Int) ?? -1 }
    static func matches(_ text: String, _ pattern: String) -> Bool { text.range(of: pattern, options: .regularExpression) != nil }

    static let cases: [Case] = [
        Case(selector: "", keep: { _, _ in true }),
        Case(selector: "~1", keep: { _, _ in true }, window: (0, 1)),
        Case(selector: "~7", keep: { _, _ in true }, window: (6, 1)),
        Case(selector: "~5:", keep: { _, _ in true }, window: (0, 5)),
        Case(selector: "~10:~6", keep: { _, _ in true }, window: (5, 5)),
        Case(selector: "~6:~10", keep: { _, _ in true }, window: (5, 5)),
        Case(selector: "@7", keep: { _, _ in true }, window: (6, 1)),
        Case(selector: "@10:@6", keep: { _, _ in true }, window: (5, 5)),
        Case(selector: "%failed@2:", keep: { r, _ in exit(r) != 0 }, window: (0, 2)),
        Case(selector: "%failed", keep: { r, _ in exit(r) != 0 }),
        Case(selector: "%ok", keep: { r, _ in exit(r) == 0 }),
        Case(selector: "%exit<>0", keep: { r, _ in exit(r).map { $0 != 0 } ?? false }),
        Case(selector: "%exit=127", keep: { r, _ in exit(r) == 127 }),
        Case(selector: "%exit>=2", keep: { r, _ in (exit(r) ?? -1) >= 2 }),
        Case(selector: "%exit<1", keep: { r, _ in (exit(r) ?? 99) < 1 }),
        Case(selector: "%duration>5000", keep: { r, _ in ms(r) > 5000 }),
        Case(selector: "%duration<=3s", keep: { r, _ in ms(r) >= 0 && ms(r) <= 3000 }),
        Case(selector: "%/^git (push|pull)/", keep: { r, _ in matches(cmd(r), "^git (push|pull)") }),
        Case(selector: "%cmd~=^make test-4[0-9]$", keep: { r, _ in matches(cmd(r), "^make test-4[0-9]$") }),
        Case(selector: "%cwd~=/sub$", keep: { r, _ in matches(cwd(r) ?? "", "/sub$") }),
        Case(selector: ".", keep: { r, project in cwd(r) == project }),
        Case(selector: "./sub", keep: { r, project in cwd(r) == project + "/sub" }),
        Case(selector: "./sub/..", keep: { r, project in cwd(r) == project }),
        Case(selector: ".%failed~5:", keep: { r, project in cwd(r) == project && exit(r) != 0 }, window: (0, 5)),
        Case(selector: "%failed~3", keep: { r, _ in exit(r) != 0 }, window: (2, 1)),
        Case(selector: "./sub%exit=2~2:~4", keep: { r, p in cwd(r) == p + "/sub" && exit(r) == 2 }, window: (1, 3)),
        Case(selector: "%/git/%cwd~=proj%ok~10:", keep: { r, _ in
            cmd(r).contains("git") && (cwd(r) ?? "").contains("proj") && exit(r) == 0 }, window: (0, 10)),
        Case(selector: "%/--rare-old-flag/~2", keep: { r, _ in cmd(r).contains("--rare-old-flag") }, window: (1, 1)),
    ]

    @Test(arguments: cases)
    func selectorMatchesHandFilter(_ test: Case) throws {
        let history = try Self.history.get()
        let all = history.rows.filter { test.keep($0, history.project) }.map { $0["id"] as! String }
        let (skip, take) = test.window
        let expected = Array(all.dropFirst(skip).prefix(take ?? Int.max))
        let got = try history.ids(["history", test.selector, "-n", "1000000"], cwd: history.project)
        #expect(got == expected, "\(test.selector): \(got.count) vs \(expected.count)")
        #expect(!expected.isEmpty, "\(test.selector) selects nothing: a weak case")
    }

    @Test func rangeWithoutNShowsTheWholeRangeAndNCapsIt() throws {
        let history = try Self.history.get()
        #expect(try history.ids(["history", "~50:"]).count == 50)
        #expect(try history.ids(["history", "~50:", "-n", "10"]) == history.rows.prefix(10).map { $0["id"] as! String })
        #expect(try history.ids(["history"]).count == 20)
    }

    @Test func idPrefixesAndAmbiguity() throws {
        let history = try Self.history.get()
        let id = history.rows[100]["id"] as! String
        #expect(try history.ids(["history", id]) == [id])
        #expect(try history.ids(["history", String(id.prefix(23)).uppercased()]) == [id])
        let ambiguous = try history.fixture.shq("info", "0")
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderrText.contains("ambiguous"))
        let info = try history.fixture.shq("info", id, "--format", "json")
        #expect(info.stdoutText.contains(id))
    }

    @Test func tagsSelect() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "deploy one", "--tag", "deploy")
        try fixture.shq("save", "-c", "other")
        try fixture.shq("save", "-c", "deploy two", "--tag", "deploy")
        let show = try fixture.shq("history", ":deploy", "--format", "jsonl")
        let cmds = show.stdout.split(separator: UInt8(ascii: "\n")).map {
            (try! JSONSerialization.jsonObject(with: Data($0)) as! [String: Any])["cmd"] as! String
        }
        #expect(cmds == ["deploy two", "deploy one"])
        #expect(try fixture.shq("info", ":deploy~2").stdoutText.contains("deploy one"))
    }

    @Test func badSelectorPointsAtTheCharacter() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("history", ".%faild")
        #expect(result.status != 0)
        #expect(result.stderrText.contains("shq: selector '.%faild': unknown filter '%faild'"))
        #expect(result.stderrText.contains("at character 3\n  .%faild\n    ^"))
        #expect(try fixture.shq("show", "~1~2").stderrText.contains("only one range"))
    }

    /// `~1` expanded by bash or zsh reaches shq as the previous directory ($OLDPWD): say what happened.
    @Test func anExpandedTildeIsExplained() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "a")
        let previous = fixture.directory.path.replacingOccurrences(of: "//", with: "/")
        let result = try fixture.shq("info", previous, environment: ["OLDPWD": previous])
        #expect(result.status == 1)
        #expect(result.stderrText == "shq: selector '\(previous)': looks like '~1' expanded by your shell to a directory:"
            + " write @1 (or '~1'); for the commands run in that directory, write '\(previous)/'\n")
        #expect(try fixture.shq("info", "@1").status == 0)
    }

    @Test func oneCommandIsRequiredWhereOneIsNeeded() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "a")
        let result = try fixture.shq("info", "~2:")
        #expect(result.status != 0)
        #expect(result.stderrText.contains("names several commands"))
    }
}
