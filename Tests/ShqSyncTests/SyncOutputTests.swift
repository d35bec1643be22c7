import Foundation
import ShqTestSupport
import Testing

/// `sync_outputs = true`: outputs travel sealed, capped per stream, and go where their record goes.
@Suite(.serialized, .enabled(if: PostgresServer.isAvailable, "needs root and PostgreSQL's server programs (make deps installs postgresql)"))
struct SyncOutputTests {
    let machines: SyncMachines

    init() throws { machines = try SyncMachines() }

    /// A and B sharing a key, both with `SHQ_SYNC_OUTPUTS=1`.
    private func pair() throws -> (Machine, Machine) {
        let a = try machines.machine(), b = try machines.machine()
        a.extraEnvironment["SHQ_SYNC_OUTPUTS"] = "1"
        b.extraEnvironment["SHQ_SYNC_OUTPUTS"] = "1"
        try a.sync()
        try b.shq("sync", "key", "--import", try a.shq("sync", "key").stdoutText)
        return (a, b)
    }

    @Test func anOutputTravelsSealedAndShowsOnTheOtherMachine() throws {
        let (a, b) = try pair()
        let run = try a.shq("run", "--", "sh", "-c", "echo out-marker-5521; echo err-marker-5521 >&2")
        #expect(run.status == 0)
        #expect(try a.sync() == "pushed 1, pulled 0, 0 deleted; outputs: pushed 2, pulled 0")
        // Sealed: neither stream's text is on the server, and no readable column is filled.
        #expect(try machines.psql("SELECT count(*) FROM shq_outputs") == ["2"])
        #expect(try machines.psql("""
            SELECT count(*) FROM shq_outputs WHERE position(convert_to('marker-5521', 'UTF8') IN payload) > 0 OR output IS NOT NULL
            """) == ["0"])
        #expect(try b.sync() == "pushed 0, pulled 1 from 1 host, 0 deleted; outputs: pushed 0, pulled 2")
        #expect(try b.shq("show", "@1", "-O").stdoutText == "out-marker-5521\n")
        #expect(try b.shq("show", "@1", "-E").stdoutText == "err-marker-5521\n")
        // Nothing moves again, and B does not push A's outputs back.
        #expect(try b.sync() == "pushed 0, pulled 0, 0 deleted")
        #expect(try a.sync() == "pushed 0, pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT count(*) FROM shq_outputs") == ["2"])
    }

    @Test func eachStreamCarriesItsLastMebibyteOnly() throws {
        let (a, b) = try pair()
        // 3 MiB of x, then a last line: the store keeps all of it, the sync the last MiB.
        let run = try a.shq("run", "--", "sh", "-c", "head -c 3145728 /dev/zero | tr '\\0' x; echo; echo last-line-9034")
        #expect(run.status == 0)
        #expect(try a.store.sqlite("SELECT bytes, truncated FROM outputs WHERE stream = 'stdout'") == ["3145744|0"])
        try a.sync()
        try b.sync()
        let stored = try b.store.sqlite("SELECT bytes, truncated FROM outputs WHERE stream = 'stdout'")
        #expect(stored.count == 1)
        let fields = stored.first?.split(separator: "|").map(String.init) ?? []
        let bytes = Int(fields.first ?? "") ?? 0
        #expect(bytes > 512 * 1024 && bytes <= 1 << 20, "\(stored)")
        #expect(fields.last == "1", "marked truncated")
        let shown = try b.shq("show", "@1", "-O").stdoutText
        #expect(shown.hasSuffix("xxx\nlast-line-9034\n"))
        #expect(shown.utf8.count == bytes)
    }

    @Test func aTamperedOutputIsRefusedAndNothingIsApplied() throws {
        let (a, b) = try pair()
        try b.sync()  // B has its cursors: a refused pull must leave them as they are
        try a.shq("run", "--", "sh", "-c", "echo tamper-me")
        try a.sync()
        try machines.psql("""
            UPDATE shq_outputs SET payload = overlay(payload PLACING set_byte(substring(payload FROM 30 FOR 1), 0,
                get_byte(substring(payload FROM 30 FOR 1), 0) # 1) FROM 30 FOR 1)
            """)
        let before = try b.store.sqlite("SELECT count(*) FROM invocation_rows; SELECT * FROM sync_state ORDER BY key")
        let refused = try b.shq("sync")
        #expect(refused.status != 0)
        #expect(refused.stderrText.hasPrefix("shq: sync: the "), "\(refused.stderrText)")
        #expect(refused.stderrText.contains(" output of record "))
        #expect(refused.stderrText.contains("nothing was applied here"))
        #expect(try b.store.sqlite("SELECT count(*) FROM invocation_rows; SELECT * FROM sync_state ORDER BY key") == before)
    }

    @Test func anOutputMovedToAnotherStreamIsRefused() throws {
        let (a, b) = try pair()
        try a.shq("run", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2")
        try a.sync()
        try machines.psql("UPDATE shq_outputs SET stream = 'moving' WHERE stream = 'stdout'")
        try machines.psql("UPDATE shq_outputs SET stream = 'stdout' WHERE stream = 'stderr'")
        try machines.psql("UPDATE shq_outputs SET stream = 'stderr' WHERE stream = 'moving'")
        let refused = try b.shq("sync")
        #expect(refused.status != 0)
        #expect(refused.stderrText.contains("does not open with this machine's key"), "\(refused.stderrText)")
        #expect(try b.count() == 0)
    }

    @Test func aForgottenCommandTakesItsOutputAlongEverywhere() throws {
        let (a, b) = try pair()
        try a.shq("run", "--", "sh", "-c", "echo forget-my-output")
        try a.shq("run", "--", "sh", "-c", "echo keep-my-output")
        try a.sync()
        try b.sync()
        #expect(try b.store.sqlite("SELECT count(*) FROM outputs") == ["4"])
        #expect(try a.shq("forget", "-y", "%/forget-my-output/").status == 0)
        #expect(try a.sync() == "pushed 0 (and 1 deletion), pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT count(*) FROM shq_outputs") == ["2"])
        #expect(try b.sync() == "pushed 0, pulled 0, 1 deleted")
        #expect(try b.store.sqlite("SELECT count(*) FROM outputs") == ["2"])
        #expect(try b.store.sqlite("SELECT count(*) FROM blobs WHERE id NOT IN (SELECT blob FROM outputs WHERE blob IS NOT NULL)") == ["0"])
        #expect(try b.shq("show", "@1", "-O").stdoutText == "keep-my-output\n")
    }

    @Test func aMachineWithSyncOutputsOffPullsRecordsButNotOutputsUntilItTurnsItOn() throws {
        let (a, _) = try pair()
        let c = try machines.machine()
        try c.shq("sync", "key", "--import", try a.shq("sync", "key").stdoutText)
        try a.shq("run", "--", "sh", "-c", "echo only-with-outputs")
        try a.sync()
        #expect(try c.sync() == "pushed 0, pulled 1 from 1 host, 0 deleted")
        #expect(try c.store.sqlite("SELECT count(*) FROM outputs") == ["0"])
        // Its own outputs stay home too.
        try c.shq("run", "--", "sh", "-c", "echo c-output")
        #expect(try c.sync() == "pushed 1, pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT count(*) FROM shq_outputs") == ["2"])
        // Turned on: what it missed comes, what it kept goes.
        c.extraEnvironment["SHQ_SYNC_OUTPUTS"] = "1"
        #expect(try c.sync() == "pushed 0, pulled 0, 0 deleted; outputs: pushed 2, pulled 2")
        #expect(try c.shq("show", "-O", "%/only-with-outputs/").stdoutText == "only-with-outputs\n")
    }

    @Test func aServerMadeBeforeOutputsGetsTheTableAndKeepsItsRecords() throws {
        let (a, b) = try pair()
        try a.addRecords(2, prefix: "old", host: "a")
        try a.sync()
        // As the previous shq left it: no shq_outputs.
        try machines.psql("DROP TABLE shq_outputs")
        try a.shq("run", "--", "sh", "-c", "echo after-upgrade")
        #expect(try a.sync() == "pushed 1, pulled 0, 0 deleted; outputs: pushed 2, pulled 0")
        #expect(try machines.psql("SELECT value FROM shq_meta WHERE key = 'schema_version'") == ["1"])
        #expect(try b.sync() == "pushed 0, pulled 3 from 2 hosts, 0 deleted; outputs: pushed 0, pulled 2")
        #expect(try b.shq("show", "@1", "-O").stdoutText == "after-upgrade\n")
    }

    @Test func aPlainServerKeepsOutputsReadable() throws {
        let a = try machines.machine(), b = try machines.machine()
        a.extraEnvironment["SHQ_SYNC_OUTPUTS"] = "1"
        b.extraEnvironment["SHQ_SYNC_OUTPUTS"] = "1"
        try a.shq("run", "--", "sh", "-c", "echo plain-output-3310")
        #expect(try a.sync("--no-encrypt") == "pushed 1, pulled 0, 0 deleted; outputs: pushed 2, pulled 0")
        #expect(try machines.psql("SELECT replace(output, E'\\n', '|') FROM shq_outputs WHERE stream = 'stdout'") == ["plain-output-3310|"])
        #expect(try b.sync("--no-encrypt") == "pushed 0, pulled 1 from 1 host, 0 deleted; outputs: pushed 0, pulled 2")
        #expect(try b.shq("show", "@1", "-O").stdoutText == "plain-output-3310\n")
    }
}
