import Foundation
@testable import ShqRun
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// The writer thread of a record whose store was locked when the command started (`RecordTarget.seq`
/// nil), driven directly, with a second connection holding the write lock.
@Suite struct StoreRecorderLockedTests {
    let directory = TemporaryDirectory()
    var location: StoreLocation { StoreLocation(databasePath: directory.databasePath) }

    /// A recorder for a record not inserted yet, and the connection that holds the lock.
    func lockedRecorder(cap: Int64 = 1 << 20) throws -> (StoreRecorder, Invocation, Store) {
        let store = try Store(location: location)
        let holder = try Store(location: location)
        try holder.db.execute("BEGIN IMMEDIATE")
        let invocation = Invocation(cmd: Array("make".utf8), source: .run, startedAt: .now(), status: .running)
        // The same path `shq run` takes: the brief insert gives way to the lock.
        #expect(try RecordLater.insertBriefly(invocation, into: store) == nil)
        let target = RecordTarget(store: store, seq: nil, invocation: invocation, triedAt: MonotonicClock.now())
        let recorder = StoreRecorder(target: target, cap: CaptureCap(bytes: cap), faults: FaultReporter(), startIngest: { _ in })
        recorder.start()
        return (recorder, invocation, holder)
    }

    func record(_ id: String) throws -> (Invocation, [LifecycleEvent], Store)? {
        let reader = try Store(location: location)
        var conditions = Conditions()
        conditions.addIDPrefix(id)
        guard let found = try reader.invocations(conditions).first else { return nil }
        return (found, try reader.events(for: found.seq!), reader)
    }

    func text(_ stream: ShqStore.OutputStream, of seq: Int64, in store: Store) throws -> String? {
        guard let output = try store.outputs(for: seq).first(where: { $0.stream == stream }) else { return nil }
        guard let blob = output.blob else { return "" }
        var bytes: [UInt8] = []
        try store.forEachChunk(ofBlob: blob) { _, chunk in bytes += chunk; return true }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aCommandThatEndsUnderTheLockGoesWholeToTheSpool() throws {
        let (recorder, invocation, holder) = try lockedRecorder()
        recorder.submit(.child(pid: 4242, startTicks: 77))
        recorder.submit(.output(.stdout, Array("hello\n".utf8)))
        recorder.submit(.event(LifecycleEvent(.forwarded, signal: 15)))
        recorder.submit(.output(.stderr, Array("oops\n".utf8)))
        // A stop does not wait for a store nobody can write.
        recorder.sync(timeoutMicros: 60_000_000)
        recorder.finish(.exited(3), endedAt: .now(), durationMicros: 1_234, truncated: [])
        #expect(try record(invocation.id) == nil)
        let spooled = try FileManager.default.contentsOfDirectory(atPath: location.spoolDirectory)
        #expect(spooled == [invocation.id + ".record"])

        try holder.db.execute("COMMIT")
        try Store(location: location).ingestSpool { $0 }
        let (stored, events, reader) = try #require(try record(invocation.id))
        #expect(stored.exitCode == 3 && stored.status == .failed && stored.durationMicros == 1_234)
        #expect(stored.pid == 4242 && stored.pidStartTicks == 77)
        #expect(events.map(\.kind) == [.started, .forwarded, .exited, .late])
        #expect(events[1].signal == 15)
        #expect(try text(.stdout, of: stored.seq!, in: reader) == "hello\n")
        #expect(try text(.stderr, of: stored.seq!, in: reader) == "oops\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: location.spoolDirectory).filter { !$0.hasPrefix(".") }.isEmpty)
    }

    @Test func aStoreFreedWhileTheCommandRunsGetsTheRecordThen() throws {
        let (recorder, invocation, holder) = try lockedRecorder()
        recorder.submit(.child(pid: 4242, startTicks: 77))
        recorder.submit(.output(.stdout, Array("before ".utf8)))
        try holder.db.execute("COMMIT")
        // The writer inserts the record (and what was queued) as soon as it can: a live job.
        #expect(ProcessProbe.waitUntil(timeout: 30) { (try? record(invocation.id))??.0.status == .running })
        recorder.submit(.output(.stdout, Array("after\n".utf8)))
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
        let (stored, events, reader) = try #require(try record(invocation.id))
        #expect(stored.status == .completed && stored.pid == 4242)
        #expect(events.map(\.kind) == [.started, .late, .exited])
        #expect(try text(.stdout, of: stored.seq!, in: reader) == "before after\n")
        #expect(!FileManager.default.fileExists(atPath: location.spoolDirectory + "/" + invocation.id + ".record"))
    }

    /// Output beyond the cap under the lock: the head as queued, the tail from the ring, marked truncated.
    @Test func theSpooledRecordKeepsHeadAndTail() throws {
        let (recorder, invocation, holder) = try lockedRecorder(cap: 8)
        recorder.submit(.output(.stdout, Array("0123".utf8)))
        Array("xxxxxxxxxx6789".utf8).withUnsafeBytes { recorder.submitTail(.stdout, $0) }
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [.stdout])
        try holder.db.execute("COMMIT")
        try Store(location: location).ingestSpool { $0 }
        let (stored, _, reader) = try #require(try record(invocation.id))
        #expect(try text(.stdout, of: stored.seq!, in: reader) == "01236789")
        #expect(try reader.outputs(for: stored.seq!).first { $0.stream == .stdout }?.truncated == true)
    }

