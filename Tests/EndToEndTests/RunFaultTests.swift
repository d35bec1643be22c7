import Foundation
import ShqTestSupport
import Testing

/// A store that is missing, read-only, corrupt or full: the command still runs, its output is still
/// relayed, its status still mirrored, and shq says exactly one line about it.
@Suite struct RunFaultTests {
    static let script = "printf 'out\\n'; printf 'err\\n' >&2; exit 5"

    static func expectUnharmed(_ run: ShqProcess.Result, path: String, stdout: String = "out\n") {
        #expect(run.status == 5)
        #expect(run.stdoutText == stdout)
        let lines = run.stderrText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3, "stderr: \(run.stderrText)")
        #expect(lines.filter { $0.hasPrefix("shq: warning: not recording: \(path): ") }.count == 1, "stderr: \(run.stderrText)")
        #expect(lines.contains("err"))
    }

    @Test func storeMissing() throws {
        let path = "/proc/no-such-dir/shq/history.db"
        let run = try ShqProcess.run(["run", "sh", "-c", Self.script], database: path)
        Self.expectUnharmed(run, path: path)
    }

    @Test func storeCorrupt() throws {
        let fixture = StoreFixture()
        try Data(repeating: 0x78, count: 8192).write(to: URL(fileURLWithPath: fixture.database))
        let run = try fixture.shq("run", "sh", "-c", Self.script)
        Self.expectUnharmed(run, path: fixture.database)
    }

    @Test func storeReadOnly() throws {
        let fixture = StoreFixture()
        try fixture.shq("run", "true")
        var run: ShqProcess.Result
        if getuid() == 0 {
            // Root writes through file modes: run as nobody, with the store owned by root.
            // A copy of shq in the (world-readable) test folder: the build folder may not be reachable
            // for nobody (a clone under /root).
            chmod(fixture.directory.path, 0o755)
            chmod(fixture.database, 0o644)
            let binary = fixture.directory.file("shq")
            try FileManager.default.copyItem(atPath: ShqProcess.binary, toPath: binary)
            // ETXTBSY while a process spawned by a parallel test still holds the copy's write descriptor.
            var attempt = 0
            repeat {
                if attempt > 0 { usleep(100_000) }
                attempt += 1
                run = try ShqProcess.run(
                    ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "run", "sh", "-c", Self.script],
                    database: fixture.database, executable: "/usr/bin/setpriv")
            } while run.stderrText.contains("Text file busy") && attempt < 50
        } else {
            chmod(fixture.database, 0o444)
            run = try fixture.shq("run", "sh", "-c", Self.script)
        }
        Self.expectUnharmed(run, path: fixture.database)
    }

    @Test func storeFullMidRun() throws {
        let fixture = StoreFixture()
        try fixture.shq("run", "true")
        // The store may grow to 1 MiB (RLIMIT_FSIZE; SIGXFSZ ignored so writes fail with EFBIG as on a
        // full disk); the command writes 4 MB that do not compress.
        let command = "trap '' XFSZ; ulimit -f 1024; exec \"$SHQ\" run sh -c 'head -c 4000000 /dev/urandom; printf \"out\\n\"; printf \"err\\n\" >&2; exit 5'"
        let run = try ShqProcess.run(["-c", command], database: fixture.database,
            environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash")
        #expect(run.status == 5)
        #expect(run.stdout.count == 4_000_004)
        #expect(run.stdout.suffix(4) == Data("out\n".utf8))
        let warnings = run.stderrText.split(separator: "\n").filter { $0.hasPrefix("shq: warning: not recording: \(fixture.database): ") }
        #expect(warnings.count == 1, "stderr: \(run.stderrText)")
        #expect(run.stderrText.split(separator: "\n").count == 2)
    }
}
