import Foundation
import ShqRun
import ShqStore
import ShqTestSupport
import Testing

/// The named steps a command runs on the store it opened: each does its work when called, and only then.
@Suite struct StorePreparationTests {
    let directory = TemporaryDirectory()

    func openStore() throws -> Store { try Store(location: StoreLocation(databasePath: directory.databasePath)) }

    func spool(_ store: Store, _ commands: [String]) throws {
        try store.location.createSpoolDirectory()
        let lines = commands.enumerated().map { n, cmd in
            "C\ts1\t\(n + 1)\t\(1_700_000_000_000_000 + n)\t1000\t0\t\t/tmp\t\(cmd)\n"
        }
        try Data(lines.joined().utf8).write(to: URL(fileURLWithPath: store.location.spoolDirectory + "/s1.spool"))
    }

    @Test func ingestingTheHookSpoolRecordsThroughThePolicy() throws {
        let store = try openStore()
        try spool(store, ["make test", "pass show bank", "export TOKEN=hunter2secret"])
        #expect(try store.invocations().isEmpty)
        store.ingestingHookSpool()
        let stored = try store.invocations().reversed().map(\.cmdText)
        // The secret-excluded command is dropped, the assignment redacted: the hook's recording policy.
        #expect(stored.count == 2)
        #expect(stored.first == "make test")
        #expect(stored.last?.contains("hunter2secret") == false)
    }

    @Test func reconcilingMarksADeadWrapperOrphaned() throws {
        let store = try openStore()
        let gone = try ProcessProbe.spawn("/bin/true", [])
        _ = gone.wait()
        let seq = try insertLiveRecord(store, command: nil, wrapper: gone, wrapperStart: 1)
        #expect(try store.invocation(seq: seq)?.status == .running)
        store.reconcilingOrphanedJobs()
        #expect(try store.invocation(seq: seq)?.status == .orphaned)
    }
}
