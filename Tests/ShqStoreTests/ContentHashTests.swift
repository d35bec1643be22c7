import Testing

@testable import ShqStore

@Suite struct ContentHashTests {
    func hash(_ pieces: [[UInt8]]) -> String {
        var hasher = ContentHash()
        for piece in pieces { piece.withUnsafeBytes { hasher.update($0) } }
        return hasher.finalize()
    }

    func data(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// Pinned: stored blobs are found again only while the algorithm stays the same.
    @Test func knownValues() {
        #expect(hash([]) == "4b1c076a1b448e596ed1633c5bfd93ad")
        #expect(hash([Array("abc".utf8)]) == "31baee42c6552db986ba742e253f128c")
        #expect(hash([[UInt8](repeating: 0x61, count: 1_000_000)]) == "5d3063652ca3f200b87cbf19e0304119")
    }

    /// The hash of a stream does not depend on how it arrives: single bytes, pieces across stripe ends.
    @Test(arguments: [1, 7, 63, 64, 65, 1000, 4096])
    func sameWhateverThePieces(size: Int) {
        let bytes = data(20_000, seed: UInt64(size))
        let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        #expect(hash(pieces) == hash([bytes]))
    }

    @Test func finalizeLeavesTheStreamOpen() {
        var hasher = ContentHash()
        let bytes = data(1000, seed: 3)
        bytes[..<500].withUnsafeBytes { hasher.update($0) }
        _ = hasher.finalize()
        bytes[500...].withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalize() == hash([bytes]))
    }

    /// Every single-bit change, a trailing zero byte, words or stripes swapped: all change the hash.
    @Test func smallChangesChangeTheHash() {
        let bytes = data(200, seed: 9)
        var seen: Set<String> = [hash([bytes])]
        for bit in 0..<(bytes.count * 8) {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << (bit % 8)
            seen.insert(hash([flipped]))
        }
        #expect(seen.count == 1 + bytes.count * 8)
        #expect(hash([bytes + [0]]) != hash([bytes]))
        #expect(hash([[0]]) != hash([]))
        let words = Array(bytes[8..<16] + bytes[0..<8] + bytes[16...])
        #expect(hash([words]) != hash([bytes]))
        let stripes = Array(bytes[64..<128] + bytes[0..<64] + bytes[128...])
        #expect(hash([stripes]) != hash([bytes]))
    }

    @Test func distinctForManyShortInputs() {
        let hashes = Set((0..<100_000).map { hash([Array(String($0).utf8)]) })
        #expect(hashes.count == 100_000)
    }
}
