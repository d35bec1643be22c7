import ShqSystem
import ShqTestSupport
import Testing
@testable import ShqStore

/// The summaries written with each chunk: no trigram of the text is ever missing from its chunk's filter
/// (a miss would make `shq grep` skip a match), lines and sizes add up to the text's, and evicted tail
/// chunks take their summaries with them.
@Suite struct ChunkSummaryTests {
    func store() throws -> (Store, Int64, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        let seq = try #require(try store.insert(Invocation(cmd: Array("x".utf8), source: .run, startedAt: .now(), status: .running)))
        return (store, seq, directory)
    }

    @Test(arguments: [7, 64, 1000, 256 * 1024])
    func everyTrigramOfTheTextPassesItsChunksFilter(chunkSize: Int) throws {
        let (store, seq, directory) = try store()
        _ = directory
        var generator = SystemRandomNumberGenerator()
        let pieces = ["Error", "\u{1b}[1;31m", "\u{1b}[0m", "\r\n", "\n", "\u{1b}]0;t\u{07}", "\u{1b}\n", "warning: x", "Zz9", "\0", "é"]
        var raw: [UInt8] = []
        while raw.count < 3 * chunkSize + 50 {
            raw += Array(pieces.randomElement(using: &generator)!.utf8)
            raw += (0..<Int.random(in: 0..<9, using: &generator)).map { _ in UInt8.random(in: 0x20...0x7e, using: &generator) }
        }
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: chunkSize)
        try writer.append(raw)
        try writer.finish()
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        let chunks = try store.chunkSummaries(ofBlob: blob)
        #expect(chunks.count == (raw.count + chunkSize - 1) / chunkSize)
        // The text chunk by chunk, as a reader from the start strips it.
        var stripper = EscapeStripper(dropCarriageReturns: true)
        var text: [UInt8] = [], owner: [Int] = []
        for (index, chunk) in chunks.enumerated() {
            let summary = try #require(chunk.summary)
            #expect(summary.startState == stripper.stateCode)
            let bytes = Array(raw[(index * chunkSize)..<min(raw.count, (index + 1) * chunkSize)])
            #expect(summary.hasNul == bytes.contains(0))
            let piece = stripper.strip(bytes)
            #expect(summary.textBytes == piece.count)
            #expect(summary.lines == piece.filter { $0 == 10 }.count)
            text += piece
            owner += Array(repeating: index, count: piece.count)
        }
        var missing = 0
        for end in text.indices.dropFirst(2) {
            let key = Trigram.keys(of: Array(text[(end - 2)...end]))[0]
            if try !#require(chunks[owner[end]].summary).mayHold(key) { missing += 1 }
        }
        #expect(missing == 0)
        // And the filter says no to most trigrams that are not there (it is not simply full).
        let absent = (0..<200).map { Trigram.keys(of: Array("q\($0 % 10)#\($0)".utf8))[0] }
        let passed = absent.filter { key in chunks.allSatisfy { $0.summary!.mayHold(key) } }.count
        #expect(passed < 100)
    }

    @Test func evictedTailChunksTakeTheirSummaries() throws {
        let (store, seq, directory) = try store()
        _ = directory
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 8192)
        try writer.append([UInt8](repeating: 0x61, count: 10_000))
        try writer.startTail(keepingLast: 16_384)
        for _ in 0..<40 { try writer.append([UInt8](repeating: 0x62, count: 3000)) }
        try writer.finish(truncated: true)
        let count = try store.db.prepare("SELECT (SELECT count(*) FROM blob_chunks) = (SELECT count(*) FROM chunk_summaries)")
        #expect(try count.step() && count.int(0) == 1)
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        // The kept tail does not follow the head: the gap in chunk numbers shows it.
        let seqs = try store.chunkSummaries(ofBlob: blob).map(\.seq)
        #expect(seqs != Array(0..<Int64(seqs.count)))
    }

    @Test func aStoreFromBeforeSummariesKeepsItsChunksUnsummarisedAndSummarisesNewOnes() throws {
        let directory = TemporaryDirectory()
        let db = try Database(path: directory.databasePath)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.installMigrationFunctions()
        for migration in Schema.migrations.prefix(5) { try db.execute(migration) }
        try db.execute("PRAGMA user_version = 5")
        try db.execute("INSERT INTO blobs(id, hash, size) VALUES (1, 'h', 6)")
        let compressed = Array("old\nx\n".utf8).withUnsafeBytes { ChunkCodec.Compressor().compress($0) }
        let insert = try db.prepare("INSERT INTO blob_chunks(blob, seq, raw_size, data) VALUES (1, 0, 6, ?)")
        compressed.withUnsafeBytes { insert.bindBlob(1, $0) }
        try insert.run()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        #expect(try store.chunkSummaries(ofBlob: 1).map { $0.summary == nil } == [true])
        let seq = try #require(try store.insert(Invocation(cmd: Array("x".utf8), source: .run, startedAt: .now(), status: .running)))
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4)
        try writer.append(Array("new\nlines\n".utf8))
        try writer.finish()
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        let summaries = try store.chunkSummaries(ofBlob: blob).map(\.summary)
        #expect(summaries.count == 3 && summaries.allSatisfy { $0 != nil })
        #expect(summaries.reduce(0) { $0 + $1!.lines } == 2)
        // Deleting a blob takes its summaries (foreign key, ON DELETE CASCADE).
        try store.db.execute("DELETE FROM outputs; DELETE FROM blobs")
        #expect(try store.db.scalarInt("SELECT count(*) FROM chunk_summaries") == 0)
    }
}
