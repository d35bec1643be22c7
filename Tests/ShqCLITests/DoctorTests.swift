import Foundation
import ShqTestSupport
import Testing

/// `shq doctor` outside a hooked shell: the store, the config file and the problems it lists.
@Suite struct DoctorTests {
    let home = TemporaryDirectory("shq-doctor")

    /// The environment of a fresh account: its own home, config and data folders, no hook.
    var environment: [String: String] {
        ["HOME": home.path, "XDG_CONFIG_HOME": home.file("config"), "XDG_DATA_HOME": home.file("data"),
         "SHQ_HOOK": "", "SHQ_SESSION": "", "SHQ_DISABLED": ""]
    }

    func doctor(_ database: String) throws -> ShqProcess.Result {
        try ShqProcess.run(["doctor"], database: database, environment: environment)
    }

    @Test func aFreshAccountHasNoStoreAndDoctorCreatesNone() throws {
        let database = home.file("nowhere/history.db")
        let result = try doctor(database)
        #expect(result.stdoutText.contains("store       \(database): none yet"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("config      \(home.file("config"))/shq/config: none"))
        #expect(result.stdoutText.contains("version     shq "))
        #expect(!FileManager.default.fileExists(atPath: home.file("nowhere")))
        // Run from a test, not from a shell with the hook: that is a problem, listed, and the status says so.
        #expect(result.status == 1)
        #expect(result.stdoutText.contains("\n  - hook: not loaded in this shell; add to "))
        #expect(result.stderrText.isEmpty)
    }

    @Test func theStoreSizeAndCount() throws {
        let fixture = StoreFixture()
        for command in ["echo one", "echo two"] { try fixture.shq("save", "-c", command) }
        let result = try doctor(fixture.database)
        #expect(result.stdoutText.contains(fixture.database + ": "), "\(result.stdoutText)")
        #expect(result.stdoutText.contains(" KB, 2 commands"))
    }

    @Test func configKeysAreListedAndMistakesAreProblems() throws {
        try FileManager.default.createDirectory(atPath: home.file("config/shq"), withIntermediateDirectories: true)
        try "# mine\nrun_pty = true\ncolour = never\nredact_output = maybe\n".write(
            toFile: home.file("config/shq/config"), atomically: true, encoding: .utf8)
        let result = try doctor(home.file("none.db"))
        let out = result.stdoutText
        #expect(out.contains("\n              run_pty = true\n"), "\(out)")
        #expect(out.contains("\n              colour = never  (unknown key)\n"))
        #expect(out.contains("\n              redact_output = maybe\n"))
        #expect(out.contains("unknown key 'colour' (known: capture, capture_alt_screen, redact_output, run_pty, secret_exclude, capture_cap, session_capture_cap, sync_url, sync_every, sync_encrypt, sync_outputs)"))
        #expect(out.contains("redact_output = maybe: expected true or false"))
        #expect(!out.contains("run_pty = true: "))
        #expect(out.contains("commands typed at the prompt are recorded without their output"))
        #expect(result.status == 1)
    }

    @Test func sessionCaptureIsReported() throws {
        try FileManager.default.createDirectory(atPath: home.file("config/shq"), withIntermediateDirectories: true)
        try "capture = true\nsession_capture_cap = 8M\n".write(toFile: home.file("config/shq/config"), atomically: true, encoding: .utf8)
        let out = try doctor(home.file("none.db")).stdoutText
        #expect(out.contains("commands typed at the prompt keep their output in shells started from now on"), "\(out)")
        #expect(!out.contains("unknown key"))
    }

    @Test func aStoreThatCannotBeReadIsAProblem() throws {
        let database = home.file("history.db")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: database))
        let result = try doctor(database)
        #expect(result.stdoutText.contains("store       \(database): 8.0 KB, unreadable"), "\(result.stdoutText)")
        #expect(result.stdoutText.contains("\n  - store: "))
        #expect(result.status == 1)
    }
}
