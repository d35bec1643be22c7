import Foundation
import ShqTestSupport
import Testing

/// `shq grep` as a user runs it: options, formats, selectors, exit codes and errors.
@Suite struct GrepCommandTests {
    /// Three commands with saved output, oldest first: a passing build, a failing test run, a coloured log.
    func makeStore() throws -> StoreFixture {
        let fixture = StoreFixture()
        let outputs: [(cmd: String, exit: Int, stdout: String, stderr: String?)] = [
            ("make build", 0, "cc -c a.c\nwarning: unused x\nlinked app\n", nil),
            ("pytest", 1, "test_login PASSED\ntest_logout FAILED\nTest_Upper failed\n1 failed, 1 passed\n", "Error: see log\n"),
            ("tail log", 0, "\u{1B}[32mok\u{1B}[0m\r\nwarn\u{1B}[1ming\u{1B}[0m: disk\r\n", nil),
        ]
        for (index, output) in outputs.enumerated() {
            let out = fixture.directory.file("out\(index)"), err = fixture.directory.file("err\(index)")
            try output.stdout.write(toFile: out, atomically: true, encoding: .utf8)
            var arguments = ["save", "-c", output.cmd, "--exit", "\(output.exit)", "--started-at", "@\(1_700_000_000 + index * 60)", "--stdout", out]
            if let stderr = output.stderr {
                try stderr.write(toFile: err, atomically: true, encoding: .utf8)
                arguments += ["--stderr", err]
            }
            let saved = try fixture.shq(arguments: arguments)
            #expect(saved.status == 0, "\(saved.stderrText)")
        }
        return fixture
    }

