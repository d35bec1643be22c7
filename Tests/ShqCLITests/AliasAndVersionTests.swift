import Foundation
import ShqTestSupport
import Testing

/// The command aliases (dispatched by the fast path in Shq.swift, not only by the argument parser),
/// `--version` and the CSV export, through the binary.
@Suite struct AliasAndVersionTests {
    let fixture = StoreFixture()

    init() throws {
        try fixture.shq("save", "-c", "echo one")
        try fixture.shq("save", "-c", #"echo "two, three""#)
        try fixture.shq("run", "--", "echo", "out")  // the newest record, with output for `show`
    }

    @Test(arguments: [
        (["i"], ["history"]), (["list"], ["history"]), (["I"], ["info"]), (["s", "one"], ["search", "one"]),
        (["q", "SELECT count(*) FROM invocations"], ["sql", "SELECT count(*) FROM invocations"]),
        (["o"], ["show"]),
    ])
    func aliasDoesWhatItsCommandDoes(alias: [String], command: [String]) throws {
        let viaAlias = try fixture.shq(arguments: alias)
        let viaCommand = try fixture.shq(arguments: command)
        #expect(viaCommand.status == 0, "\(viaCommand.stderrText)")
        #expect(!viaCommand.stdout.isEmpty)
        #expect(viaAlias.status == viaCommand.status && viaAlias.stdout == viaCommand.stdout, "\(viaAlias.stderrText)")
    }

    @Test func versionIsPrinted() throws {
        let result = try fixture.shq("--version")
        #expect(result.status == 0)
        #expect(result.stdoutText.range(of: #"^\d+\.\d+\.\d+\S*\n$"#, options: .regularExpression) != nil, "\(result.stdoutText)")
    }

    @Test func csvExportQuotesAndHasAHeader() throws {
        let result = try fixture.shq("export", "--format", "csv")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.hasSuffix("\r\n"))  // RFC 4180 line ends
        let lines = result.stdoutText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first?.hasPrefix("id,cmd,cwd,started_at,") == true)
        #expect(lines.count == 4)
        #expect(lines[1].contains(",echo one,"))
        #expect(lines[2].contains(#","echo ""two, three""","#))
    }
}
