import Foundation
import ShqTestSupport
import Testing

@testable import ShqStore

/// Migration 7: output chunks in the chunk file `<database>-chunks`, their rows saying where.
@Suite struct ChunkFileTests {
    let directory = TemporaryDirectory()
    var location: StoreLocation { StoreLocation(databasePath: directory.databasePath) }

    /// Bytes that zstd cannot shrink much, different for each `seed`.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    func record(_ store: Store) throws -> Int64 {
        try #require(try store.insert(Invocation(cmd: Array("x".utf8), source: .run, startedAt: .now(), status: .running)))
    }

    func write(_ store: Store, _ bytes: [UInt8], tail: Int64? = nil, chunkSize: Int = OutputWriter.defaultChunkSize) throws -> Int64 {
        let seq = try record(store)
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: chunkSize)
        if let tail {
            try writer.append(Array(bytes.prefix(chunkSize)))
            try writer.startTail(keepingLast: tail)
            for start in stride(from: chunkSize, to: bytes.count, by: 50_000) {
                try writer.append(Array(bytes[start..<min(start + 50_000, bytes.count)]))
            }
        } else {
            try writer.append(bytes)
        }
        try writer.finish(truncated: tail != nil)
        return seq
    }

    func read(_ store: Store, _ seq: Int64, reversed: Bool = false) throws -> [UInt8] {
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        var parts: [[UInt8]] = []
        try store.forEachChunk(ofBlob: blob, reversed: reversed) { _, bytes in parts.append(bytes); return true }
        return Array((reversed ? parts.reversed() : parts).joined())
    }

    /// The chunk file's bytes outside every range a row points at are all zero: nothing deleted remains.
    static func onlyLiveChunksRemain(_ store: Store) throws -> Bool {
        let file = try #require(FileManager.default.contents(atPath: store.location.chunkFilePath))
        var live = [Bool](repeating: false, count: file.count)
        let rows = try store.db.prepare("SELECT file_offset, file_length FROM blob_chunks WHERE file_offset IS NOT NULL")
        while try rows.step() {
            for index in Int(rows.int(0))..<Int(rows.int(0) + rows.int(1)) { live[index] = true }
        }
        return file.enumerated().allSatisfy { live[$0.offset] || $0.element == 0 }
    }

    static func allocatedBytes(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_blocks) * 512 : -1
    }

    @Test func chunksGoToTheChunkFileAndEveryReaderReadsThem() throws {
        let store = try Store(location: location)
        #expect(!FileManager.default.fileExists(atPath: location.chunkFilePath))  // created lazily
        let data = Self.noise(700_000, seed: 1)
        let seq = try write(store, data)
        // Each chunk's bytes are in the file, none in its row.
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks WHERE file_offset IS NULL OR length(data) > 0") == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks") == 3)
        let attributes = try FileManager.default.attributesOfItem(atPath: location.chunkFilePath)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try store.db.scalarInt("SELECT end_offset FROM chunk_file") == Int64(attributes[.size] as? Int ?? -1))

        #expect(try read(store, seq) == data)
        #expect(try read(store, seq, reversed: true) == data)
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        #expect(try store.chunk(ofBlob: blob, seq: 1) == Array(data[262_144..<524_288]))
        var pushed: [SyncedOutput] = []
        try store.forEachOutputToPush(after: 0, through: seq, cap: 1 << 30) { pushed.append($0) }
        // The record is still running: nothing to push. Finish it, then the output goes, chunk for chunk.
        #expect(pushed.isEmpty)
        try store.db.execute("UPDATE invocation_rows SET status = 'completed' WHERE seq = \(seq)")
        try store.forEachOutputToPush(after: 0, through: seq, cap: 1 << 30) { pushed.append($0) }
        #expect(pushed.first?.decompressed() == data)
        pushed = []
        try store.forEachOutputToPush(after: 0, through: seq, cap: 100_000) { pushed.append($0) }
        #expect(pushed.first?.decompressed() == Array(data.suffix(100_000)))
    }

    @Test func identicalOutputSharesTheBlobAndItsCopyIsReleased() throws {
        let store = try Store(location: location)
        let data = Self.noise(600_000, seed: 2)
        let first = try write(store, data)
        let sizeAfterFirst = Self.allocatedBytes(location.chunkFilePath)
        let second = try write(store, data)
        #expect(try store.outputs(for: first).first?.blob == store.outputs(for: second).first?.blob)
        #expect(try store.db.scalarInt("SELECT count(*) FROM blobs") == 1)
        #expect(try read(store, second) == data)
        // The second copy was appended, then punched out when the twin was found.
        #expect(try Self.onlyLiveChunksRemain(store))
        #expect(Self.allocatedBytes(location.chunkFilePath) <= sizeAfterFirst + 16384)  // blocks shared at the edges
        #expect(try store.db.scalarInt("SELECT count(*) FROM chunk_holes") == 0)
    }

    @Test func tailEvictionReleasesTheEvictedChunks() throws {
        let store = try Store(location: location)
        let data = Self.noise(4 << 20, seed: 3)
        let seq = try write(store, data, tail: 256 * 1024, chunkSize: 64 * 1024)
        let stored = try read(store, seq)
        #expect(stored.prefix(64 * 1024).elementsEqual(data.prefix(64 * 1024)))
        #expect(stored.suffix(256 * 1024).elementsEqual(data.suffix(256 * 1024)))
        let fileSize = try #require(FileManager.default.attributesOfItem(atPath: location.chunkFilePath)[.size] as? Int)
        #expect(fileSize > 4 << 20)  // every chunk was appended once...
        #expect(try Self.onlyLiveChunksRemain(store))  // ...and every evicted one released
        // ext4, tmpfs, xfs, btrfs punch holes: the blocks go back to the file system.
        #expect(Self.allocatedBytes(location.chunkFilePath) < 1 << 20)
        #expect(try store.db.scalarInt("SELECT count(*) FROM chunk_holes") == 0)
    }

    @Test func forgetReleasesTheChunksOfWhatItDeletes() throws {
        let store = try Store(location: location)
        let kept = Self.noise(300_000, seed: 4)
        let keptSeq = try write(store, kept)
        let forgotten = try write(store, Self.noise(900_000, seed: 5))
        for seq in [keptSeq, forgotten] {
            try store.db.execute("UPDATE invocation_rows SET status = 'completed' WHERE seq = \(seq)")
        }
        #expect(try store.forget([forgotten]) == 1)
        #expect(try Self.onlyLiveChunksRemain(store))
        #expect(try read(store, keptSeq) == kept)
        #expect(Self.allocatedBytes(location.chunkFilePath) < 600_000)
    }

    /// A reader whose snapshot still lists a chunk that another connection deleted and punched out
    /// meanwhile (`shq show --follow` while the tail moves on) skips it, and reads on.
    @Test func aReaderSkipsAChunkDeletedAndReleasedWhileItReads() throws {
        let store = try Store(location: location)
        let data = Self.noise(4 * 65_536, seed: 11)
        let seq = try write(store, data, chunkSize: 65_536)
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        let other = try Store(location: location)
        var seen: [Int64] = []
        try store.forEachChunk(ofBlob: blob) { chunk, bytes in
            seen.append(chunk)
            #expect(bytes.elementsEqual(data[Int(chunk) * 65_536..<Int(chunk + 1) * 65_536]))
            if chunk == 0 {
                try other.db.execute("DELETE FROM blob_chunks WHERE blob = \(blob) AND seq = 1")
                try other.releaseFreedChunks()
            }
            return true
        }
        #expect(seen == [0, 2, 3])
        // One chunk at a time (`shq grep`): the deleted one reads as gone, the others as they are.
        #expect(try store.chunk(ofBlob: blob, seq: 1) == nil)
        #expect(try store.chunk(ofBlob: blob, seq: 2) == Array(data[2 * 65_536..<3 * 65_536]))
        // Damage that no delete explains is still reported.
        try other.db.execute("UPDATE blob_chunks SET file_offset = file_offset + 1 WHERE blob = \(blob) AND seq = 2")
        #expect(throws: StoreError.self) { try store.forEachChunk(ofBlob: blob) { _, _ in true } }
        #expect(throws: StoreError.self) { try store.chunk(ofBlob: blob, seq: 2) }
    }

    /// A delete that rolls back releases nothing: the chunk still reads.
    @Test func aRolledBackDeleteKeepsTheBytes() throws {
        let store = try Store(location: location)
        let data = Self.noise(300_000, seed: 6)
        let seq = try write(store, data)
        #expect(throws: StoreError.self) {
            try store.db.writeTransaction { () throws in
                try store.db.execute("DELETE FROM blobs")
                try store.releaseFreedChunks()  // inside the transaction: must not release anything
                throw StoreError("test", "roll back")
            }
        }
        #expect(try read(store, seq) == data)
    }

    /// A store as schema 6 left it, with chunks in their rows, migrates without copying them; they still
    /// read, new output goes to the chunk file, and both kinds compare and delete.
    @Test func aSchema6StoreWithInlineChunksMigratesAndReads() throws {
        let old = Self.noise(400_000, seed: 7)
        var hasher = ContentHash()
        old.withUnsafeBytes { hasher.update($0) }
        let hash = hasher.finalize()
        do {
            let db = try Database(path: directory.databasePath)
            try db.execute("PRAGMA journal_mode=WAL")
            try db.installMigrationFunctions()
            for migration in Schema.migrations.prefix(6) { try db.execute(migration) }
            try db.execute("PRAGMA user_version = 6")
            try db.execute("""
                INSERT INTO invocation_rows(seq, id, cmd, source, started_at, status) VALUES (1, randomblob(16), 'old', 0, 1, 'completed');
                INSERT INTO blobs(id, hash, size) VALUES (1, '\(hash)', \(old.count));
                INSERT INTO outputs(invocation, stream, blob, bytes) VALUES (1, 'stdout', 1, \(old.count));
                """)
            let compressor = ChunkCodec.Compressor()
            for (seq, start) in stride(from: 0, to: old.count, by: 262_144).enumerated() {
                let part = Array(old[start..<min(start + 262_144, old.count)])
                let insert = try db.prepare("INSERT INTO blob_chunks(blob, seq, raw_size, data) VALUES (1, ?, ?, ?)")
                insert.bind(1, Int64(seq))
                insert.bind(2, Int64(part.count))
                let compressed = part.withUnsafeBytes { compressor.compress($0) }
                compressed.withUnsafeBytes { insert.bindBlob(3, $0) }
                try insert.run()
            }
        }
        let store = try Store(location: location)
        #expect(try store.db.scalarInt("PRAGMA user_version") == Schema.currentVersion)
        #expect(try read(store, 1) == old)
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks WHERE file_offset IS NULL") == 2)
        // The same bytes captured again: compared across an inline blob and one in the file, then shared.
        let again = try write(store, old)
        #expect(try store.outputs(for: again).first?.blob == 1)
        let fresh = try write(store, Self.noise(100_000, seed: 8))
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks WHERE file_offset IS NOT NULL") == 1)
        #expect(try read(store, fresh) == Self.noise(100_000, seed: 8))
        try store.db.execute("UPDATE invocation_rows SET status = 'completed'")
        #expect(try store.forget([1, again]) == 2)
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks WHERE file_offset IS NULL") == 0)
        #expect(try read(store, fresh) == Self.noise(100_000, seed: 8))
    }

    /// A chunk file that went missing: reading says which file and why; writing keeps output in the
    /// database (a new empty file under the old offsets would hand one output's range to another).
    @Test func aMissingChunkFileIsReportedAndWritingGoesOn() throws {
        let store = try Store(location: location)
        let seq = try write(store, Self.noise(1000, seed: 9))
        unlink(location.chunkFilePath)
        let reopened = try Store(location: location)
        do {
            _ = try read(reopened, seq)
            Issue.record("read a chunk whose file is gone")
        } catch let error as StoreError {
            #expect("\(error)" == "\(location.chunkFilePath): cannot read stored output: No such file or directory")
        }
        let data = Self.noise(5000, seed: 10)
        let later = try write(reopened, data)
        #expect(!FileManager.default.fileExists(atPath: location.chunkFilePath))
        #expect(try read(reopened, later) == data)
        #expect(try reopened.db.scalarInt("SELECT count(*) FROM blob_chunks WHERE file_offset IS NULL") == 1)
    }
}
