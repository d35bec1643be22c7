import Foundation
@testable import ShqStore
import ShqTestSupport
import Testing

/// Whole records kept in the spool while the store was locked (`PendingRecordFile`), and their ingest.
@Suite struct PendingRecordTests {
    let directory = TemporaryDirectory()
    var location: StoreLocation { StoreLocation(databasePath: directory.databasePath) }

    func spool(_ invocation: Invocation, outputs: [(ShqStore.OutputStream, String)] = []) throws -> String {
        let file = try PendingRecordFile(location: location, id: invocation.id)
        file.add(invocation)
        file.add(LifecycleEvent(.stopped, at: invocation.startedAt, signal: 20))
        for (stream, text) in outputs {
            Array(text.utf8).withUnsafeBytes { file.addHead(stream, $0) }
            file.endStream(stream, truncated: false)
        }
        try file.commit()
        return file.path
    }

    /// Every field the record line carries comes back, bytes exact; events keep their times and do not
    /// move the final status.
    @Test func everyFieldRoundTrips() throws {
        var invocation = Invocation(
            session: "s\t1", cmd: [0x66, 0x0A, 0x5C, 0xFF, 0x09, 0x00], cwd: Array("/tmp/a\tb".utf8), host: "h", user: "u",
            shell: "zsh", tty: "/dev/pts/3", source: .run, startedAt: Timestamp(microseconds: 1_700_000_000_000_001),
            endedAt: Timestamp(microseconds: 1_700_000_000_500_001), durationMicros: 500_000, exitCode: 2, status: .failed,
            pid: 77, pidStartTicks: 88, tag: "t", pipestatus: "0 2")
        invocation.wrapperPID = 99
        invocation.wrapperStartTicks = 111
        _ = try spool(invocation, outputs: [(.stdout, "line\n\u{0}bin\t"), (.stderr, "")])
        let store = try Store(location: location)
        let report = try store.ingestSpool { $0 }
        #expect(report.recorded == 1 && report.malformed == 0)
        var conditions = Conditions()
        conditions.addIDPrefix(invocation.id)
        var stored = try #require(try store.invocations(conditions).first)
        #expect(stored.stdoutBytes == 10 && stored.stderrBytes == 0)
        stored.seq = nil
        stored.stdoutBytes = nil
        stored.stderrBytes = nil
        #expect(stored == invocation)
        let events = try store.events(for: try #require(try store.invocations(conditions).first?.seq))
        #expect(events.map(\.kind) == [.stopped, .late])
        #expect(events[0].at == invocation.startedAt && events[0].signal == 20)
    }

    /// An ingest that died after its commit leaves the file: the next one adds nothing.
    @Test func ingestingTheSameRecordTwiceAddsNothing() throws {
        let invocation = Invocation(cmd: Array("once".utf8), source: .save, startedAt: .now(), status: .completed)
        let path = try spool(invocation, outputs: [(.stdout, "out")])
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let store = try Store(location: location)
        try store.ingestSpool { $0 }
        try bytes.write(to: URL(fileURLWithPath: path))
        try store.ingestSpool { $0 }
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocation_rows") == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM invocation_events") == 2)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A file that is not a pending record is set aside, never retried, never deleted unread.
    @Test func aMalformedFileIsSetAside() throws {
        try location.createSpoolDirectory()
        let path = location.spoolDirectory + "/" + InvocationID.make() + ".record"
        for content in ["", "shq-record 1\nI\tnot enough fields\n", "shq-record 1\nH\tstdout\t5\nab"] {
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            let report = try Store(location: location).ingestSpool { $0 }
            #expect(report.malformed == 1, "\(content)")
            #expect(FileManager.default.fileExists(atPath: path + ".bad"))
            try FileManager.default.removeItem(atPath: path + ".bad")
        }
        #expect(try Store(location: location).db.scalarInt("SELECT count(*) FROM invocation_rows") == 0)
    }

    /// Until it is complete, a record has another name: an ingest never takes half of one.
    @Test func anUnfinishedRecordIsNotIngested() throws {
        let file = try PendingRecordFile(location: location, id: InvocationID.make())
        file.add(Invocation(cmd: Array("half".utf8), source: .save, startedAt: .now(), status: .completed))
        let report = try Store(location: location).ingestSpool { $0 }
        #expect(report.recorded == 0)
        file.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: location.spoolDirectory).filter { !$0.hasPrefix(".") }.isEmpty)
    }
}
