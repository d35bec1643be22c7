import ShqSystem
import Synchronization

/// Where a chunk's compressed bytes are, and the one way to read them.
///
/// Since migration 7 a chunk's bytes are in the chunk file (`ChunkFile`): its row holds `file_offset` and
/// `file_length`, and an empty `data`. Chunks stored before stay in their row (`data`, `file_offset`
/// NULL), and so does a chunk written while the chunk file could not be written (the command's output
/// is still kept; the store warns once). Every reader of chunk bytes goes through `withCompressedChunk`.
///
/// Deleting a chunk row (tail eviction, forget, prune, a duplicate blob dropped, a sync deletion; by
/// cascade or directly, by shq or by anyone's SQL) records its range in `chunk_holes` (a trigger); the
/// range is released (`ChunkFile.release`) only after that delete has committed, by
/// `releaseFreedChunks` or a writer's next chunk: a rolled-back delete never loses bytes, and a crash in
/// between leaves the hole recorded for the next release.
extension Store {
    /// The columns of `blob_chunks` that `withCompressedChunk` reads, in this order.
    static let chunkPlaceColumns = "data, file_offset, file_length"

    /// THE chunk reader: calls `body` with the compressed bytes of the chunk in the current row of
    /// `statement`, whose columns from `column` on are `chunkPlaceColumns`.
    func withCompressedChunk<T>(_ statement: Statement, column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        if statement.isNull(column + 1) { return try statement.withBlob(column, body) }
        let bytes = try chunkFile.read(offset: statement.int(column + 1), length: Int(statement.int(column + 2)))
        return try bytes.withUnsafeBytes(body)
    }

    /// The decompressed chunk in the current row of `statement` (`withCompressedChunk`); `rawSize` is
    /// what it holds decompressed.
    func decompressedChunk(_ statement: Statement, column: Int32, rawSize: Int, seq: Int64, blob: Int64) throws -> [UInt8] {
        let decompressor = self.decompressor
        let decoded = try withCompressedChunk(statement, column: column) { decompressor.decompress($0, rawSize: rawSize) }
        guard let decoded else { throw StoreError(path, "output chunk \(seq) of blob \(blob) is damaged") }
        return decoded
    }

    /// Whether the row of chunk `seq` of `blob` exists now (a new read, when no transaction is open).
    func chunkExists(blob: Int64, seq: Int64) throws -> Bool {
        let query = try db.prepare("SELECT 1 FROM blob_chunks WHERE blob = ? AND seq = ?")
        query.bind(1, blob)
        query.bind(2, seq)
        return try query.step()
    }

    /// Stores a chunk's compressed bytes in the chunk file, inside the caller's write transaction (whose
    /// lock makes this the only writer appending), and returns where; nil if the chunk file cannot be
    /// written: the chunk then goes into its row, and the store says so once.
    func appendToChunkFile(_ bytes: UnsafeRawBufferPointer) throws -> (offset: Int64, length: Int64)? {
        let end = try db.cachedStatement("chunk file end") { "SELECT end_offset FROM chunk_file" }
        defer { end.reset() }
        let recordedEnd = try end.step() ? end.int(0) : 0
        end.reset()
        let offset: Int64
        do {
            offset = try chunkFile.append(bytes, recordedEnd: recordedEnd)
        } catch is ChunkFile.OutOfSpace {
            return nil
        } catch {
            Self.warnChunkFileOnce(error)
            return nil
        }
        let length = Int64(bytes.count)
        let record = try db.cachedStatement("chunk file grows") { "UPDATE chunk_file SET end_offset = ?1" }
        defer { record.reset() }
        record.bind(1, offset + length)
        try record.run()
        return (offset, length)
    }

    /// Releases the chunk-file ranges of deleted chunks whose deletion has committed. Does nothing inside
    /// a transaction (its deletes are not final yet: the next release does them) or when none is pending.
    public func releaseFreedChunks() throws {
        guard db.isAutocommit else { return }
        let pending = try db.cachedStatement("chunk hole pending") { "SELECT 1 FROM chunk_holes LIMIT 1" }
        let any = try pending.step()
        pending.reset()
        guard any else { return }
        try db.writeTransaction { try releaseCommittedHoles() }
        chunkFile.sync()
    }

    /// Inside a write transaction that has deleted no chunk yet (so every hole listed was committed):
    /// releases each recorded hole, then forgets it. Released twice is harmless (the range is no one's).
    func releaseCommittedHoles() throws {
        let holes = try db.prepare("SELECT file_offset, file_length FROM chunk_holes")
        var released: [Int64] = []
        while try holes.step() {
            try chunkFile.release(offset: holes.int(0), length: holes.int(1))
            released.append(holes.int(0))
        }
        let forget = try db.prepare("DELETE FROM chunk_holes WHERE file_offset = ?")
        for offset in released {
            forget.reset()
            forget.bind(1, offset)
            try forget.run()
        }
    }

    /// The chunk file could not be written: said once per process, on stderr (the user's command goes
    /// on, its output is stored in the database instead).
    private static func warnChunkFileOnce(_ error: any Error) {
        guard !chunkFileWarned.exchange(true, ordering: .relaxed) else { return }
        _ = writeAll(2, Array("shq: \(error); keeping output in the database instead\n".utf8))
    }
}

/// Whether this process has warned about the chunk file already (or must not: `shq session`).
private let chunkFileWarned = Atomic<Bool>(false)

extension Store {
    /// No warning about the chunk file on stderr from this process: `shq session`'s stderr is the
    /// user's terminal, which it never writes on its own account.
    public static func keepChunkFileWarningsQuiet() {
        chunkFileWarned.store(true, ordering: .relaxed)
    }
}