    /// The lines that are not headers (a header starts with the id).
    func bodies(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.first?.isNumber == true && $0.contains(where: { $0 == ":" || $0 == "-" }) && !$0.contains("  ") }
    }

    @Test func findsLinesNewestFirstAndExitsZero() throws {
        let fixture = try makeStore()
        let result = try fixture.shq("grep", "warn")
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasSuffix("exit 0  tail log"), "\(lines)")
        #expect(lines[1] == "2:warning: disk", "escapes and CR removed")
        #expect(lines[2] == "")
        #expect(lines[3].hasSuffix("exit 0  make build"))
        #expect(lines[4] == "2:warning: unused x")
    }

    @Test func nothingFoundExitsOneAndAnEmptyStoreToo() throws {
        let fixture = try makeStore()
        let result = try fixture.shq("grep", "no such text")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let empty = StoreFixture()
        try empty.createEmptyStore()
        let none = try empty.shq("grep", "x")
        #expect(none.status == 1 && none.stdout.isEmpty)
    }

    @Test func errorsExitTwoWithOneLine() throws {
        let fixture = try makeStore()
        let bad = try fixture.shq("grep", "fail(ed")
        #expect(bad.status == 2)
        #expect(bad.stderrText == "shq: grep: invalid pattern 'fail(ed' at character 5: Unmatched ( or \\(\n")
        #expect(try fixture.shq("grep", "x", "--bogus").status == 2)
        #expect(try fixture.shq("grep", "x", "%nonsense").status == 2)
        let missing = try ShqProcess.run(["grep", "x"], database: fixture.directory.file("none.db"))
        #expect(missing.status == 2 && missing.stderrText.hasPrefix("shq: no history at"))
    }

    @Test func caseWordAndLiteralOptions() throws {
        let fixture = try makeStore()
        #expect(bodies(try fixture.shq("grep", "failed").stdoutText) == ["3:Test_Upper failed", "4:1 failed, 1 passed"])
        #expect(bodies(try fixture.shq("grep", "-i", "failed").stdoutText) == ["2:test_logout FAILED", "3:Test_Upper failed", "4:1 failed, 1 passed"])
        #expect(bodies(try fixture.shq("grep", "-S", "FAILED").stdoutText) == ["2:test_logout FAILED"])
        #expect(bodies(try fixture.shq("grep", "-S", "failed").stdoutText).count == 3)
        #expect(bodies(try fixture.shq("grep", "-w", "log").stdoutText) == ["1:Error: see log"])
        #expect(try fixture.shq("grep", "-F", "a.c").stdoutText.contains("1:cc -c a.c"))
        #expect(try fixture.shq("grep", "-F", "a.").status == 0)
        #expect(try fixture.shq("grep", "-F", "x.c").status == 1)
        #expect(try fixture.shq("grep", "x.c").status == 1)
    }

    @Test func listCountAndLimits() throws {
        let fixture = try makeStore()
        // "l": in pytest and make build, not in tail log.
        let list = try fixture.shq("grep", "-l", "l").stdoutText.split(separator: "\n")
        #expect(list.count == 2 && list[0].hasSuffix("pytest") && list[1].hasSuffix("make build"))
        let count = try fixture.shq("grep", "-c", "-i", "fail").stdoutText
        #expect(count.hasSuffix("  3  pytest\n"))
        #expect(bodies(try fixture.shq("grep", "-i", "fail", "-m", "1").stdoutText) == ["2:test_logout FAILED"])
        #expect(try fixture.shq("grep", "-l", "l", "-n", "1").stdoutText.split(separator: "\n").count == 1)
        #expect(bodies(try fixture.shq("grep", "-C1", "unused").stdoutText) == ["1-cc -c a.c", "2:warning: unused x", "3-linked app"])
        #expect(bodies(try fixture.shq("grep", "-A", "1", "unused").stdoutText) == ["2:warning: unused x", "3-linked app"])
        #expect(bodies(try fixture.shq("grep", "-B", "1", "unused").stdoutText) == ["1-cc -c a.c", "2:warning: unused x"])
        #expect(try fixture.shq("grep", "-l", "-c", "l").status == 2)
    }

    @Test func streamsSelectorsAndFilters() throws {
        let fixture = try makeStore()
        let stderr = try fixture.shq("grep", "--stream", "stderr", "-i", "error").stdoutText
        #expect(stderr.contains("[stderr]") && stderr.contains("1:Error: see log"))
        #expect(try fixture.shq("grep", "--stream", "stdout", "Error").status == 1)
        #expect(try fixture.shq("grep", "-l", "l", "%failed").stdoutText.split(separator: "\n").count == 1)
        #expect(try fixture.shq("grep", "-l", "l", "%ok", "@1:").status == 1, "the last command (tail log) has no 'l'")
        #expect(try fixture.shq("grep", "-l", "warn", "@2:").stdoutText.split(separator: "\n").count == 1)
        #expect(try fixture.shq("grep", "-l", "l", "--exit", "0").stdoutText.split(separator: "\n").count == 1)
        #expect(try fixture.shq("grep", "x", "@1", "@2").status == 2, "two ranges")
    }

    @Test func rawKeepsEscapes() throws {
        let fixture = try makeStore()
        #expect(try fixture.shq("grep", "warning").stdoutText.contains("2:warning: disk"))
        #expect(try fixture.shq("grep", "--raw", "warning: disk").status == 1)
        #expect(try fixture.shq("grep", "--raw", "warn").stdoutText.contains("2:warn\u{1B}[1ming\u{1B}[0m: disk\r\n"))
    }

    @Test func jsonFormats() throws {
        let fixture = try makeStore()
        let json = try fixture.shq("grep", "-i", "fail", "--format", "json")
        let array = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(array.map { $0["line"] as? Int } == [2, 3, 4])
        #expect(array.first?["cmd"] as? String == "pytest")
        #expect(array.first?["stream"] as? String == "stdout")
        #expect(array.first?["text"] as? String == "test_logout FAILED")
        #expect((array.first?["id"] as? String)?.count == 36)
        let empty = try fixture.shq("grep", "zzz", "--format", "json")
        #expect(empty.stdoutText == "[]\n" && empty.status == 1)
        let lines = try fixture.shq("grep", "-c", "l", "--format", "jsonl").stdout.split(separator: UInt8(ascii: "\n"))
        let counts = try lines.map { try #require(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
        #expect(counts.map { $0["cmd"] as? String } == ["pytest", "make build"])
        #expect(counts.map { $0["count"] as? Int } == [5, 1], "4 stdout lines and 1 stderr line; 'linked app'")
    }

    @Test func colourWhenAsked() throws {
        let fixture = try makeStore()
        #expect(!(try fixture.shq("grep", "unused").stdoutText.contains("\u{1B}[")), "a pipe gets no colour")
        let coloured = try fixture.shq("grep", "unused", "--color", "always").stdoutText
        #expect(coloured.contains("\u{1B}[1;31munused\u{1B}[0m"))
        #expect(!(try fixture.shq("grep", "unused", "--color", "never").stdoutText.contains("\u{1B}[")))
    }

    @Test func aReaderThatGoesAwayEndsTheSearchQuietly() throws {
        let fixture = StoreFixture()
        let out = fixture.directory.file("big")
        try String(repeating: "match this line\n", count: 200_000).write(toFile: out, atomically: true, encoding: .utf8)
        for index in 0..<3 { try fixture.shq("save", "-c", "big \(index)", "--stdout", out) }
        // pipefail: the status is shq's, which must be 0 (found), not 141 (killed by SIGPIPE).
        let result = try ShqProcess.run(["-c", "set -o pipefail; \"$SHQ\" grep --db \"$DB\" match | head -1"],
                                        environment: ["SHQ": ShqProcess.binary, "DB": fixture.database],
                                        executable: "/bin/bash")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.hasSuffix("big 2\n"), "the header of the newest")
        #expect(result.stderr.isEmpty)
    }

    @Test func truncatedOutputIsSaid() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("run", "--capture-cap", "64K", "-c", "seq 1 100000; echo last-line-here",
                                     environment: [:])
        #expect(result.status == 0, "\(result.stderrText)")
        let found = try fixture.shq("grep", "last-line-here")
        #expect(found.stdoutText.contains("[truncated by the capture cap"), "\(found.stdoutText)")
        let json = try fixture.shq("grep", "last-line-here", "--format", "jsonl").stdoutText
        #expect(json.contains("\"truncated\": true"))
    }
}
