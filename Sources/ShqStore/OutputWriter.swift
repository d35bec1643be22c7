/// Streams one captured stream into the store: buffers bytes into chunks, compresses each and commits it
/// as it fills, so a large output is never held whole in memory and a running command's output is
/// readable (`shq show --follow`) and survives a crashed wrapper.
///
/// When the stream ends, `finish` gives the blob its content hash; an identical blob already stored is
/// reused and the new copy dropped (content addressing).
///
/// Capture cap: after `startTail(keepingLast:)` every chunk committed belongs to the tail, and the oldest
/// tail chunks are deleted as newer ones arrive, so the blob holds the head plus the last bytes.
public final class OutputWriter {
    public static let defaultChunkSize = 256 * 1024

    private let store: Store
    private let invocation: Int64
    public let stream: OutputStream
    private var chunkSize: Int
    private var blob: Int64?
    private var nextChunk: Int64 = 0
    private var buffer: [UInt8] = []
    private var hasher = ContentHash()
    private let compressor = ChunkCodec.Compressor()
    /// Each chunk's summary for `shq grep`, written in the same transaction as the chunk.
    private var summarizer = ChunkSummarizer()
    /// Set by `startTail`: how many tail bytes to keep; the tail's chunks, oldest first.
    private var tailLimit: Int64?
    private var tailChunks: [(seq: Int64, size: Int64)] = []
    private var tailStored: Int64 = 0
    /// The hash state at the end of the head: a restarted tail continues from it.
    private var headHasher: ContentHash?
    /// Tail chunks were evicted since the tail (re)started, so the running hash no longer describes the
    /// blob and `finish` must re-read it.
    private var hashIsStale = false
    /// Tail chunks were deleted since this writer last released the chunk file's holes.
    private var evictedSinceRelease = false

    public init(store: Store, invocation: Int64, stream: OutputStream, chunkSize: Int = OutputWriter.defaultChunkSize) {
        self.store = store
        self.invocation = invocation
        self.stream = stream
        self.chunkSize = chunkSize
        buffer.reserveCapacity(chunkSize)
    }

