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
        let query = try db.prepare("SELECT stream, blob, bytes, truncated FROM outputs WHERE invocation = ? ORDER BY stream = 'stderr', stream")
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
    public func forEachChunk(
        ofBlob blob: Int64, reversed: Bool = false, after: Int64? = nil,
        _ body: (_ seq: Int64, _ bytes: [UInt8]) throws -> Bool
    ) throws {
        let order = reversed ? "DESC" : "ASC"
        let query = try db.prepare("SELECT seq, raw_size, data FROM blob_chunks WHERE blob = ? AND seq > ? ORDER BY seq \(order)")
        query.bind(1, blob)
        query.bind(2, after ?? -1)
        while try query.step() {
            let seq = query.int(0)
            let rawSize = Int(query.int(1))
            let decoded = query.withBlob(2) { ChunkCodec.decompress($0, rawSize: rawSize) }
            guard let decoded else { throw StoreError(path, "output chunk \(seq) of blob \(blob) is damaged") }
            if try !body(seq, decoded) { return }
        }
    }
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Returns errno on failure, 0 on success.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return 0
}

@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}
