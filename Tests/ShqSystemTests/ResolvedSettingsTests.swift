import ShqSystem
import Testing

@Suite struct ResolvedSettingsTests {
    typealias Flags = ResolvedSettings.Flags

    func resolve(_ flags: Flags = Flags(), environment: [String: String] = [:], config: String = "") -> ResolvedSettings {
        ResolvedSettings(flags: flags, environment: { environment[$0] }, config: Settings(parsing: config))
    }

    @Test func settingsFileSyntax() {
        let settings = Settings(parsing: "# comment\n  redact_output = yes \nsecret_exclude=a*:b*\nbroken line\n = x\nrun_pty=off\r\n")
        #expect(settings.bool("redact_output") == true)
        #expect(settings["secret_exclude"] == "a*:b*")
        #expect(settings.bool("run_pty") == false)
        #expect(settings.values.count == 3)
        #expect(Settings.load(path: "/nonexistent/shq/config") == Settings())
    }

    @Test func nothingSetGivesTheDefaults() {
        let settings = resolve()
        #expect(settings.captureCap == 32 << 20)
        #expect(settings.pty == .off)
        #expect(!settings.redactOutput)
        #expect(settings.secretExclude.isEmpty)
    }

    @Test func syncSettingsFlagThenEnvironmentThenConfig() {
        let config = "sync_url = postgresql://config/db\nsync_every = 10m\nsync_encrypt = false"
        #expect(resolve().syncURL == nil)
        #expect(resolve().syncEncrypt)
        #expect(resolve().syncEvery == nil)
        #expect(resolve(config: config).syncURL == "postgresql://config/db")
        #expect(resolve(config: config).syncEvery == "10m")
        #expect(!resolve(config: config).syncEncrypt)
        let environment = ["SHQ_SYNC_URL": "host=/run/postgresql dbname=shq", "SHQ_SYNC_EVERY": "1h"]
        #expect(resolve(environment: environment, config: config).syncURL == "host=/run/postgresql dbname=shq")
        #expect(resolve(environment: environment, config: config).syncEvery == "1h")
        let flags = Flags(syncURL: "postgresql://flag/db", syncEncrypt: false)
        #expect(resolve(flags, environment: environment, config: config).syncURL == "postgresql://flag/db")
        #expect(!resolve(flags).syncEncrypt)
        #expect(resolve(environment: ["SHQ_SYNC_URL": ""], config: config).syncURL == "postgresql://config/db")
    }

    @Test func syncOutputsEnvironmentThenConfigThenOff() {
        #expect(!resolve().syncOutputs)
        #expect(resolve(config: "sync_outputs = true").syncOutputs)
        #expect(!resolve(config: "sync_outputs = false").syncOutputs)
        #expect(!resolve(environment: ["SHQ_SYNC_OUTPUTS": "0"], config: "sync_outputs = true").syncOutputs)
        #expect(resolve(environment: ["SHQ_SYNC_OUTPUTS": "1"], config: "sync_outputs = false").syncOutputs)
        #expect(resolve(environment: ["SHQ_SYNC_OUTPUTS": ""], config: "sync_outputs = true").syncOutputs)
    }

    @Test func captureCapFlagThenEnvironmentThenConfig() {
        let environment = ["SHQ_CAPTURE_CAP": "2M"]
        let config = "capture_cap = 5M"
        #expect(resolve(Flags(captureCap: "1K"), environment: environment, config: config).captureCap == 1024)
        #expect(resolve(environment: environment, config: config).captureCap == 2 << 20)
        #expect(resolve(config: config).captureCap == 5 << 20)
        // What does not parse counts as unset: the next source decides.
        #expect(resolve(environment: ["SHQ_CAPTURE_CAP": "lots"], config: config).captureCap == 5 << 20)
        #expect(resolve(environment: ["SHQ_CAPTURE_CAP": ""], config: "capture_cap = x").captureCap == 32 << 20)
    }

    @Test func ptyFlagThenEnvironmentThenConfig() {
        #expect(resolve(Flags(pty: true), environment: ["SHQ_RUN_PTY": "0"]).pty == .requested)
        #expect(resolve(Flags(pty: false), environment: ["SHQ_RUN_PTY": "1"]).pty == .off)
        #expect(resolve(environment: ["SHQ_RUN_PTY": "1"]).pty == .byDefault)
        #expect(resolve(environment: ["SHQ_RUN_PTY": "0"], config: "run_pty = true").pty == .off)
        #expect(resolve(config: "run_pty = true").pty == .byDefault)
    }

    @Test func redactOutputFlagThenConfigNeverWithForceCapture() {
        #expect(resolve(config: "redact_output = on").redactOutput)
        #expect(!resolve(Flags(redactOutput: false), config: "redact_output = on").redactOutput)
        #expect(resolve(Flags(redactOutput: true)).redactOutput)
        #expect(!resolve(Flags(redactOutput: true, forceCapture: true)).redactOutput)
        #expect(!resolve(Flags(forceCapture: true), config: "redact_output = on").redactOutput)
    }

    @Test func secretPatternsFromEnvironmentAndConfigTogether() {
        let settings = resolve(environment: ["SHQ_SECRET_EXCLUDE": "a *:b*"], config: "secret_exclude = c::d")
        #expect(settings.secretExclude == ["a *", "b*", "c", "d"])
    }

    @Test(arguments: [
        ("1024", 1024), ("64K", 65536), ("64k", 65536), ("64M", 64 << 20), ("1G", 1 << 30), ("512KiB", 512 << 10),
        ("2MB", 2 << 20), ("0", 0),
    ] as [(String, Int64)])
    func parsesSizes(text: String, bytes: Int64) {
        #expect(ResolvedSettings.parseSize(text) == bytes)
    }

    @Test(arguments: ["", "K", "-1", "12X", "1.5M", "99999999999999999999G"])
    func rejectsNonsenseSizes(text: String) {
        #expect(ResolvedSettings.parseSize(text) == nil)
    }
}