    /// Adds bytes; commits a chunk each time `chunkSize` bytes have accumulated.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let take = min(chunkSize - buffer.count, bytes.count - offset)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if buffer.count == chunkSize {
                do {
                    try flush()
                } catch {
                    // The store was locked: nothing of these bytes is lost, the buffer keeps them all
                    // (`unflushed`), for a later flush or for the spool.
                    buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    throw error
                }
            }
        }
    }

    /// The blob being written (nil before the first chunk).
    public var blobID: Int64? { blob }
    /// The first chunk of the tail, once the tail started (chunks before it are the head).
    public private(set) var tailFirstChunk: Int64?
    /// Bytes appended but not yet committed.
    public var unflushed: [UInt8] { buffer }

    /// The head as committed so far: every chunk before the tail (reads need no write lock).
    public func committedHead() throws -> [UInt8] {
        guard let blob else { return [] }
        var head: [UInt8] = []
        try store.forEachChunk(ofBlob: blob) { seq, bytes in
            if let tailFirstChunk, seq >= tailFirstChunk { return false }
            head.append(contentsOf: bytes)
            return true
        }
        return head
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in try append(raw) }
    }

    /// Commits whatever is buffered as a (possibly short) chunk: its compressed bytes appended to the
    /// store's chunk file, then its row (and summary) committed. A crash in between leaves bytes no row
    /// points at, never a row without its bytes.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        let summary = buffer.withUnsafeBytes { summarizer.summarize($0) }
        // Compressed before the write lock is taken: other writers wait only for the append and the rows.
        let compressed = buffer.withUnsafeBytes { compressor.compress($0) }
        // In a transaction of its own (not joined to a caller's), every hole listed was committed.
        let ownTransaction = store.db.isAutocommit
        var appended: (offset: Int64, length: Int64)?
        do {
            try store.db.writeTransaction { () throws in
                if ownTransaction && evictedSinceRelease {
                    // The tail chunks this writer evicted before: their deletion has committed since.
                    try store.releaseCommittedHoles()
                    evictedSinceRelease = false
                }
                let blob = try ensureBlob()
                try insertChunk(compressed, blob: blob, appended: &appended)
                let summarize = try store.db.prepare(
                    "INSERT INTO chunk_summaries(blob, seq, lines, text_bytes, flags, bloom) VALUES (?, ?, ?, ?, ?, ?)")
                summarize.bind(1, blob)
                summarize.bind(2, nextChunk)
                summarize.bind(3, summary.lines)
                summarize.bind(4, summary.textBytes)
                summarize.bind(5, summary.flags)
                summary.bloom.withUnsafeBytes { summarize.bindBlob(6, $0) }
                try summarize.run()
                let grow = try store.db.prepare("UPDATE blobs SET size = size + ?1 WHERE id = ?2")
                grow.bind(1, Int64(buffer.count))
                grow.bind(2, blob)
                try grow.run()
                let count = try store.db.prepare("UPDATE outputs SET bytes = bytes + ?1 WHERE invocation = ?2 AND stream = ?3")
                count.bind(1, Int64(buffer.count))
                count.bind(2, invocation)
                count.bind(3, stream.rawValue)
                try count.run()
                if tailLimit != nil { try keepTail(blob: blob, newChunk: (nextChunk, Int64(buffer.count))) }
            }
        } catch {
            // Rolled back: no row points at the appended bytes. Best effort; they are no one's anyway.
            if ownTransaction, let appended { try? store.chunkFile.release(offset: appended.offset, length: appended.length) }
            throw error
        }
        buffer.withUnsafeBytes { hasher.update($0) }
        nextChunk += 1
        buffer.removeAll(keepingCapacity: true)
    }

    /// The chunk's row, inside `flush`'s transaction: its bytes in the chunk file (`appended`, where they
    /// went), or in the row if the chunk file cannot be written.
    private func insertChunk(_ compressed: [UInt8], blob: Int64, appended: inout (offset: Int64, length: Int64)?) throws {
        appended = try compressed.withUnsafeBytes { try store.appendToChunkFile($0) }
        let insert = try store.db.cachedStatement("insert chunk") {
            "INSERT INTO blob_chunks(blob, seq, raw_size, data, file_offset, file_length) VALUES (?, ?, ?, ?, ?, ?)"
        }
        defer { insert.reset() }
        insert.bind(1, blob)
        insert.bind(2, nextChunk)
        insert.bind(3, Int64(buffer.count))
        if let appended {
            // Empty, not NULL: `data` is NOT NULL since migration 1, and dropping that would copy every chunk.
            insert.bindBlob(4, UnsafeRawBufferPointer(start: nil, count: 0))
            insert.bind(5, appended.offset)
            insert.bind(6, appended.length)
        } else {
            compressed.withUnsafeBytes { insert.bindBlob(4, $0) }
            insert.bind(5, nil as Int64?)
            insert.bind(6, nil as Int64?)
        }
        try insert.run()
    }

    /// From now on, keeps only the last `bytes` bytes of what follows (whole chunks: up to one chunk more).
    /// What was stored before is the head and stays.
    public func startTail(keepingLast bytes: Int64) throws {
        try flush()
        tailLimit = bytes
        tailFirstChunk = nextChunk
        headHasher = hasher
        // Smaller chunks in the tail, so what is kept stays close to `bytes` even for a small cap.
        chunkSize = max(4096, min(chunkSize, Int(bytes / 4)))
    }

    /// Forgets the tail stored so far (the caller lost bytes after it, so it is no longer the contiguous
    /// end of the stream); the tail starts again with the next bytes.
    public func resetTail() throws {
        buffer.removeAll(keepingCapacity: true)
        if let blob, !tailChunks.isEmpty {
            try store.db.writeTransaction { () throws in
                while !tailChunks.isEmpty { try dropOldestTailChunk(blob: blob) }
            }
            try? store.releaseFreedChunks()
        }
        // The blob is the head again: hash on from there.
        if let headHasher { hasher = headHasher }
        hashIsStale = false
    }

    /// Records a new tail chunk and deletes the oldest ones the newer ones make unnecessary.
    private func keepTail(blob: Int64, newChunk: (seq: Int64, size: Int64)) throws {
        tailChunks.append(newChunk)
        tailStored += newChunk.size
        while let oldest = tailChunks.first, tailStored - oldest.size >= tailLimit ?? 0 {
            try dropOldestTailChunk(blob: blob)
            hashIsStale = true
            evictedSinceRelease = true
        }
    }

    private func dropOldestTailChunk(blob: Int64) throws {
        let oldest = tailChunks.removeFirst()
        tailStored -= oldest.size
        for table in ["blob_chunks", "chunk_summaries"] {
            let delete = try store.db.prepare("DELETE FROM \(table) WHERE blob = ? AND seq = ?")
            delete.bind(1, blob)
            delete.bind(2, oldest.seq)
            try delete.run()
        }
        let shrink = try store.db.prepare("UPDATE blobs SET size = size - ?1 WHERE id = ?2")
        shrink.bind(1, oldest.size)
        shrink.bind(2, blob)
        try shrink.run()
        let count = try store.db.prepare("UPDATE outputs SET bytes = bytes - ?1 WHERE invocation = ?2 AND stream = ?3")
        count.bind(1, oldest.size)
        count.bind(2, invocation)
        count.bind(3, stream.rawValue)
        try count.run()
    }

    /// The hash of what the blob holds now: the running hash, or a re-read when evicted chunks are in it.
    private func storedHash(blob: Int64) throws -> String {
        guard hashIsStale else { return hasher.finalize() }
        var rehash = ContentHash()
        try store.forEachChunk(ofBlob: blob) { _, bytes in
            bytes.withUnsafeBytes { rehash.update($0) }
            return true
        }
        return rehash.finalize()
    }

    /// Flushes, then content-addresses the blob: reuses an identical stored blob if there is one.
    /// An empty stream leaves an `outputs` row with zero bytes and no blob.
    public func finish(truncated: Bool = false) throws {
        try flush()
        try store.db.writeTransaction { () throws in
            try store.outputArrived(for: invocation)
            if blob == nil {
                let row = try store.emptyOutputInsert()
                row.bind(1, invocation)
                row.bind(2, stream.rawValue)
                row.bind(3, Int64(truncated ? 1 : 0))
                try row.run()
                return
            }
            guard let blob else { return }
            if truncated {
                let mark = try store.db.prepare("UPDATE outputs SET truncated = 1 WHERE invocation = ? AND stream = ?")
                mark.bind(1, invocation)
                mark.bind(2, stream.rawValue)
                try mark.run()
            }
            let hash = try storedHash(blob: blob)
            let existing = try store.db.prepare("SELECT id FROM blobs WHERE hash = ?")
            existing.bind(1, hash)
            let twin = try existing.step() ? existing.int(0) : nil
            if let twin, try store.blobsHoldSameBytes(blob, twin) {
                let repoint = try store.db.prepare("UPDATE outputs SET blob = ? WHERE blob = ?")
                repoint.bind(1, twin)
                repoint.bind(2, blob)
                try repoint.run()
                let drop = try store.db.prepare("DELETE FROM blobs WHERE id = ?")
                drop.bind(1, blob)
                try drop.run()
            } else if twin == nil {
                let name = try store.db.prepare("UPDATE blobs SET hash = ? WHERE id = ?")
                name.bind(1, hash)
                name.bind(2, blob)
                try name.run()
            }
            // Otherwise the hash collided with different bytes: this blob stays unnamed, kept but not shared.
        }
        // The evicted tail chunks, or this blob's chunks if an identical blob was kept instead. Best effort:
        // the output is committed; ranges not released now stay listed for the next release.
        try? store.releaseFreedChunks()
        evictedSinceRelease = false
    }

    /// Creates the blob and the `outputs` row on the first chunk (inside the caller's transaction).
    private func ensureBlob() throws -> Int64 {
        if let blob { return blob }
        try store.db.execute("INSERT INTO blobs(hash, size) VALUES (NULL, 0)")
        let id = store.db.lastInsertRowID
        let row = try store.db.prepare("""
            INSERT INTO outputs(invocation, stream, blob, bytes) VALUES (?1, ?2, ?3, 0)
            ON CONFLICT(invocation, stream) DO UPDATE SET blob = ?3, bytes = 0
            """)
        row.bind(1, invocation)
        row.bind(2, stream.rawValue)
        row.bind(3, id)
        try row.run()
        blob = id
        return id
    }
}
