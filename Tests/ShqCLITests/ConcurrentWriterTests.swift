import Foundation
import ShqTestSupport
import Testing

@Suite struct ConcurrentWriterTests {
    /// 8 processes × 500 `shq save` at once: every row arrives, nobody sees "database is locked".
    @Test(.timeLimit(.minutes(5))) func eightProcessesSavingAtOnceLoseNothing() throws {
        let fixture = StoreFixture()
        try fixture.createEmptyStore()  // as any earlier use would have
        let script = """
            for i in $(seq 1 500); do "$SHQ" save -c "writer $1 #$i" --exit $((i % 3)) || echo "FAILED $1 $i" >&2; done
            """
        let writers = (1...8).map { writer in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script, "bash", String(writer)]
            var env = ProcessInfo.processInfo.environment
            env["SHQ"] = ShqProcess.binary
            env["SHQ_DB"] = fixture.database
            process.environment = env
            process.standardInput = FileHandle.nullDevice
            let errorFile = fixture.directory.file("stderr-\(writer)")
            _ = FileManager.default.createFile(atPath: errorFile, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: errorFile)
            return process
        }
        for writer in writers { try writer.run() }
        for writer in writers { writer.waitUntilExit() }
        let errors = try (1...8).map { try String(contentsOfFile: fixture.directory.file("stderr-\($0)"), encoding: .utf8) }.joined()
        #expect(errors.isEmpty, "\(errors.prefix(500))")
        // Read through shq, which first ingests what waits in the spool: a save that found the store
        // locked for more than 50 ms left its record there (LockedStoreTests).
        let counts = try fixture.shq("sql", "SELECT count(*), count(DISTINCT cmd), count(DISTINCT id) FROM invocations", "--format", "csv")
        #expect(counts.stdoutText.hasSuffix("\r\n4000,4000,4000\r\n"), "\(counts.stdoutText) \(counts.stderrText)")
    }

    /// Many processes creating the store at the same moment: each one's record arrives, none fails. A
    /// reader that comes before the first record says there is no history yet (it never creates one).
    @Test func processesCreatingANewStoreAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let fixture = StoreFixture()
            let script = """
                read() { out=$("$SHQ" history 2>&1 </dev/null >/dev/null) || case $out in "shq: no history at"*) ;; *) echo "FAILED h$1: $out" ;; esac; }
                for i in 1 2 3 4 5 6 7 8; do ("$SHQ" save -c "p$i" </dev/null || echo "FAILED $i") & read $i & done; wait
                """
            let result = try ShqProcess.run(["-c", script], database: fixture.database, environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash")
            #expect(result.stdoutText.isEmpty && result.stderrText.isEmpty, "round \(round): \(result.stdoutText)\(result.stderrText)")
            #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["8"])
        }
    }
}
