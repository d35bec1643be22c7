import ShqTestSupport
import Testing

@testable import ShqStore

/// Migration 4: output chunks move from a WITHOUT ROWID table to a rowid table with a unique index.
@Suite struct ChunkTableMigrationTests {
    let directory = TemporaryDirectory()

    /// A store as schema 3 left it, holding one blob of three chunks written out of order.
    func makeSchema3Store(chunks: [[UInt8]]) throws {
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.installMigrationFunctions()
        for migration in Schema.migrations.prefix(3) { try db.execute(migration) }
        try db.execute("PRAGMA user_version = 3")
        try db.execute("INSERT INTO blobs(id, hash, size) VALUES (1, 'h', \(chunks.map(\.count).reduce(0, +)))")
        let compressor = ChunkCodec.Compressor()
        for seq in [2, 0, 1] {
            let insert = try db.prepare("INSERT INTO blob_chunks(blob, seq, raw_size, data) VALUES (1, ?, ?, ?)")
            insert.bind(1, Int64(seq))
            insert.bind(2, Int64(chunks[seq].count))
            let compressed = chunks[seq].withUnsafeBytes { compressor.compress($0) }
            compressed.withUnsafeBytes { insert.bindBlob(3, $0) }
            try insert.run()
        }
    }

    @Test func chunksMoveToARowidTableWithEveryByteKept() throws {
        let chunks = (0..<3).map { part in (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7 + part) } }
        try makeSchema3Store(chunks: chunks)
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        #expect(try store.db.scalarInt("PRAGMA user_version") == Schema.currentVersion)
        let table = try store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'blob_chunks'")
        #expect(try table.step())
        #expect(!table.string(0).uppercased().contains("WITHOUT ROWID"))
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'blob_chunks_key'") == 1)
        var read: [[UInt8]] = []
        try store.forEachChunk(ofBlob: 1) { _, bytes in
            read.append(bytes)
            return true
        }
        #expect(read == chunks)  // in seq order, byte-exact
        // The index keeps (blob, seq) unique, and deleting the blob still takes its chunks.
        #expect(throws: StoreError.self) {
            try store.db.execute("INSERT INTO blob_chunks(blob, seq, raw_size, data) VALUES (1, 0, 1, x'00')")
        }
        try store.db.execute("DELETE FROM blobs WHERE id = 1")
        #expect(try store.db.scalarInt("SELECT count(*) FROM blob_chunks") == 0)
    }
}
