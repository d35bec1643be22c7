import Foundation
import ShqTestSupport
import Testing

/// Without a terminal (CI, cron, a pipe) `--pty` falls back to pipes: a one-line note when asked for
/// on the command line, silence when it is only the default (`SHQ_RUN_PTY=1`).
@Suite struct PtyFallbackTests {
    @Test func explicitPtyWithoutTerminalUsesPipesWithANote() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("run", "--pty", "sh", "-c", "echo out; echo err >&2")
        #expect(result.status == 0)
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "shq: note: --pty: stdin is not the controlling terminal; capturing through pipes\nerr\n")
        #expect(try fixture.sqlite("SELECT stream || '=' || bytes FROM outputs ORDER BY stream") == ["stderr=4", "stdout=4"])
    }

    @Test func defaultPtyWithoutTerminalIsSilent() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("run", "sh", "-c", "exit 3", environment: ["SHQ_RUN_PTY": "1"])
        #expect(result.status == 3)
        #expect(result.stderrText == "")
    }

    @Test func noPtyOverridesTheDefault() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("run", "--no-pty", "echo", "hi", environment: ["SHQ_RUN_PTY": "1"])
        #expect(result.stdoutText == "hi\n")
        #expect(try fixture.sqlite("SELECT stream FROM outputs ORDER BY stream") == ["stderr", "stdout"])
    }

    @Test func theMonitorIsNotAUserCommand() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("__pty-monitor")
        #expect(result.status == 125)
        #expect(result.stderrText.contains("internal to `shq run --pty`"))
    }
}
