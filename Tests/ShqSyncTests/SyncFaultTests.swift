import Foundation
import ShqTestSupport
import Testing

/// Deletions travelling, a server that is down, kills mid-sync, machines syncing at the same moment.
@Suite(.serialized, .enabled(if: PostgresServer.isAvailable, "needs root and PostgreSQL's server programs (make deps installs postgresql)"))
struct SyncFaultTests {
    let machines: SyncMachines

    init() throws { machines = try SyncMachines() }

    private func pair() throws -> (Machine, Machine) {
        let a = try machines.machine(), b = try machines.machine()
        try a.sync()
        try b.shq("sync", "key", "--import", try a.shq("sync", "key").stdoutText)
        return (a, b)
    }

    @Test func aForgottenCommandIsGoneOnTheOtherMachineAndStaysGone() throws {
        let (a, b) = try pair()
        try a.shq("save", "-c", "echo regret-7781")
        try a.addRecords(2, prefix: "keep", host: "a")
        try a.sync()
        #expect(try b.sync() == "pushed 0, pulled 3 from 2 hosts, 0 deleted")
        // B as it is now, to bring back later: a machine that was off while the deletion travelled.
        let stale = b.store.directory.file("stale.db")
        _ = try b.store.sqlite("VACUUM INTO '\(stale)'")

        let forgot = try a.shq("forget", "-y", "%/regret/")
        #expect(forgot.status == 0, "\(forgot.stderrText)")
        #expect(try a.sync() == "pushed 0 (and 1 deletion), pulled 0, 0 deleted")
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["2"])
        #expect(try b.sync() == "pushed 0, pulled 0, 1 deleted")
        #expect(try b.commands() == ["keep-1", "keep-2"])

