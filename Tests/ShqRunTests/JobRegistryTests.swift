import Foundation
import Glibc
import ShqRun
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// A record as `shq run` leaves it while its command runs, watched by `wrapper` (a real process).
func insertLiveRecord(
    _ store: Store, command: SpawnedProcess?, wrapper: SpawnedProcess?, status: InvocationStatus = .running,
    host: String? = ProcessEnvironment.hostName, wrapperStart: Int64? = nil
) throws -> Int64 {
    var record = Invocation(cmd: Array("sleep 30".utf8), host: host, source: .run, startedAt: .now(), status: status)
    if let command {
        record.pid = command.pid
        record.pidStartTicks = ProcessProbe.startTicks(command.pid)
    }
    if let wrapper {
        record.wrapperPID = wrapper.pid
        record.wrapperStartTicks = wrapperStart ?? ProcessProbe.startTicks(wrapper.pid)
    }
    return try store.db.writeTransaction { () throws in try store.insert(record)! }
}

@Suite struct ProcessIdentityTests {
    @Test func currentProcessIsAlive() throws {
        let me = try #require(ProcessIdentity.current())
        #expect(me.pid == getpid())
        #expect(me.startTicks == ProcessProbe.startTicks(getpid()))
        #expect(me.isAlive)
    }

    @Test func reusedPidIsNotMistakenForTheRecordedProcess() throws {
        let sleeper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        let ticks = try #require(ProcessProbe.startTicks(sleeper.pid))
        #expect(ProcessIdentity(pid: sleeper.pid, startTicks: ticks).isAlive)
        // Same pid, another start time: a different process that happens to have the pid now.
        #expect(!ProcessIdentity(pid: sleeper.pid, startTicks: ticks - 1).isAlive)
        #expect(ProcessIdentity(pid: sleeper.pid, startTicks: ticks - 1).send(0) == ESRCH)
    }

    @Test func exitedProcessIsGoneAndCannotBeSignalled() throws {
        let quick = try ProcessProbe.spawn("/bin/true", [])
        let identity = try #require(ProcessProbe.startTicks(quick.pid).map {
            ProcessIdentity(pid: quick.pid, startTicks: $0)
        })
        quick.wait()
        #expect(!identity.isAlive)
        #expect(identity.send(SIGTERM) == ESRCH)
    }

    @Test func sendStopsAndContinues() throws {
        let sleeper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        let identity = ProcessIdentity(pid: sleeper.pid, startTicks: ProcessProbe.startTicks(sleeper.pid)!)
        #expect(identity.send(SIGSTOP) == 0)
        #expect(ProcessProbe.waitUntil { ProcessProbe.state(sleeper.pid) == "T" })
        #expect(identity.snapshot()?.isStopped == true)
        #expect(identity.send(SIGCONT) == 0)
        #expect(ProcessProbe.waitUntil { ProcessProbe.state(sleeper.pid) == "S" })
    }
}

@Suite struct JobRegistryTests {
    let directory = TemporaryDirectory()
    func openStore() throws -> Store { try Store(location: StoreLocation(databasePath: directory.databasePath)) }

    @Test func liveWrapperKeepsTheJobRunning() throws {
        let store = try openStore()
        let sleeper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        defer { sleeper.stop() }
        let seq = try insertLiveRecord(store, command: sleeper, wrapper: sleeper)
        let registry = JobRegistry(store: store)
        #expect(try registry.reconcile().isEmpty)
        #expect(try registry.jobs().map(\.invocation.seq) == [seq])
        #expect(try store.invocation(seq: seq)?.status == .running)
    }

    @Test func deadWrapperOrphansTheRecordAndKeepsItsOutput() throws {
        let store = try openStore()
        let wrapper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        let seq = try insertLiveRecord(store, command: wrapper, wrapper: wrapper, status: .stopped)
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4)
        try writer.append(Array("partial output".utf8))  // three full chunks committed, 2 bytes pending
        kill(wrapper.pid, SIGKILL)
        wrapper.wait()

        let registry = JobRegistry(store: store)
        #expect(try registry.jobs().isEmpty)
        let record = try #require(try store.invocation(seq: seq))
        #expect(record.status == .orphaned)
        #expect(try store.events(for: seq).map(\.kind) == [.orphaned])
        let output = try #require(try store.outputs(for: seq).first)
        var bytes: [UInt8] = []
        try store.forEachChunk(ofBlob: output.blob!) { _, chunk in bytes += chunk; return true }
        #expect(String(decoding: bytes, as: UTF8.self) == "partial outp")
        #expect(output.bytes == 12)
        // Idempotent: nothing left to orphan.
        #expect(try registry.reconcile().isEmpty)
    }

    @Test func reusedWrapperPidStillCountsAsDead() throws {
        let store = try openStore()
        let impostor = try ProcessProbe.spawn("/bin/sleep", ["30"])
        defer { impostor.stop() }
        let start = ProcessProbe.startTicks(impostor.pid)!
        let seq = try insertLiveRecord(store, command: nil, wrapper: impostor, wrapperStart: start - 7)
        #expect(try JobRegistry(store: store).reconcile().map(\.seq) == [seq])
    }

    @Test func finishedRecordIsNeverOrphaned() throws {
        let store = try openStore()
        let quick = try ProcessProbe.spawn("/bin/sleep", ["0.1"])
        let seq = try insertLiveRecord(store, command: quick, wrapper: quick)
        quick.wait()
        try store.finish(seq, termination: .exited(0), endedAt: .now(), durationMicros: 100_000)
        #expect(try JobRegistry(store: store).markOrphaned(seq) == false)
        #expect(try store.invocation(seq: seq)?.status == .completed)
    }

    @Test func otherMachinesJobsAreListedOnlyWithEverythingAndNeverOrphaned() throws {
        let store = try openStore()
        let seq = try insertLiveRecord(store, command: nil, wrapper: nil, host: "elsewhere.example")
        try store.db.execute("UPDATE invocation_rows SET wrapper_pid = 999999, wrapper_start = 1 WHERE seq = \(seq)")
        let registry = JobRegistry(store: store)
        #expect(try registry.jobs().isEmpty)
        let all = try registry.jobs(everything: true)
        #expect(all.map(\.invocation.seq) == [seq])
        #expect(all.first?.isVerified == false)
        #expect(try store.invocation(seq: seq)?.status == .running)
    }

    @Test func waitReturnsTheRecordedEndWhenTheWrapperExits() throws {
        let store = try openStore()
        let wrapper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        let seq = try insertLiveRecord(store, command: wrapper, wrapper: wrapper)
        let path = directory.databasePath
        let finisher = Thread {
            usleep(300_000)
            let other = try! Store(location: StoreLocation(databasePath: path))
            try! other.finish(seq, termination: .exited(3), endedAt: .now(), durationMicros: 300_000)
            kill(wrapper.pid, SIGTERM)
        }
        finisher.start()
        let ended = try JobWait.untilEnded(seq, registry: JobRegistry(store: store), deadline: nil)
        wrapper.wait()
        #expect(ended?.termination == .exited(3))
    }

    @Test func waitGivesUpAtTheDeadline() throws {
        let store = try openStore()
        let wrapper = try ProcessProbe.spawn("/bin/sleep", ["30"])
        defer { wrapper.stop() }
        let seq = try insertLiveRecord(store, command: wrapper, wrapper: wrapper)
        let deadline = Timestamp(microseconds: Timestamp.now().microseconds + 200_000)
        #expect(try JobWait.untilEnded(seq, registry: JobRegistry(store: store), deadline: deadline) == nil)
    }
}
