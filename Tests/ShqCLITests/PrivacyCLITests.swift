import Foundation
import ShqTestSupport
import Testing

/// Redaction, secret exclusion, -X and the no-save marker, through `shq save`.
@Suite struct SavePrivacyTests {
    @Test func secretsInTheCommandLineAreRedactedBeforeStoring() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("save", "-c", "export GITHUB_TOKEN=abc123 && mysql -uroot -phunter2 app")
        #expect(result.status == 0)
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["export GITHUB_TOKEN=[REDACTED] && mysql -uroot -p[REDACTED] app"])
    }

    @Test func forceCaptureStoresVerbatim() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-X", "-c", "export GITHUB_TOKEN=abc123")
        try fixture.shq("save", "--force-capture", "-c", "pass show mail")
        #expect(try fixture.sqlite("SELECT cmd FROM invocations ORDER BY seq") == ["export GITHUB_TOKEN=abc123", "pass show mail"])
    }

    @Test func secretProneCommandsAreNotStored() throws {
        let fixture = StoreFixture()
        try fixture.shq("save", "-c", "before")
        let result = try fixture.shq("save", "-c", "vault kv get secret/db", input: Data("s3cr3t\n".utf8))
        #expect(result.status == 0)
        #expect(result.stderrText.contains("not saved"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["before"])
    }

    @Test func userPatternsFromEnvironmentAndConfig() throws {
        let fixture = StoreFixture()
        let config = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: config.file("shq"), withIntermediateDirectories: true)
        try "# mine\nsecret_exclude = deploy-keys *:rotate*\n".write(toFile: config.file("shq/config"), atomically: true, encoding: .utf8)
        let env = ["SHQ_SECRET_EXCLUDE": "mytool login*", "XDG_CONFIG_HOME": config.path]
        try fixture.shq("save", "-c", "mytool login --user bob", environment: env)
        try fixture.shq("save", "-c", "deploy-keys show prod", environment: env)
        try fixture.shq("save", "-c", "rotate now", environment: env)
        try fixture.shq("save", "-c", "mytool logout", environment: env)
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["mytool logout"])
    }

    @Test func outputIsRedactedOnRequestOrByConfig() throws {
        let fixture = StoreFixture()
        let output = Data("ok\nAuthorization: Bearer abcdefghijklmnop\npassword=hunter2\n".utf8)
        try fixture.shq("save", "-c", "a", "--redact-output", input: output)
        try fixture.shq("save", "-c", "b", input: output)
        let config = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: config.file("shq"), withIntermediateDirectories: true)
        try "redact_output = true\n".write(toFile: config.file("shq/config"), atomically: true, encoding: .utf8)
        try fixture.shq("save", "-c", "c", input: output, environment: ["XDG_CONFIG_HOME": config.path])
        try fixture.shq("save", "-c", "d", "--no-redact-output", input: output, environment: ["XDG_CONFIG_HOME": config.path])
        let redacted = "ok\nAuthorization: Bearer [REDACTED]\npassword=[REDACTED]\n"
        let verbatim = String(decoding: output, as: UTF8.self)
        for (selector, expected) in [("~4", redacted), ("~3", verbatim), ("~2", redacted), ("~1", verbatim)] {
            let shown = try fixture.shq("show", selector, "-O")
            #expect(shown.stdoutText == expected, "\(selector)")
        }
    }

    @Test(arguments: ["\u{1B}]shq;nosave\u{07}", "\u{1B}]shq;nosave\u{1B}\\"])
    func noSaveMarkerDropsTheOutputEvenAfterChunksWereCommitted(marker: String) throws {
        let fixture = StoreFixture()
        // 600 KiB before the marker: two 256 KiB chunks are committed before the marker arrives.
        let head = String(repeating: "UNIQUE-HEAD-BYTES-\(marker.count) ", count: 600 * 1024 / 24)
        let result = try fixture.shq("save", "-c", "show-secret", input: Data((head + marker + "tail\n").utf8))
        #expect(result.status == 0)
        #expect(result.stderrText.contains("no-save marker"))
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["show-secret"])
        #expect(try fixture.sqlite("SELECT (SELECT count(*) FROM outputs) + (SELECT count(*) FROM blobs) + (SELECT count(*) FROM blob_chunks)") == ["0"])
        // The committed chunks were written to the chunk file, then erased from it.
        let chunkFile = FileManager.default.contents(atPath: fixture.database + "-chunks") ?? Data()
        #expect(!chunkFile.isEmpty)
        #expect(chunkFile.allSatisfy { $0 == 0 })
    }
}
