import Foundation
import ShqTestSupport
import Testing

/// What a new user meets first: no store yet, an empty one, a command recorded without its output.
@Suite struct FirstUseTests {
    @Test func readingCommandsNeverCreateAStore() throws {
        let fixture = StoreFixture()
        let missing = fixture.directory.file("no/such/dir/x.db")
        let readers: [[String]] = [
            ["history"], ["search", "x"], ["show"], ["info"], ["stats"], ["export"], ["sql", "SELECT 1"], ["jobs"],
            ["rerun", "-n"], ["forget", "-y", "~1"], ["prune", "--older-than", "1d"], ["kill", "~1"], ["wait", "~1"], ["clean"],
        ]
        for arguments in readers {
            let result = try ShqProcess.run(arguments + ["--db", missing])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderrText.hasPrefix("shq: no history at \(missing): nothing recorded there yet; "), "\(arguments): \(result.stderrText)")
            #expect(result.stderrText.contains(#"eval "$(shq hook init)""#))
            #expect(result.stdoutText.isEmpty)
        }
        // grep says the same, with grep's status for an error.
        let grep = try ShqProcess.run(["grep", "x", "--db", missing])
        #expect(grep.status == 2)
        #expect(grep.stderrText.hasPrefix("shq: no history at \(missing): nothing recorded there yet; "), "\(grep.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("no")))
        // Recording creates it.
        #expect(try ShqProcess.run(["save", "-c", "first", "--db", missing]).status == 0)
        #expect(try ShqProcess.run(["history", "--db", missing]).stdoutText.contains("first"))
    }

    @Test func anEmptyHistorySaysHowToStart() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()
        for format in ["table", "json"] {
            let result = try fixture.shq("history", "--format", format)
            #expect(result.status == 0)
            #expect(result.stdoutText == (format == "json" ? "[]\n" : ""))
            #expect(result.stderrText.hasPrefix("shq: nothing recorded yet in \(fixture.database); "), "\(result.stderrText)")
            #expect(result.stderrText.contains(#"add eval "$(shq hook init)" to ~/.bashrc or ~/.zshrc"#))
        }
        // Asked for something that is not there: no advice, just nothing.
        try fixture.shq("save", "-c", "make")
        let none = try fixture.shq("history", "%failed")
        #expect(none.status == 0 && none.stdoutText.isEmpty && none.stderrText.isEmpty)
        #expect(try fixture.shq("history").stderrText.isEmpty)
    }

    @Test func showSaysWhenACommandWasRecordedWithoutItsOutput() throws {
        let fixture = StoreFixture()
        try Self.spoolHookRecord("make -j4 test", in: fixture)
        let result = try fixture.shq("show")
        #expect(result.status == 1)
        #expect(result.stdoutText.isEmpty)
        #expect(result.stderrText.hasPrefix("shq: show: "))
        #expect(result.stderrText.hasSuffix(" (make -j4 test) was recorded by the shell hook, which records commands but not their output; "
            + "to keep its output next time, run it through shq run: shq run -c 'make -j4 test'\n"), "\(result.stderrText)")
        // A command run through shq run that printed nothing is not that case.
        #expect(try fixture.shq("run", "true").status == 0)
        let empty = try fixture.shq("show")
        #expect(empty.status == 0 && empty.stdoutText.isEmpty && empty.stderrText.isEmpty)
    }

    @Test func hookRecordsWaitingInTheSpoolAreAHistory() throws {
        let fixture = StoreFixture()
        try Self.spoolHookRecord("echo from the hook", in: fixture)
        let result = try fixture.shq("history", "--format", "jsonl")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains("echo from the hook"))
    }

    /// Writes commands into the store's hook spool as the shell hook does (the next shq command moves
    /// them in), a second apart.
    static func spoolHookRecord(_ command: String, exit: Int = 0, in fixture: StoreFixture) throws {
        try spoolHookRecords([(command, exit)], in: fixture)
    }

    static func spoolHookRecords(_ commands: [(String, Int)], in fixture: StoreFixture) throws {
        let spool = fixture.database + "-spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var lines = "S\tsess\tbash\t123\t\thost\tuser\t1767268800000000\n"
        for (index, (command, exit)) in commands.enumerated() {
            lines += "C\tsess\t\(index + 1)\t\(1_767_268_800_000_000 + index * 1_000_000)\t1000\t\(exit)\t\t/tmp\t\(command)\n"
        }
        #expect(FileManager.default.createFile(atPath: spool + "/sess.spool", contents: Data(lines.utf8), attributes: [.posixPermissions: 0o600]))
    }
}
