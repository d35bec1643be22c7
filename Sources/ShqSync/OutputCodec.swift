import ShqStore

/// The bytes of a synced output (`sync_outputs`), sealed like a record's (`RecordSeal`, a nonce of its
/// own) with the record's id, the stream and the format version bound as associated data: an output
/// moved to another record or stream on the server fails to open.
///
/// Layout, version 1: a truncated byte (0/1), a chunk count (4 bytes, big endian), then per chunk its
/// decompressed size (4) and compressed size (4) and the zstd bytes as the store keeps them.
enum OutputCodec {
    static let version: UInt32 = 1

    /// What one stream may carry: `sync_outputs` pushes the last `cap` bytes of each stream
    /// (Docs/sync.md). A pulled chunk claiming more is not decompressed.
    static let cap: Int64 = 1 << 20

    static func encode(_ output: SyncedOutput) -> [UInt8] {
        var out: [UInt8] = [output.truncated ? 1 : 0]
        out.reserveCapacity(16 + output.chunks.reduce(0) { $0 + 8 + $1.data.count })
        appendBigEndian(&out, UInt64(output.chunks.count), width: 4)
        for chunk in output.chunks {
            appendBigEndian(&out, UInt64(chunk.rawSize), width: 4)
            appendBigEndian(&out, UInt64(chunk.data.count), width: 4)
            out += chunk.data
        }
        return out
    }

    /// The output `encode` wrote; nil if the bytes are not one (or claim more than the cap).
    static func decode(_ data: [UInt8], id: [UInt8], stream: OutputStream) -> SyncedOutput? {
        var offset = 0
        func number(_ width: Int) -> Int? {
            guard data.count - offset >= width else { return nil }
            var value = 0
            for byte in data[offset..<offset + width] { value = value << 8 | Int(byte) }
            offset += width
            return value
        }
        guard let truncated = number(1), truncated <= 1, let count = number(4) else { return nil }
        var chunks: [SyncedOutput.Chunk] = []
        var total = 0
        for _ in 0..<count {
            guard let rawSize = number(4), let length = number(4), data.count - offset >= length else { return nil }
            total += rawSize
            guard total <= cap else { return nil }
            chunks.append(.init(rawSize: Int64(rawSize), data: Array(data[offset..<offset + length])))
            offset += length
        }
        guard offset == data.count else { return nil }
        return SyncedOutput(id: id, stream: stream, truncated: truncated == 1, chunks: chunks)
    }

    /// The associated data of an output: what the server keeps of it in the clear.
    static func associatedData(id: [UInt8], stream: String, version: UInt32) -> [UInt8] {
        var data = Array("shq-output".utf8)
        data += id
        appendBigEndian(&data, UInt64(version), width: 4)
        data += Array(stream.utf8)
        return data
    }
}
