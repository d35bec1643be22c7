import Foundation
@testable import ShqRun
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// The writer thread of a running command's record, driven directly: what it commits at a sync, an
/// event and the end, and what a store failure leaves.
@Suite struct StoreRecorderTests {
    let directory = TemporaryDirectory()
    let store: Store
    let seq: Int64

    init() throws {
        store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        seq = try insertLiveRecord(store, command: nil, wrapper: nil)
    }

    func recorder(streams: [ShqStore.OutputStream] = [.stdout, .stderr], redact: Bool = false) -> StoreRecorder {
        let target = RecordTarget(store: store, seq: seq, invocation: try! store.invocation(seq: seq)!, triedAt: MonotonicClock.now())
        let recorder = StoreRecorder(
            target: target, cap: CaptureCap(bytes: 1 << 20), faults: FaultReporter(), streams: streams, redactOutput: redact)
        recorder.start()
        return recorder
    }

    /// A second connection, as `shq show` would read while the command runs.
    func reader() throws -> Store { try Store(location: StoreLocation(databasePath: directory.databasePath)) }

    func text(_ stream: ShqStore.OutputStream, in store: Store) throws -> String? {
        guard let output = try store.outputs(for: seq).first(where: { $0.stream == stream }) else { return nil }
        guard let blob = output.blob else { return "" }
        var bytes: [UInt8] = []
        try store.forEachChunk(ofBlob: blob) { _, chunk in bytes += chunk; return true }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func theSpawnedCommandIsCommittedAtASyncAndStaysRunning() throws {
        let recorder = recorder()
        recorder.submit(.child(pid: 4242, startTicks: 77))
        recorder.sync(timeoutMicros: 10_000_000)
        let running = try #require(try reader().invocation(seq: seq))
        #expect(running.status == .running && running.pid == 4242 && running.pidStartTicks == 77)
        #expect(try reader().events(for: seq).map(\.kind) == [.started])
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
    }

    @Test func eventsAreCommittedAsTheyCome() throws {
        let recorder = recorder()
        recorder.submit(.child(pid: 4242, startTicks: nil))
        recorder.submit(.event(LifecycleEvent(.stopped, signal: 20)))
        recorder.submit(.event(LifecycleEvent(.resumed)))
        recorder.sync(timeoutMicros: 10_000_000)
        let events = try reader().events(for: seq)
        #expect(events.map(\.kind) == [.started, .stopped, .resumed])
        #expect(events[1].signal == 20)
        recorder.finish(.signaled(2), endedAt: .now(), durationMicros: 1, truncated: [])
        let ended = try #require(try reader().invocation(seq: seq))
        #expect(ended.signal == 2 && ended.status != .running)
        #expect(try reader().events(for: seq).last?.kind == .signaled)
    }

    @Test func outputAndTheEndAreStoredTogether() throws {
        let recorder = recorder()
        recorder.submit(.output(.stdout, Array("hello ".utf8)))
        recorder.submit(.output(.stderr, Array("oops\n".utf8)))
        recorder.submit(.output(.stdout, Array("world\n".utf8)))
        recorder.finish(.exited(3), endedAt: .now(), durationMicros: 1_234, truncated: [])
        let reader = try reader()
        #expect(try text(.stdout, in: reader) == "hello world\n")
        #expect(try text(.stderr, in: reader) == "oops\n")
        let ended = try #require(try reader.invocation(seq: seq))
        #expect(ended.exitCode == 3 && ended.durationMicros == 1_234 && ended.status != .running)
        #expect(try reader.events(for: seq).last.map { $0.kind == .exited && $0.exitCode == 3 } == true)
    }

    @Test func bothPipeStreamsAreStoredEvenWhenEmpty() throws {
        recorder().finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
        #expect(try reader().outputs(for: seq).map(\.stream) == [.stdout, .stderr])
        #expect(try text(.stdout, in: reader()) == "")
    }

    @Test func redactionAppliesToStoredOutput() throws {
        let recorder = recorder(redact: true)
        recorder.submit(.output(.stdout, Array("export TOKEN=hunter2secret\n".utf8)))
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
        let stored = try #require(try text(.stdout, in: reader()))
        #expect(!stored.contains("hunter2secret") && stored.contains("export TOKEN="))
    }

    /// A store that fails mid-run (here: a table gone) stops recording; the command's side goes on and
    /// the end returns instead of hanging, leaving the record as it was.
    @Test func aStoreFailureStopsRecordingWithoutStoppingTheRun() throws {
        try store.db.execute("DROP TABLE invocation_events")
        let recorder = recorder()
        recorder.submit(.child(pid: 4242, startTicks: nil))
        recorder.submit(.output(.stdout, Array("lost\n".utf8)))
        recorder.submit(.event(LifecycleEvent(.stopped, signal: 20)))
        recorder.sync(timeoutMicros: 10_000_000)
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
        #expect(try reader().invocation(seq: seq)?.status == .running)
    }
}
