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

    /// The writer may ask for a piece after the relay moved the ring past what it meant to copy.
    @Test func nothingToCopyIsEmptyNotACrash() {
        let ring = TailRing(limit: 4)
        append(ring, [1, 2, 3])
        #expect(ring.copy(from: 3, maxCount: 5).isEmpty)
        #expect(ring.copy(from: 0, maxCount: 0).isEmpty)
        #expect(ring.copy(from: 0, maxCount: -4).isEmpty)
    }
}
