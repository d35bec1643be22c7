import Foundation
import ShqTestSupport
import Testing

@testable import ShqStore

@Suite struct StoreRoundTripTests {
    let directory = TemporaryDirectory()

    func openStore() throws -> Store { try Store(location: StoreLocation(databasePath: directory.databasePath)) }

    @Test func invocationRoundTripsEveryField() throws {
        let store = try openStore()
        var original = Invocation(
            session: "s-1", cmd: Array("make -j4 && echo 'done'".utf8), cwd: Array("/src/app".utf8), host: "box",
            user: "dev", shell: "zsh", tty: "/dev/pts/3", source: .run,
            startedAt: Timestamp(microseconds: 1_790_000_000_123_456), endedAt: Timestamp(microseconds: 1_790_000_002_000_000),
            durationMicros: 1_876_544, exitCode: 2, status: .failed, pid: 4242, pidStartTicks: 99, tag: "build",
            pipestatus: "0 2")
        original.wrapperPID = 4241
        original.wrapperStartTicks = 98
        let seq = try #require(try store.insert(original))
        var loaded = try #require(try store.invocation(seq: seq))
        #expect(loaded.seq == seq)
        loaded.seq = nil
        loaded.stdoutBytes = nil
        loaded.stderrBytes = nil
        #expect(loaded == original)
    }

    @Test func invalidUTF8AndNULRoundTripByteExact() throws {
        let store = try openStore()
        let cmd: [UInt8] = [0x65, 0x63, 0x68, 0x6f, 0x20, 0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28]
        let cwd: [UInt8] = [0x2f, 0x74, 0x6d, 0x70, 0x2f, 0x80]
        let seq = try #require(try store.insert(Invocation(cmd: cmd, cwd: cwd, source: .save, startedAt: .now(), status: .completed)))
        let loaded = try #require(try store.invocation(seq: seq))
        #expect(loaded.cmd == cmd)
        #expect(loaded.cwd == cwd)
    }