    /// The no-save marker under the lock: the record is kept, no byte of its output reaches the spool.
    @Test func noSaveOutputNeverReachesTheSpool() throws {
        let (recorder, invocation, holder) = try lockedRecorder()
        recorder.submit(.output(.stdout, Array("secret-ish\n\u{1B}]shq;nosave\u{07}".utf8)))
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: [])
        let file = location.spoolDirectory + "/" + invocation.id + ".record"
        let spooled = try #require(FileManager.default.contents(atPath: file))
        #expect(!String(decoding: spooled, as: UTF8.self).contains("secret-ish"))
        try holder.db.execute("COMMIT")
        try Store(location: location).ingestSpool { $0 }
        let (stored, _, reader) = try #require(try record(invocation.id))
        #expect(try reader.outputs(for: stored.seq!).isEmpty)
    }

    /// A lock taken during the run, after the row and the first output are stored, and held past the
    /// end: `finish` returns without waiting for it; the end, the events and the whole output (the head
    /// read back from the store, the rest of it, the tail from the ring) go to the spool, and the ingest
    /// replaces the stored output and ends the record.
    @Test func aLockTakenDuringTheRunSpoolsTheEnd() throws {
        let store = try Store(location: location)
        let invocation = Invocation(cmd: Array("make".utf8), source: .run, startedAt: .now(), status: .running)
        let seq = try #require(try RecordLater.insertBriefly(invocation, into: store))
        let target = RecordTarget(store: store, seq: seq, invocation: invocation, triedAt: MonotonicClock.now())
        let recorder = StoreRecorder(target: target, cap: CaptureCap(bytes: 16), faults: FaultReporter(), startIngest: { _ in })
        recorder.start()
        recorder.submit(.child(pid: 4242, startTicks: 77))
        recorder.submit(.output(.stdout, Array("head".utf8)))
        recorder.sync(timeoutMicros: 60_000_000)
        #expect(try text(.stdout, of: seq, in: Store(location: location)) == "head")

        let holder = try Store(location: location)
        try holder.db.execute("BEGIN IMMEDIATE")
        recorder.submit(.output(.stdout, Array("1234".utf8)))  // the head is 8 bytes, the tail the last 8
        Array("dropped-middle-TAIL5678".utf8).withUnsafeBytes { recorder.submitTail(.stdout, $0) }
        recorder.submit(.event(LifecycleEvent(.forwarded, signal: 15)))
        recorder.submit(.output(.stderr, Array("oops\n".utf8)))
        recorder.finish(.exited(3), endedAt: .now(), durationMicros: 1_234, truncated: [.stdout])
        // Returned with the lock still held: the store still says running, the end waits in the spool.
        #expect(try record(invocation.id)?.0.status == .running)
        #expect(try FileManager.default.contentsOfDirectory(atPath: location.spoolDirectory) == [invocation.id + ".record"])

        try holder.db.execute("COMMIT")
        try Store(location: location).ingestSpool { $0 }
        let (stored, events, reader) = try #require(try record(invocation.id))
        #expect(stored.exitCode == 3 && stored.status == .failed && stored.durationMicros == 1_234)
        #expect(stored.pid == 4242 && stored.pidStartTicks == 77)
        #expect(events.map(\.kind) == [.started, .forwarded, .exited, .late])
        #expect(try text(.stdout, of: seq, in: reader) == "head1234TAIL5678")
        #expect(try reader.outputs(for: seq).first { $0.stream == .stdout }?.truncated == true)
        #expect(try text(.stderr, of: seq, in: reader) == "oops\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: location.spoolDirectory).filter { !$0.hasPrefix(".") }.isEmpty)
    }
}
