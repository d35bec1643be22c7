import Foundation
import ShqTestSupport
import Testing

/// `shq run CMD…` with no option before CMD skips the argument parser; these pin that it reads the line
/// exactly as the parsed forms do, and that the `r` alias is a full `shq run` (it once hung: it did not
/// block job-control signals at startup).
@Suite struct RunCommandLineTests {
    @Test func plainAndParsedFormsRecordTheSameCommand() throws {
        let fixture = StoreFixture()
        for form in [["run"], ["run", "--"], ["r"], ["r", "--"], ["run", "--color"]] {
            let result = try fixture.shq(arguments: form + ["sh", "-c", "printf '%s' \"$0\"; exit 3", "a  b"])
            #expect(result.status == 3, "\(form)")
            #expect(result.stdoutText == "a  b", "\(form)")
        }
        let rows = try fixture.sqlite("SELECT cmd || '|' || exit_code FROM invocations ORDER BY seq")
        #expect(rows == Array(repeating: #"sh -c 'printf '\''%s'\'' "$0"; exit 3' 'a  b'|3"#, count: 5))
        #expect(try fixture.sqlite("SELECT count(*) FROM outputs WHERE stream = 'stdout' AND bytes = 4") == ["5"])
    }

    @Test func plainFormHonoursTheEnvironmentDefaults() throws {
        let fixture = StoreFixture()
        let result = try fixture.shq("run", "head", "-c", "8192", "/dev/zero", environment: ["SHQ_CAPTURE_CAP": "2K"])
        #expect(result.status == 0 && result.stdout.count == 8192)
        #expect(try fixture.sqlite("SELECT bytes || ',' || truncated FROM outputs WHERE stream = 'stdout'") == ["2048,1"])
    }

    /// A capture that grew the WAL leaves it empty: the next shq process would re-read all of it.
    @Test func largeCaptureLeavesTheWALEmpty() throws {
        let fixture = StoreFixture()
        // 8 MB: its chunks' bytes go to the chunk file, their rows and summaries (~40 KB each) to the WAL.
        let result = try fixture.shq("run", "head", "-c", "8000000", "/dev/urandom")
        #expect(result.status == 0 && result.stdout.count == 8_000_000)
        // Before sqlite3 opens the store: closing, it would checkpoint and delete the WAL itself.
        let wal = try FileManager.default.attributesOfItem(atPath: fixture.database + "-wal")[.size] as? Int
        #expect(wal == 0)
        #expect(try fixture.sqlite("SELECT bytes FROM outputs WHERE stream = 'stdout'") == ["8000000"])
    }

    @Test func helpAndErrorsStillComeFromTheParser() throws {
        let fixture = StoreFixture()
        let help = try fixture.shq("r", "--help")
        #expect(help.status == 0 && help.stdoutText.contains("USAGE: shq run"))
        let bad = try fixture.shq("run", "--capture-cap", "lots", "true")
        #expect(bad.status != 0 && bad.stderrText.contains("--capture-cap 'lots'"))
    }

    /// A subcommand is parsed on its own for speed; its `--help` must still be the full help of `shq`.
    @Test func subcommandHelpIsTheHelpOfShq() throws {
        let fixture = StoreFixture()
        let direct = try fixture.shq("history", "--help")
        let viaHelp = try fixture.shq("help", "history")
        #expect(direct.status == 0 && direct.stdoutText.contains("USAGE: shq history"))
        #expect(direct.stdoutText == viaHelp.stdoutText)
    }

    /// A mistyped command gets a suggestion, as git gives; `help` with an unknown name is an error, not the
    /// top help.
    @Test func typosAreNamedWithTheNearestCommand() throws {
        let fixture = StoreFixture()
        let typo = try fixture.shq("histroy")
        #expect(typo.status == 64)
        #expect(typo.stderrText == "shq: 'histroy' is not a shq command; did you mean history?\n")
        #expect(typo.stdoutText.isEmpty)
        let help = try fixture.shq("help", "histroy")
        #expect(help.status == 64)
        #expect(help.stderrText == "shq: help: no command or topic 'histroy'; did you mean history?\n")
        #expect(help.stdoutText.isEmpty)
        #expect(try fixture.shq("serch", "x").stderrText.hasSuffix("did you mean search?\n"))
        #expect(try fixture.shq("frobnicate").stderrText == "shq: 'frobnicate' is not a shq command; see shq --help for the commands\n")
        // Names, aliases and topics still work.
        #expect(try fixture.shq("help", "selectors").stdoutText.contains("SELECTOR"))
        #expect(try fixture.shq("help", "i").status == 0)
        #expect(try fixture.shq("help").stdoutText.contains("SUBCOMMANDS"))
        #expect(try fixture.shq("help", "hook", "init").status == 0)
    }
}

@Suite struct CaptureCapSettingTests {
    /// `capture_cap` in the config file caps what is stored; `SHQ_CAPTURE_CAP` and the flag override it.
    @Test func theConfigKeyCapsTheStoredOutput() throws {
        let fixture = StoreFixture()
        let config = fixture.directory.file("config")
        try FileManager.default.createDirectory(atPath: config + "/shq", withIntermediateDirectories: true)
        try "capture_cap = 4K\n".write(toFile: config + "/shq/config", atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": config]
        let run = try fixture.shq("run", "head", "-c", "100000", "/dev/zero", environment: environment)
        #expect(run.stdout.count == 100_000)
        let fromEnvironment = environment.merging(["SHQ_CAPTURE_CAP": "8K"]) { $1 }
        try fixture.shq("run", "head", "-c", "100000", "/dev/zero", environment: fromEnvironment)
        try fixture.shq("run", "--capture-cap", "200K", "head", "-c", "100000", "/dev/zero", environment: fromEnvironment)
        let stored = try fixture.sqlite("SELECT bytes, truncated FROM outputs WHERE stream = 'stdout' ORDER BY invocation")
        #expect(stored == ["4096|1", "8192|1", "100000|0"])
    }
}
