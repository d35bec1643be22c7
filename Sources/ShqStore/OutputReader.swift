import Glibc

/// What is stored of one stream of one invocation.
public struct StoredOutput: Sendable, Equatable {
    public let stream: OutputStream
    public let blob: Int64?
    /// Bytes stored (the head and tail kept when truncated).
    public let bytes: Int64
    public let truncated: Bool
}

/// Reading captured output back, chunk by chunk.
extension Store {
    /// The streams recorded for an invocation.
    public func outputs(for invocation: Int64) throws -> [StoredOutput] {
        // Cached: `shq grep` asks once per command with output, thousands of times.
        let query = try db.cachedStatement("outputs of invocation") {
            "SELECT stream, blob, bytes, truncated FROM outputs WHERE invocation = ? ORDER BY stream = 'stderr', stream"
        }
        defer { query.reset() }
        query.bind(1, invocation)
        var result: [StoredOutput] = []
        while try query.step() {
            guard let stream = OutputStream(rawValue: query.string(0)) else { continue }
            result.append(StoredOutput(stream: stream, blob: query.optionalInt(1), bytes: query.int(2), truncated: query.int(3) != 0))
        }
        return result
    }

    /// Calls `body` with each decompressed chunk of a blob, in order (or reversed), starting after chunk
    /// `after` when given. `body` returns false to stop early. Memory use is one chunk at a time.
    ///
    /// A chunk deleted while this reads (the tail of a running command moving on, a `forget`) may have
    /// had its range in the chunk file released after the read began: when such a chunk does not read
    /// back and its row is gone in a fresh read, it is skipped, as if the read had begun a moment later.
    public func forEachChunk(
        ofBlob blob: Int64, reversed: Bool = false, after: Int64? = nil,
        _ body: (_ seq: Int64, _ bytes: [UInt8]) throws -> Bool
    ) throws {
        let order = reversed ? "DESC" : "ASC"
        var (low, high) = (after ?? -1, Int64.max)
        restart: while true {
            let query = try db.prepare("""
                SELECT seq, raw_size, \(Self.chunkPlaceColumns) FROM blob_chunks
                WHERE blob = ?1 AND seq > ?2 AND seq < ?3 ORDER BY seq \(order)
                """)
            query.bind(1, blob)
            query.bind(2, low)
            query.bind(3, high)
            while try query.step() {
                let seq = query.int(0)
                let decoded: [UInt8]
                do {
                    decoded = try decompressedChunk(query, column: 2, rawSize: Int(query.int(1)), seq: seq, blob: blob)
                } catch {
                    guard !query.isNull(3) else { throw error }
                    query.reset()  // ends this read, so the check below sees the store as it is now
                    guard db.isAutocommit, try !chunkExists(blob: blob, seq: seq) else { throw error }
                    if reversed { high = seq } else { low = seq }
                    continue restart
                }
                if try !body(seq, decoded) { return }
            }
            return
        }
    }

    /// The chunks of a blob in order, each with its summary, or nil for one stored before summaries were
    /// written. Reads no chunk data (the chunk keys come from their index).
    public func chunkSummaries(ofBlob blob: Int64) throws -> [(seq: Int64, summary: ChunkSummary?)] {
        let query = try db.cachedStatement("chunk summaries of blob") {
            """
            SELECT c.seq, s.lines, s.text_bytes, s.flags, s.bloom FROM blob_chunks c INDEXED BY blob_chunks_key
            LEFT JOIN chunk_summaries s ON s.blob = c.blob AND s.seq = c.seq WHERE c.blob = ? ORDER BY c.seq
            """
        }
        defer { query.reset() }
        query.bind(1, blob)
        var result: [(seq: Int64, summary: ChunkSummary?)] = []
        while try query.step() {
            let summary = query.isNull(1) ? nil : query.withBlob(4) {
                ChunkSummary(lines: Int(query.int(1)), textBytes: Int(query.int(2)), flags: query.int(3), bloom: $0)
            }
            result.append((query.int(0), summary))
        }
        return result
    }

