import Foundation
import ShqTestSupport
import Testing

/// The privacy rules reach `shq run` as they reach `shq save`: the command line is redacted or skipped,
/// the no-save marker drops the output, --redact-output redacts it. The command always runs and relays.
@Suite struct RunPrivacyTests {
    @Test func noSaveMarkerDropsTheStoredOutputButNotTheRelay() throws {
        let fixture = StoreFixture()
        // 600 KiB first, so chunks were already committed when the marker arrives.
        let script = "head -c 614400 /dev/zero | tr '\\0' a; printf 'secret\\033]shq;nosave\\007'; echo tail >&2"
        let run = try fixture.shq("run", "sh", "-c", script)
        #expect(run.status == 0)
        #expect(run.stdout.count == 614_400 + 6 + 13)
        #expect(run.stderrText == "tail\n")
        #expect(try fixture.sqlite("SELECT count(*) FROM outputs") == ["0"])
        #expect(try fixture.sqlite("SELECT count(*) FROM blob_chunks") == ["0"])
        #expect(try fixture.sqlite("SELECT status FROM invocations") == ["completed"])
    }

    @Test func redactOutputRedactsWhatIsStoredOnly() throws {
        let fixture = StoreFixture()
        let run = try fixture.shq("run", "--redact-output", "sh", "-c", "echo 'export API_TOKEN=abcdef123456'; echo plain")
        #expect(run.stdoutText == "export API_TOKEN=abcdef123456\nplain\n")
        let stored = try fixture.shq("show", "-O").stdoutText
        #expect(stored == "export API_TOKEN=[REDACTED]\nplain\n")
        let verbatim = try fixture.shq("run", "sh", "-c", "echo 'export API_TOKEN=abcdef123456'")
        #expect(verbatim.status == 0)
        #expect(try fixture.shq("show", "-O").stdoutText == "export API_TOKEN=abcdef123456\n")
    }

    @Test func commandLineIsRedactedAndSecretProneCommandsAreNotRecorded() throws {
        let fixture = StoreFixture()
        try fixture.shq("run", "-c", "true --password hunter2")
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["true --password [REDACTED]"])
        let skipped = try fixture.shq("run", "-c", "printenv MY_TOKEN; echo ran")
        #expect(skipped.stdoutText == "ran\n")
        #expect(try fixture.sqlite("SELECT count(*) FROM invocations") == ["1"])
        let forced = try fixture.shq("run", "-X", "-c", "true --password hunter2")
        #expect(forced.status == 0)
        #expect(try fixture.sqlite("SELECT cmd FROM invocations ORDER BY seq DESC LIMIT 1") == ["true --password hunter2"])
    }

    @Test func disabledAndIgnoredCommandsRunUnrecorded() throws {
        let fixture = StoreFixture()
        let disabled = try fixture.shq(arguments: ["run", "echo", "hi"], environment: ["SHQ_DISABLED": "1"])
        #expect(disabled.stdoutText == "hi\n")
        let excluded = try fixture.shq(arguments: ["run", "echo", "skip me"], environment: ["SHQ_EXCLUDE": "echo *skip*"])
        #expect(excluded.stdoutText == "skip me\n")
        try fixture.shq("run", "true")
        #expect(try fixture.sqlite("SELECT cmd FROM invocations") == ["true"])
    }
}
