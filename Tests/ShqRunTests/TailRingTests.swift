import Testing
@testable import ShqRun

@Suite struct TailRingTests {
    func append(_ ring: TailRing, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { ring.append($0) }
    }

    @Test func keepsTheLastBytesAcrossTheWrap() {
        let ring = TailRing(limit: 10)
        append(ring, Array(0..<7))
        append(ring, Array(7..<15))
        #expect(ring.end == 15)
        #expect(ring.start == 5)
        #expect(ring.copy(from: 5, maxCount: 100) == Array(5..<15))
        #expect(ring.copy(from: 12, maxCount: 2) == [12, 13])
    }

    @Test func aChunkLargerThanTheRingKeepsItsEnd() {
        let ring = TailRing(limit: 4)
        append(ring, Array(0..<10))
        #expect(ring.end == 10)
        #expect(ring.copy(from: ring.start, maxCount: 10) == [6, 7, 8, 9])
    }

    /// Large pieces are copied with streaming stores from a 16-byte boundary of the ring on: pieces of odd
    /// sizes, at odd offsets, across the wrap, keep every byte in place.
    @Test func largePiecesAtOddOffsetsKeepEveryByte() {
        let limit = 3 * 65_536 + 5
        let ring = TailRing(limit: Int64(limit))
        var generator = SystemRandomNumberGenerator()
        var all: [UInt8] = []
        for size in [1, 4099, 65_537, 17, 100_003, 4096, 131_075, 63, 9_001] {
            let piece = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            append(ring, piece)
            all += piece
        }
        #expect(ring.end == Int64(all.count))
        #expect(ring.copy(from: ring.start, maxCount: limit) == Array(all.suffix(limit)))
        #expect(ring.copy(from: ring.end - 5000, maxCount: 3000) == Array(all[(all.count - 5000)..<(all.count - 2000)]))
    }

    /// The writer may ask for a piece after the relay moved the ring past what it meant to copy.
    @Test func nothingToCopyIsEmptyNotACrash() {
        let ring = TailRing(limit: 4)
        append(ring, [1, 2, 3])
        #expect(ring.copy(from: 3, maxCount: 5).isEmpty)
        #expect(ring.copy(from: 0, maxCount: 0).isEmpty)
        #expect(ring.copy(from: 0, maxCount: -4).isEmpty)
    }
}