    @Test func outputStreamsInChunksAndReadsBackExactly() throws {
        let store = try openStore()
        let seq = try #require(try store.insert(Invocation(cmd: [0x78], source: .save, startedAt: .now(), status: .completed)))
        var generator = SystemRandomNumberGenerator()
        let payload = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4096)
        var offset = 0
        for size in [1, 7, 4095, 4096, 4097, 30_000] + Array(repeating: 10_000, count: 10) where offset < payload.count {
            let end = min(payload.count, offset + size)
            try writer.append(Array(payload[offset..<end]))
            offset = end
        }
        try writer.append(Array(payload[offset...]))
        try writer.finish()
        let output = try #require(try store.outputs(for: seq).first)
        #expect(output.bytes == Int64(payload.count))
        var chunks = 0
        var readBack: [UInt8] = []
        try store.forEachChunk(ofBlob: try #require(output.blob)) { _, bytes in
            chunks += 1
            readBack += bytes
            return true
        }
        #expect(readBack == payload)
        #expect(chunks == (payload.count + 4095) / 4096)
    }

    @Test func identicalOutputIsStoredOnce() throws {
        let store = try openStore()
        let payload = Array(String(repeating: "same bytes\n", count: 50_000).utf8)
        for _ in 0..<2 {
            let seq = try #require(try store.insert(Invocation(cmd: [0x79], source: .save, startedAt: .now(), status: .completed)))
            let writer = OutputWriter(store: store, invocation: seq, stream: .stdout)
            try writer.append(payload)
            try writer.finish()
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM blobs") == 1)
        #expect(try store.db.scalarInt("SELECT count(DISTINCT blob) FROM outputs") == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM outputs") == 2)
        #expect(try store.db.scalarInt("SELECT size FROM blobs") == Int64(payload.count))
    }

    /// Output chunked differently (a short tail chunk, another chunk size) still finds its twin.
    @Test func identicalOutputInOtherChunksIsStoredOnce() throws {
        let store = try openStore()
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 % 253) }
        for chunkSize in [65_536, 10_000] {
            let seq = try #require(try store.insert(Invocation(cmd: [0x79], source: .save, startedAt: .now(), status: .completed)))
            let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: chunkSize)
            try writer.append(payload)
            try writer.finish()
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM blobs") == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM outputs WHERE blob IS NOT NULL") == 2)
    }

    /// The content hash is not cryptographic: a stored blob under the same hash but with other bytes (a
    /// collision, forged here) is never shared; the new output keeps its own bytes.
    @Test func hashCollisionKeepsBothOutputs() throws {
        let store = try openStore()
        func save(_ payload: [UInt8]) throws -> Int64 {
            let seq = try #require(try store.insert(Invocation(cmd: [0x79], source: .save, startedAt: .now(), status: .completed)))
            let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4096)
            try writer.append(payload)
            try writer.finish()
            return seq
        }
        let first = Array(repeating: UInt8(ascii: "a"), count: 10_000)
        let second = Array(repeating: UInt8(ascii: "b"), count: 10_000)
        var hash = ContentHash()
        second.withUnsafeBytes { hash.update($0) }
        let firstSeq = try save(first)
        try store.db.execute("UPDATE blobs SET hash = '\(hash.finalize())'")
        let secondSeq = try save(second)
        #expect(try store.db.scalarInt("SELECT count(*) FROM blobs") == 2)
        for (seq, expected) in [(firstSeq, first), (secondSeq, second)] {
            var bytes: [UInt8] = []
            try store.forEachChunk(ofBlob: try #require(try store.outputs(for: seq).first?.blob)) { _, chunk in bytes += chunk; return true }
            #expect(bytes == expected)
        }
    }

    private func walBytes() -> Int {
        (try? FileManager.default.attributesOfItem(atPath: directory.databasePath + "-wal")[.size] as? Int) ?? -1
    }

    /// Every shq process re-reads the WAL on open: it is kept to 128 pages, and a bulk write (capture,
    /// import) that grows it more empties it when it ends.
    @Test func bulkWriteLeavesTheWALEmpty() throws {
        let store = try openStore()
        store.beginBulkWrite()
        let seq = try #require(try store.insert(Invocation(cmd: [0x79], source: .save, startedAt: .now(), status: .completed)))
        // Small chunks: the chunks' bytes go to the chunk file, so only their rows and summaries reach the WAL.
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 32 * 1024)
        var random = SystemRandomNumberGenerator()
        try writer.append((0..<3_000_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        try writer.finish()
        #expect(walBytes() > 1 << 20)
        store.endBulkWrite()
        #expect(walBytes() == 0)
    }

    /// A connection per short-lived process, each re-reading the WAL when it opens: the commit that
    /// takes it past 128 pages copies it into the database and empties it, so it never grows much past
    /// that. (SQLite's automatic checkpoint never emptied it: a new connection counts nothing as copied,
    /// so the WAL only grew, and every commit past 128 pages copied all of it again.)
    @Test func walStaysBoundedAcrossConnections() throws {
        for index in 0..<80 {
            let store = try openStore()
            try store.insert(Invocation(cmd: Array("echo \(index)".utf8), source: .save, startedAt: .now(), status: .completed))
        }
        #expect(walBytes() > 0)
        #expect(walBytes() <= 32 + (Int(Store.checkpointPages) + 16) * 4120)
    }

    @Test func migrationsRunOnceAndSetUserVersion() throws {
        _ = try openStore()
        let store = try openStore()
        #expect(try store.db.scalarInt("PRAGMA user_version") == Schema.currentVersion)
        #expect(Schema.currentVersion == Int64(Schema.migrations.count))
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'invocations'") == 1)
    }

    @Test func storeIsOwnerOnlyWhateverTheUmask() throws {
        let saved = umask(0o022)
        defer { umask(saved) }
        let nested = directory.file("deep/er/shq/history.db")
        let store = try Store(location: StoreLocation(databasePath: nested))
        try store.db.execute("INSERT INTO sessions(id, started_at) VALUES ('x', 0)")
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
        }
        #expect(try mode(directory.file("deep/er/shq")) == 0o700)
        #expect(try mode(nested) == 0o600)
        #expect(try mode(nested + "-wal") == 0o600)
        #expect(try mode(nested + "-shm") == 0o600)
        // Commands spawned later must see the user's umask again.
        #expect(umask(0o022) == 0o022)
    }

    @Test func journalIsWALAndSynchronousNormal() throws {
        let store = try openStore()
        let mode = try store.db.prepare("PRAGMA journal_mode")
        _ = try mode.step()
        #expect(mode.string(0) == "wal")
        #expect(try store.db.scalarInt("PRAGMA synchronous") == 1)
        #expect(try store.db.scalarInt("PRAGMA foreign_keys") == 1)
    }
}
