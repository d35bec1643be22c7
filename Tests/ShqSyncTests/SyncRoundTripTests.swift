import Foundation
import ShqTestSupport
import Testing

/// `shq sync` between stores ("machines") through a PostgreSQL server the test starts.
@Suite(.serialized, .enabled(if: PostgresServer.isAvailable, "needs root and PostgreSQL's server programs (make deps installs postgresql)"))
struct SyncRoundTripTests {
    let machines: SyncMachines

    init() throws { machines = try SyncMachines() }

    @Test func pushesSealedRecordsAndPullsThemOnAnotherMachineWithTheKey() throws {
        let a = try machines.machine(), b = try machines.machine()
        try a.shq("save", "-c", "echo secret-marker-7781", "--cwd", "/srv/private-dir")
        try a.addRecords(2, prefix: "laptop", host: "laptop")
        #expect(try a.sync() == "pushed 3, pulled 0, 0 deleted")
        #expect(FileManager.default.fileExists(atPath: a.keyPath))
        let mode = try FileManager.default.attributesOfItem(atPath: a.keyPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The server holds ids, hosts, times and ciphertext: no command line, no directory.
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["3"])
        #expect(try machines.psql("""
            SELECT count(*) FROM shq_records WHERE position(convert_to('secret-marker', 'UTF8') IN payload) > 0
               OR position(convert_to('private-dir', 'UTF8') IN payload) > 0 OR cmd IS NOT NULL OR cwd IS NOT NULL
            """) == ["0"])

        let key = try a.shq("sync", "key")
        #expect(key.status == 0)
        let imported = try b.shq("sync", "key", "--import", key.stdoutText)
        #expect(imported.status == 0, "\(imported.stderrText)")
        #expect(try b.sync() == "pushed 0, pulled 3 from 2 hosts, 0 deleted")
        #expect(try b.commands() == a.commands())
        #expect(try b.store.sqlite("SELECT cwd FROM invocations WHERE cmd LIKE 'echo secret%'") == ["/srv/private-dir"])

        // Idempotent: nothing moves a second time, on either machine.
        #expect(try a.sync() == "pushed 0, pulled 0, 0 deleted")
        #expect(try b.sync() == "pushed 0, pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["3"])

        // B's own records reach A, with B's host.
        try b.addRecords(4, prefix: "desktop", host: "desktop")
        #expect(try b.sync() == "pushed 4, pulled 0, 0 deleted")
        #expect(try a.sync() == "pushed 0, pulled 4 from 1 host, 0 deleted")
        #expect(try a.commands() == b.commands())
        #expect(try a.store.sqlite("SELECT count(*) FROM invocations WHERE host = 'desktop'") == ["4"])
        // Status: the last success, nothing waiting, each host on the server with its records.
        let status = try a.shq("sync", "status")
        #expect(status.status == 0)
        #expect(!status.stdoutText.contains("last sync: never"))
        #expect(status.stdoutText.contains("waiting: 0 records, 0 deletions\nserver: 3 hosts\n"), "\(status.stdoutText)")
        #expect(status.stdoutText.contains("  desktop: 4 records, latest "))
        #expect(status.stdoutText.contains("  laptop: 2 records, latest "))
        // `--host .` narrows to this machine's own commands.
        let here = try a.shq("history", "--host", ".").stdoutText
        #expect(here.contains("echo secret-marker-7781"))
        #expect(!here.contains("desktop-1") && !here.contains("laptop-1"))
        #expect(try a.shq("history", "--host", "desktop").stdoutText.contains("desktop-1"))
    }

    @Test func aMachineWithoutTheKeyIsRefusedBeforeAnythingIsWritten() throws {
        let a = try machines.machine(), b = try machines.machine()
        try a.addRecords(3, prefix: "a", host: "a")
        try a.sync()
        try b.addRecords(2, prefix: "b", host: "b")
        let before = try b.store.sqlite("SELECT * FROM invocation_rows; SELECT * FROM sync_state")
        let refused = try b.shq("sync")
        #expect(refused.status != 0)
        #expect(refused.stderrText.hasPrefix("shq: sync: the server's history is sealed with another key"))
        #expect(refused.stderrText.contains("shq sync key --import"))
        #expect(try b.store.sqlite("SELECT * FROM invocation_rows; SELECT * FROM sync_state") == before)
        #expect(!FileManager.default.fileExists(atPath: b.keyPath), "no key is kept from a refused first sync")
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["3"])

        // A corrupt key file is refused too, with the way out.
        try "not a key\n".write(toFile: b.keyPath, atomically: true, encoding: .utf8)
        chmod(b.keyPath, 0o600)
        let corrupt = try b.shq("sync")
        #expect(corrupt.status != 0)
        #expect(corrupt.stderrText.contains("not a sync key"))
    }

    @Test func aTamperedRowIsRefusedAndNothingIsApplied() throws {
        let a = try machines.machine(), b = try machines.machine()
        try a.addRecords(5, prefix: "a", host: "a")
        try a.sync()
        try b.shq("sync", "key", "--import", try a.shq("sync", "key").stdoutText)
        // One bit of one record's sealed bytes flipped on the server.
        try machines.psql("""
            UPDATE shq_records SET payload = set_byte(payload, 40, get_byte(payload, 40) # 1)
            WHERE seq = (SELECT max(seq) FROM shq_records)
            """)
        let refused = try b.shq("sync")
        #expect(refused.status != 0)
        #expect(refused.stderrText.contains("does not open with this machine's key"), "\(refused.stderrText)")
        #expect(try b.count() == 0)
        #expect(try b.store.sqlite("SELECT value FROM sync_state WHERE key = 'pulled_records'") == ["0"])

        // A record moved to another host on the server is refused the same way (the host is sealed in).
        try machines.psql("UPDATE shq_records SET payload = set_byte(payload, 40, get_byte(payload, 40) # 1) WHERE seq = (SELECT max(seq) FROM shq_records)")
        #expect(try b.sync() == "pushed 0, pulled 5 from 1 host, 0 deleted")
        try a.addRecords(1, prefix: "moved", host: "a")
        try a.sync()
        try machines.psql("UPDATE shq_records SET host = 'elsewhere' WHERE seq = (SELECT max(seq) FROM shq_records)")
        #expect(try b.shq("sync").status != 0)
        #expect(try b.count() == 5)
    }

    @Test func aServerFromANewerShqIsRefusedWithAMessage() throws {
        let a = try machines.machine()
        try a.sync()
        try machines.psql("UPDATE shq_meta SET value = '99' WHERE key = 'schema_version'")
        let refused = try a.shq("sync")
        #expect(refused.status == 1)
        #expect(refused.stderrText == "shq: sync: the server's history was made by a newer shq (server schema 99, this shq knows 1): upgrade shq on this machine\n")
    }

    @Test func noServerConfiguredSaysHowToSetOne() throws {
        let a = try machines.machine()
        let result = try a.store.shq(arguments: ["sync"], environment: ["SHQ_SYNC_URL": ""])
        #expect(result.status == 1)
        #expect(result.stderrText.hasPrefix("shq: sync: no server: set sync_url"))
    }

    @Test func clockSkewKeepsEveryRecordAtItsOwnTime() throws {
        let a = try machines.machine(), b = try machines.machine()
        try a.addRecords(3, prefix: "ahead", host: "fast-clock", hoursAgo: -5)
        try a.sync()
        try b.shq("sync", "key", "--import", try a.shq("sync", "key").stdoutText)
        try b.addRecords(3, prefix: "behind", host: "slow-clock", hoursAgo: 7)
        #expect(try b.sync() == "pushed 3, pulled 3 from 1 host, 0 deleted")
        #expect(try a.sync() == "pushed 0, pulled 3 from 1 host, 0 deleted")
        for machine in [a, b] {
            let ordered = try machine.store.sqlite("SELECT cmd FROM invocations ORDER BY started_at")
            #expect(ordered == ["behind-1", "behind-2", "behind-3", "ahead-1", "ahead-2", "ahead-3"])
        }
    }

    @Test func syncEveryRunsAfterTheBackgroundIngestWhenDue() throws {
        let a = try machines.machine()
        try a.addRecords(2, prefix: "auto", host: "a")
        let plain = try a.store.shq(arguments: ["hook", "ingest", "--background"], environment: ["SHQ_SYNC_URL": machines.url])
        #expect(plain.status == 0)
        #expect(try machines.psql("SELECT count(*) FROM pg_tables WHERE tablename = 'shq_records'") == ["0"], "no sync_every: no sync")
        let every = ["SHQ_SYNC_URL": machines.url, "SHQ_SYNC_EVERY": "10m"]
        #expect(try a.store.shq(arguments: ["hook", "ingest", "--background"], environment: every).status == 0)
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["2"])
        // Not due again for ten minutes: the next background ingest leaves the new record waiting.
        try a.addRecords(1, prefix: "later", host: "a")
        try a.store.shq(arguments: ["hook", "ingest", "--background"], environment: every)
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["2"])
        #expect(try a.shq("sync", "status").stdoutText.contains("waiting: 1 record, 0 deletions"))
    }

    @Test func aPlainServerStoresQueryableRowsAndAnEncryptingClientStaysOut() throws {
        let a = try machines.machine(), b = try machines.machine()
        try a.shq("save", "-c", "make deploy", "--cwd", "/srv/app")
        #expect(try a.sync("--no-encrypt") == "pushed 1, pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT cmd, cwd FROM shq_records") == ["make deploy|/srv/app"])
        #expect(!FileManager.default.fileExists(atPath: a.keyPath))
        let refused = try b.shq("sync")
        #expect(refused.status == 1)
        #expect(refused.stderrText.contains("the server stores plain rows"))
        #expect(try b.count() == 0)
        #expect(try b.sync("--no-encrypt") == "pushed 0, pulled 1 from 1 host, 0 deleted")
    }
}