    /// One decompressed chunk of a blob; nil when it was deleted (forgotten, evicted from a tail) since
    /// the caller learned of it, as `forEachChunk` skips such a chunk. Damage no delete explains throws.
    public func chunk(ofBlob blob: Int64, seq: Int64) throws -> [UInt8]? {
        let query = try db.cachedStatement("chunk of blob") {
            "SELECT raw_size, \(Self.chunkPlaceColumns) FROM blob_chunks WHERE blob = ? AND seq = ?"
        }
        defer { query.reset() }
        query.bind(1, blob)
        query.bind(2, seq)
        guard try query.step() else { return nil }
        do {
            return try decompressedChunk(query, column: 1, rawSize: Int(query.int(0)), seq: seq, blob: blob)
        } catch {
            // Its range may have been released between the row read and the file read.
            guard !query.isNull(2) else { throw error }
            query.reset()
            guard db.isAutocommit, try !chunkExists(blob: blob, seq: seq) else { throw error }
            return nil
        }
    }

    /// Whether two blobs hold the same bytes, however each is cut into chunks; one chunk of each is in
    /// memory at a time. Confirms a content-hash match before two outputs share a blob.
    func blobsHoldSameBytes(_ blob: Int64, _ other: Int64) throws -> Bool {
        let sizes = try db.prepare("SELECT (SELECT size FROM blobs WHERE id = ?1) = (SELECT size FROM blobs WHERE id = ?2)")
        sizes.bind(1, blob)
        sizes.bind(2, other)
        guard try sizes.step(), sizes.int(0) == 1 else { return false }
        if try chunksAreIdentical(blob, other) { return true }
        let otherChunks = try db.prepare("SELECT seq, raw_size, \(Self.chunkPlaceColumns) FROM blob_chunks WHERE blob = ? ORDER BY seq")
        otherChunks.bind(1, other)
        var pending: [UInt8] = [], offset = 0
        var same = true
        try forEachChunk(ofBlob: blob) { _, bytes in
            var compared = 0
            while same, compared < bytes.count {
                if offset == pending.count {
                    guard try otherChunks.step() else { same = false; break }
                    let decoded = try withCompressedChunk(otherChunks, column: 2) {
                        ChunkCodec.decompress($0, rawSize: Int(otherChunks.int(1)))
                    }
                    guard let decoded else { throw StoreError(path, "output chunk \(otherChunks.int(0)) of blob \(other) is damaged") }
                    (pending, offset) = (decoded, 0)
                    continue
                }
                let length = min(bytes.count - compared, pending.count - offset)
                // memcmp: `elementsEqual` on two slices compares a byte at a time, and was 6% of the CPU
                // of `shq run cat` on 1 GiB when the same output was stored before (Docs/design/relay.md).
                same = bytes.withUnsafeBytes { a in
                    pending.withUnsafeBytes { b in memcmp(a.baseAddress! + compared, b.baseAddress! + offset, length) == 0 }
                }
                compared += length
                offset += length
            }
            return same
        }
        // Equal sizes and every byte of `blob` matched, so `other` has nothing left.
        return same
    }

    /// The same chunk sizes and compressed bytes: equal without decompressing anything. The usual case
    /// (both written by the same shq with the same chunk size); otherwise the bytes are compared.
    private func chunksAreIdentical(_ blob: Int64, _ other: Int64) throws -> Bool {
        let sql = "SELECT raw_size, \(Self.chunkPlaceColumns) FROM blob_chunks WHERE blob = ? ORDER BY seq"
        let left = try db.prepare(sql), right = try db.prepare(sql)
        left.bind(1, blob)
        right.bind(1, other)
        while try left.step() {
            guard try right.step(), left.int(0) == right.int(0) else { return false }
            // Stored lengths first: chunks in the file are not read when their lengths already differ.
            if !left.isNull(2), !right.isNull(2), left.int(3) != right.int(3) { return false }
            let equal = try withCompressedChunk(left, column: 1) { a in
                try withCompressedChunk(right, column: 1) { b in
                    a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
                }
            }
            if !equal { return false }
        }
        return try !right.step()
    }
}
