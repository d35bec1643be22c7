import Foundation
import ShqTestSupport
import Testing

@Suite struct OutputRoundTripTests {
    @Test func invalidUTF8AndNULSurviveCommandAndOutput() throws {
        let fixture = StoreFixture()
        let output = Data([0x00, 0xff, 0xfe, 0x41, 0x0a, 0xc3, 0x28, 0x00])
        try output.write(to: URL(fileURLWithPath: fixture.directory.file("out")))
        // bash's $'…' puts raw invalid UTF-8 into argv, as a real shell would.
        let saved = try ShqProcess.run(
            ["-c", "\"$SHQ\" save -c $'bad\\xff\\xfe arg' --stdout \"$OUT\""],
            database: fixture.database,
            environment: ["SHQ": ShqProcess.binary, "OUT": fixture.directory.file("out")],
            executable: "/bin/bash")
        #expect(saved.status == 0, "\(saved.stderrText)")
        let shown = try fixture.shq("show")
        #expect(shown.stdout == output)
        #expect(try fixture.sqlite("SELECT hex(cmd) FROM invocations ORDER BY seq DESC LIMIT 1") == ["626164FFFE20617267"])
        let json = try fixture.shq("history", "--format", "json", "-n", "1")
        let rows = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(rows.first?["cmd"] as? String == "bad\u{FFFD}\u{FFFD} arg")
    }

    @Test func pipedStdinBecomesStdoutAndStreamsStaySeparate() throws {
        let fixture = StoreFixture()
        try "to stderr\n".write(toFile: fixture.directory.file("err"), atomically: true, encoding: .utf8)
        let save = try fixture.shq("save", "-c", "build", "--exit", "1", "--stderr", fixture.directory.file("err"),
                                   input: Data("line 1\nline 2\nline 3\n".utf8))
        #expect(save.status == 0)
        let both = try fixture.shq("show")
        #expect(both.stdoutText == "line 1\nline 2\nline 3\n")
        #expect(both.stderrText == "to stderr\n")
        #expect(try fixture.shq("show", "-E").stdoutText == "to stderr\n")
        #expect(try fixture.shq("show", "-O").stderrText == "")
        #expect(try fixture.shq("show", "-A").stdoutText == "line 1\nline 2\nline 3\nto stderr\n")
        #expect(try fixture.shq("show", "-O", "--head", "2").stdoutText == "line 1\nline 2\n")
        #expect(try fixture.shq("show", "-O", "--tail", "1").stdoutText == "line 3\n")
        #expect(try fixture.shq("show", "-O", "--tail", "5").stdoutText == "line 1\nline 2\nline 3\n")
    }

    @Test func stripRemovesEscapeSequences() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "ls --color", input: Data("\u{1b}[01;34mdir\u{1b}[0m \u{1b}]8;;file:///x\u{07}link\u{1b}]8;;\u{1b}\\\n".utf8))
        #expect(try fixture.shq("show", "--strip").stdoutText == "dir link\n")
    }

    @Test func infoShowsTheRecordAsTextAndJSON() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "deploy", "--exit", "2", "--duration", "1500", "--started-at", "2026-01-02T03:04:05Z",
                        "--cwd", "/srv", "--tag", "prod")
        let text = try fixture.shq("info").stdoutText
        #expect(text.contains("command    deploy"))
        #expect(text.contains("status     failed (exit 2)"))
        #expect(text.contains("duration   1.5s"))
        let json = try fixture.shq("info", "~1", "--format", "json")
        let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(object["started_at"] as? String == "2026-01-02T03:04:05.000000Z")
        #expect(object["ended_at"] as? String == "2026-01-02T03:04:06.500000Z")
        #expect(object["duration_ms"] as? Double == 1500)
        #expect(object["cwd"] as? String == "/srv")
        #expect(object["tag"] as? String == "prod")
        let keys = ["id", "cmd", "cwd", "started_at", "ended_at", "duration_ms", "exit_code", "signal", "status",
                    "session", "source", "stdout_bytes", "stderr_bytes"]
        for key in keys { #expect(object.keys.contains(key), "\(key)") }
    }

    /// A 200 MB output is streamed in and out: byte-exact, and neither process holds it in memory.
    @Test(.timeLimit(.minutes(5))) func twoHundredMegabytesStreamInAndOutWithSmallMemory() throws {
        let fixture = StoreFixture()
        let big = fixture.directory.file("big")
        // Semi-compressible: numbered lines mixed with pseudo-random bytes.
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        var random = SeededRandom(seed: 1)
        var block = Data(capacity: 1 << 20)
        for chunk in 0..<200 {
            block.removeAll(keepingCapacity: true)
            while block.count < (1 << 20) {
                let value = random.next()
                block.append(contentsOf: "line \(chunk) \(value >> 40)\n".utf8)
                block.append(contentsOf: withUnsafeBytes(of: value) { Array($0) })
            }
            handle.write(block.prefix(1 << 20))
        }
        try handle.close()
        let env = ["SHQ_DB": fixture.database]
        let save = try MeasuredProcess.run(ShqProcess.binary, ["save", "-c", "big", "--stdout", big], environment: env)
        #expect(save.status == 0)
        let shown = fixture.directory.file("shown")
        let show = try MeasuredProcess.run(ShqProcess.binary, ["show"], environment: env, stdout: shown)
        #expect(show.status == 0)
        #expect(save.maxResidentKiB < 64 * 1024, "save peak RSS \(save.maxResidentKiB) KiB")
        #expect(show.maxResidentKiB < 64 * 1024, "show peak RSS \(show.maxResidentKiB) KiB")
        let cmp = try ShqProcess.run([big, shown], executable: "/usr/bin/cmp")
        #expect(cmp.status == 0, "\(cmp.stdoutText)")
        #expect(try fixture.sqlite("SELECT bytes FROM outputs") == ["\(200 << 20)"])
    }
}