        // The stale copy comes back on B: the next sync deletes it again, and A never sees it.
        try FileManager.default.removeItem(atPath: b.store.database)
        try FileManager.default.copyItem(atPath: stale, toPath: b.store.database)
        #expect(try b.count() == 3)
        #expect(try b.sync() == "pushed 0, pulled 0, 1 deleted")
        #expect(try b.commands() == ["keep-1", "keep-2"])
        #expect(try a.sync() == "pushed 0, pulled 0, 0 deleted")
        #expect(try a.commands() == ["keep-1", "keep-2"])
    }

    @Test func theServerRefusesACopyOfADeletedRecordFromAMachineThatNeverSawTheDeletion() throws {
        let (a, b) = try pair()
        try a.addRecords(1, prefix: "doomed", host: "a")
        let id = try a.store.sqlite("SELECT hex(id) FROM invocation_rows WHERE cmd = 'doomed-1'")[0]
        try a.sync()
        try a.shq("forget", "-y", "%/doomed/")
        try a.sync()
        // B gets a record with the same id from elsewhere (an old backup, say) and pushes it.
        _ = try b.store.sqlite(StoreFixture.insertInvocationSQL([
            "id": "'\(id)'", "cmd": "'doomed-1'", "source": "'save'", "started_at": "1", "status": "'completed'",
        ]))
        #expect(try b.sync() == "pushed 0, pulled 0, 1 deleted")
        #expect(try b.count() == 0)
        #expect(try machines.psql("SELECT count(*) FROM shq_records") == ["0"])
        #expect(try a.sync() == "pushed 0, pulled 0, 0 deleted")
    }

    @Test func pruneLeavesTombstonesOnceTheStoreHasSynced() throws {
        let (a, b) = try pair()
        try a.addRecords(3, prefix: "old", host: "a", hoursAgo: 24 * 40)
        try a.addRecords(2, prefix: "new", host: "a")
        try a.sync()
        try b.sync()
        try a.shq("prune", "--older-than", "30d")
        #expect(try a.sync() == "pushed 0 (and 3 deletions), pulled 0, 0 deleted")
        #expect(try b.sync() == "pushed 0, pulled 0, 3 deleted")
        #expect(try b.commands() == ["new-1", "new-2"])
    }

    @Test func aStoreThatNeverSyncedKeepsNoTraceOfWhatItForgets() throws {
        let a = try machines.machine()
        try a.addRecords(2, prefix: "x", host: "a")
        try a.shq("forget", "-y", "%/x-1/")
        #expect(try a.store.sqlite("SELECT count(*) FROM sync_tombstones") == ["0"])
    }

    @Test func aServerThatIsDownFailsFastAndTheNextSyncCatchesUp() throws {
        let (a, b) = try pair()
        try a.addRecords(3, prefix: "offline", host: "a")
        try machines.server.stop()
        let started = Date()
        let failed = try a.shq("sync")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(failed.status == 1)
        #expect(failed.stderrText.hasPrefix("shq: sync: cannot reach the server: "), "\(failed.stderrText)")
        #expect(failed.stderrText.split(separator: "\n").count == 1)
        // Recording and queries do not need the server.
        #expect(try a.shq("save", "-c", "still-recording").status == 0)
        #expect(try a.shq("history").stdoutText.contains("still-recording"))
        let status = try a.shq("sync", "status")
        #expect(status.status == 1)
        #expect(status.stdoutText.contains("waiting: 4 records, 0 deletions"))

        try machines.server.start()
        #expect(try a.sync() == "pushed 4, pulled 0, 0 deleted")
        #expect(try b.sync() == "pushed 0, pulled 4 from 2 hosts, 0 deleted")
    }

    @Test func anUnreachableHostFailsWithinFiveSeconds() throws {
        let a = try machines.machine()
        let started = Date()
        // A TEST-NET-1 address (RFC 5737): nothing answers there.
        let failed = try a.store.shq(arguments: ["sync"], environment: ["SHQ_SYNC_URL": "postgresql://shq@192.0.2.1:5432/shq"])
        #expect(Date().timeIntervalSince(started) < 5.5)
        #expect(failed.status == 1)
        #expect(failed.stderrText.hasPrefix("shq: sync: cannot reach the server: "))
    }

    @Test func twoMachinesSyncingAtOnceEndIdentical() throws {
        let (a, b) = try pair()
        try a.addRecords(500, prefix: "a", host: "a")
        try b.addRecords(500, prefix: "b", host: "b")
        // Both at the same moment, twice each, from several "terminals".
        let results = Locked<[ShqProcess.Result]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let machine = index % 2 == 0 ? a : b
            if let result = try? machine.shq("sync") { results.mutate { $0.append(result) } }
        }
        #expect(results.value.count == 4)
        #expect(results.value.allSatisfy { $0.status == 0 }, "\(results.value.map(\.stderrText))")
        try a.sync()
        try b.sync()
        #expect(try a.count() == 1000)
        #expect(try b.count() == 1000)
        #expect(try a.commands() == b.commands())
        #expect(try machines.psql("SELECT count(*), count(DISTINCT id) FROM shq_records") == ["1000|1000"])
    }

    @Test func aSyncKilledMidwayIsCompletedByTheNextOneWithoutDuplicates() throws {
        let (a, b) = try pair()
        try a.addRecords(20_000, prefix: "bulk", host: "a")
        try b.sync()
        // Kill the pushing and the pulling side at some point of their work; whatever point it was,
        // the next sync must leave each store with every record once.
        for (machine, delay) in [(a, 0.2), (b, 0.2), (a, 0.5)] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ShqProcess.binary)
            process.arguments = ["sync"]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["SHQ_DB": machine.store.database, "SHQ_SYNC_URL": machines.url]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try a.sync()
        try b.sync()
        #expect(try a.count() == 20_000)
        #expect(try b.count() == 20_000)
        #expect(try b.store.sqlite("SELECT count(DISTINCT id) FROM invocation_rows") == ["20000"])
        #expect(try machines.psql("SELECT count(*), count(DISTINCT id) FROM shq_records") == ["20000|20000"])
        #expect(try a.sync() == "pushed 0, pulled 0, 0 deleted")
    }
}

/// A value shared between threads under a lock.
final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
