/// One stream of one record's output as `shq sync` moves it (`sync_outputs = true`): the last bytes of
/// the stored output, as the store's own zstd chunks (compressed before they are sealed, and never
/// recompressed to push them).
public struct SyncedOutput: Sendable, Equatable {
    /// One compressed chunk and the number of bytes it holds once decompressed.
    public struct Chunk: Sendable, Equatable {
        public var rawSize: Int64
        public var data: [UInt8]

        public init(rawSize: Int64, data: [UInt8]) {
            self.rawSize = rawSize
            self.data = data
        }
    }

    /// The record's id (16 bytes).
    public var id: [UInt8]
    public var stream: OutputStream
    /// Bytes were left out: by the capture cap when it was stored, or by the sync cap now.
    public var truncated: Bool
    public var chunks: [Chunk]

    public init(id: [UInt8], stream: OutputStream, truncated: Bool, chunks: [Chunk]) {
        self.id = id
        self.stream = stream
        self.truncated = truncated
        self.chunks = chunks
    }

    public var rawSize: Int64 { chunks.reduce(0) { $0 + $1.rawSize } }
}

/// The local half of syncing outputs.
extension Store {
    /// An output finished for a record that `shq sync` may already have passed: `shq session` stores a
    /// command's output after the hook's record, and a sync can run between the two. The outputs cursor
    /// goes back to just before the record, so the next push looks at it again; outputs the server
    /// already holds are ignored there (the first copy of a stream wins). One statement, nothing read.
    func outputArrived(for invocation: Int64) throws {
        let rewind = try db.cachedStatement("rewind outputs cursor") {
            "UPDATE sync_state SET value = CAST(?1 - 1 AS TEXT) WHERE key = 'outputs_pushed_through' AND CAST(value AS INTEGER) >= ?1"
        }
        rewind.bind(1, invocation)
        defer { rewind.reset() }
        try rewind.run()
    }

    /// Calls `body` with the output of each finished record whose row is in `after+1 ... through`, in row
    /// order, one at a time: each stream's last `cap` bytes (whole chunks; a last chunk larger than the
    /// cap is cut to its last `cap` bytes). Streams with no bytes stored go too, with no chunks: they say
    /// the output was captured and empty.
    public func forEachOutputToPush(
        after: Int64, through: Int64, cap: Int64, _ body: (SyncedOutput) throws -> Void
    ) throws {
        let outputs = try db.prepare("""
            SELECT i.id, o.stream, o.blob, o.truncated FROM invocation_rows i JOIN outputs o ON o.invocation = i.seq
            WHERE i.seq > ?1 AND i.seq <= ?2 AND i.status NOT IN ('running', 'stopped') ORDER BY i.seq, o.stream
            """)
        outputs.bind(1, after)
        outputs.bind(2, through)
        let chunks = try db.prepare("SELECT raw_size, \(Self.chunkPlaceColumns), seq FROM blob_chunks WHERE blob = ?1 ORDER BY seq DESC")
        while try outputs.step() {
            guard let stream = OutputStream(rawValue: outputs.string(1)) else { continue }
            var output = SyncedOutput(id: outputs.bytes(0), stream: stream, truncated: outputs.int(3) != 0, chunks: [])
            if let blob = outputs.optionalInt(2) {
                chunks.reset()
                chunks.bind(1, blob)
                var kept: Int64 = 0
                while try chunks.step() {
                    let rawSize = chunks.int(0)
                    if kept + rawSize <= cap {
                        output.chunks.append(.init(rawSize: rawSize, data: try withCompressedChunk(chunks, column: 1) { Array($0) }))
                        kept += rawSize
                        continue
                    }
                    output.truncated = true
                    // Nothing kept yet: this chunk alone is over the cap, so keep its end.
                    if kept == 0, cap > 0 {
                        let decoded = try decompressedChunk(chunks, column: 1, rawSize: Int(rawSize), seq: chunks.int(4), blob: blob)
                        let end = decoded.suffix(Int(cap))
                        let compressed = end.withUnsafeBytes { ChunkCodec.Compressor().compress($0) }
                        output.chunks.append(.init(rawSize: Int64(end.count), data: compressed))
                    }
                    break
                }
                output.chunks.reverse()
            }
            try body(output)
        }
    }

    /// Whether `forEachOutputToPush` has anything for these rows.
    public func hasOutputsToPush(after: Int64, through: Int64) throws -> Bool {
        let query = try db.prepare("""
            SELECT EXISTS (SELECT 1 FROM invocation_rows i JOIN outputs o ON o.invocation = i.seq
            WHERE i.seq > ?1 AND i.seq <= ?2 AND i.status NOT IN ('running', 'stopped'))
            """)
        query.bind(1, after)
        query.bind(2, through)
        return try query.step() && query.int(0) == 1
    }

    /// Stores pulled outputs, inside the caller's transaction: each for a record this store holds and
    /// whose stream it has no output for (its own capture, or an earlier pull, wins). Through
    /// `OutputWriter`, so a pulled output is content-addressed like a captured one. Returns how many
    /// were stored.
    func storePulledOutputs(_ pulled: [SyncedOutput]) throws -> Int {
        guard !pulled.isEmpty else { return 0 }
        let record = try db.prepare("""
            SELECT seq, EXISTS (SELECT 1 FROM outputs o WHERE o.invocation = i.seq AND o.stream = ?2)
            FROM invocation_rows i WHERE id = ?1
            """)
        var stored = 0
        for output in pulled {
            record.reset()
            output.id.withUnsafeBytes { record.bindBlob(1, $0) }
            record.bind(2, output.stream.rawValue)
            guard try record.step(), record.int(1) == 0 else { continue }
            let writer = OutputWriter(store: self, invocation: record.int(0), stream: output.stream)
            for chunk in output.chunks {
                let raw = chunk.data.withUnsafeBytes { decompressor.decompress($0, rawSize: Int(chunk.rawSize)) }
                guard let raw else { throw StoreError(path, "a pulled output chunk does not decompress") }
                try writer.append(raw)
            }
            try writer.finish(truncated: output.truncated)
            stored += 1
        }
        return stored
    }
}

extension SyncedOutput {
    /// The bytes the chunks hold, decompressed (for a plain server's readable `output` column); nil if a
    /// chunk does not decompress.
    public func decompressed() -> [UInt8]? {
        let decompressor = ChunkCodec.Decompressor()
        var bytes: [UInt8] = []
        for chunk in chunks {
            guard let raw = chunk.data.withUnsafeBytes({ decompressor.decompress($0, rawSize: Int(chunk.rawSize)) }) else { return nil }
            bytes += raw
        }
        return bytes
    }
}
