import ShqTestSupport
import Testing
@testable import ShqStore

/// The capture cap's storage side: a head, then a tail that keeps only its last bytes.
@Suite struct OutputWriterTailTests {
    func store() throws -> (Store, Int64, TemporaryDirectory) {
        let directory = TemporaryDirectory()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        let seq = try #require(try store.insert(Invocation(cmd: Array("x".utf8), source: .run, startedAt: .now(), status: .running)))
        return (store, seq, directory)
    }

    func stored(_ store: Store, _ seq: Int64) throws -> [UInt8] {
        let output = try #require(try store.outputs(for: seq).first)
        var bytes: [UInt8] = []
        try store.forEachChunk(ofBlob: try #require(output.blob)) { _, chunk in bytes += chunk; return true }
        #expect(Int64(bytes.count) == output.bytes)
        return bytes
    }

    @Test func keepsHeadAndTheLastBytes() throws {
        let (store, seq, directory) = try store()
        _ = directory
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 8192)
        try writer.append(Array(data[0..<10_000]))
        try writer.startTail(keepingLast: 16_384)
        for start in stride(from: 10_000, to: data.count, by: 3000) {
            try writer.append(Array(data[start..<min(start + 3000, data.count)]))
        }
        try writer.finish(truncated: true)
        let bytes = try stored(store, seq)
        #expect(bytes.prefix(10_000).elementsEqual(data.prefix(10_000)))
        let tail = bytes.count - 10_000
        #expect(tail >= 16_384 && tail <= 16_384 + 4096)
        #expect(bytes.suffix(tail).elementsEqual(data.suffix(tail)))
        #expect(try store.outputs(for: seq).first?.truncated == true)
    }

    @Test func resetTailRestartsTheTail() throws {
        let (store, seq, directory) = try store()
        _ = directory
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4096)
        try writer.append(Array(repeating: UInt8(ascii: "h"), count: 5000))
        try writer.startTail(keepingLast: 1 << 20)
        try writer.append(Array(repeating: UInt8(ascii: "a"), count: 10_000))
        try writer.resetTail()
        try writer.append(Array(repeating: UInt8(ascii: "z"), count: 100))
        try writer.finish(truncated: true)
        #expect(try stored(store, seq) == Array(repeating: UInt8(ascii: "h"), count: 5000) + Array(repeating: UInt8(ascii: "z"), count: 100))
    }
}

extension OutputWriterTailTests {
    /// The blob's hash names exactly the bytes stored, whether the tail was evicted or restarted.
    @Test(arguments: [false, true])
    func hashDescribesTheStoredBytes(restart: Bool) throws {
        let (store, seq, directory) = try store()
        _ = directory
        let writer = OutputWriter(store: store, invocation: seq, stream: .stdout, chunkSize: 4096)
        try writer.append(Array(repeating: UInt8(ascii: "h"), count: 5000))
        try writer.startTail(keepingLast: 8192)
        try writer.append((0..<50_000).map { UInt8(truncatingIfNeeded: $0) })
        if restart {
            try writer.resetTail()
            try writer.append(Array(repeating: UInt8(ascii: "z"), count: 3000))
        }
        try writer.finish(truncated: true)
        let bytes = try stored(store, seq)
        let blob = try #require(try store.outputs(for: seq).first?.blob)
        let hash = try #require(try store.db.prepare("SELECT hash FROM blobs WHERE id = \(blob)").stepString())
        var expected = ContentHash()
        bytes.withUnsafeBytes { expected.update($0) }
        #expect(hash == expected.finalize())
    }
}

extension Statement {
    func stepString() throws -> String? { try step() ? string(0) : nil }
}
