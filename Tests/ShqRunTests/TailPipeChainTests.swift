import CShims
import Glibc
import Testing
@testable import ShqRun

/// The tail kept in a chain of pipes (`TailRing.startChain`): the relay's tees and writes, what the
/// store copies out, and the fall back to memory when the kernel refuses a pipe.
@Suite struct TailPipeChainTests {
    /// 64 KiB segments: the default pipe size, which F_SETPIPE_SZ grants to anyone.
    static let segment = 1 << 16

    /// Bytes that differ at every position, so a byte out of place shows.
    static func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131 &+ seed &* 7 &+ $0 >> 9) ^ ($0 >> 3)) }
    }

    /// Compared outside #expect, which would print both arrays whole on a failure.
    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool { a == b }

    /// A pipe standing for the command's, with `piece` waiting at its front.
    final class Source {
        let read: Int32, write: Int32
        init() {
            let pipe = TailPipeChain.pipe(TailPipeChainTests.segment * 4)!
            (read, write) = (pipe.read, pipe.write)
        }
        deinit {
            close(read)
            close(write)
        }
        func put(_ piece: [UInt8]) { #expect(piece.withUnsafeBytes { Glibc.write(write, $0.baseAddress, $0.count) } == piece.count) }
        /// What the relay's splice would take: the front `count` bytes, gone from the pipe.
        func take(_ count: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            #expect(out.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, count) } == count)
            return out
        }
    }

    /// Tees `piece` into the ring as the relay does (tee, the bytes leave the source, publish), until
    /// all of it went or the chain refused; returns how much went.
    func feed(_ piece: [UInt8], into ring: TailRing, through source: Source) -> Int {
        source.put(piece)
        var done = 0
        while done < piece.count {
            let teed = ring.tee(from: source.read, maxCount: piece.count - done)
            if teed < 0 { return done }
            let same = source.take(teed) == Array(piece[done..<(done + teed)])
            #expect(same)
            ring.publish(teed)
            done += teed
        }
        return done
    }

    @Test func teesAndWritesKeepTheLastBytesInOrder() {
        let limit = 150_001
        let ring = TailRing(limit: Int64(limit))
        #expect(ring.startChain(segmentBytes: Self.segment))
        let source = Source()
        var all: [UInt8] = []
        // Written pieces (a read's tail) and teed ones, of odd sizes, across many segments.
        for (index, size) in [1000, 40_000, 65_536, 3, 70_000, 12_345, 65_535, 100_000, 7, 50_000].enumerated() {
            let piece = Self.bytes(size, seed: index)
            if index % 3 == 0 {
                piece.withUnsafeBytes { ring.append($0) }
                all += piece
            } else {
                #expect(feed(piece, into: ring, through: source) == piece.count)
                all += piece
            }
        }
        #expect(ring.isChained)
        #expect(ring.end == Int64(all.count))
        #expect(ring.start == ring.end - Int64(limit))
        #expect(Self.same(ring.copy(from: ring.start, maxCount: limit), Array(all.suffix(limit))))
        // A piece from the middle of a segment, across the next.
        let from = ring.end - 90_000
        #expect(Self.same(ring.copy(from: from, maxCount: 70_000), Array(all[(all.count - 90_000)..<(all.count - 20_000)])))
        // Copying consumes nothing.
        #expect(Self.same(ring.copy(from: ring.start, maxCount: limit), Array(all.suffix(limit))))
    }

    @Test func unpublishedBytesAreNotInTheTail() {
        let ring = TailRing(limit: 100_000)
        #expect(ring.startChain(segmentBytes: Self.segment))
        let source = Source()
        let kept = Self.bytes(30_000, seed: 1)
        #expect(feed(kept, into: ring, through: source) == kept.count)
        // Teed, never relayed (the reader went away): not published.
        let lost = Self.bytes(20_000, seed: 2)
        source.put(lost)
        #expect(ring.tee(from: source.read, maxCount: lost.count) == lost.count)
        #expect(ring.end == 30_000)
        #expect(Self.same(ring.copy(from: 0, maxCount: 100_000), kept))
        // Back in memory, the unpublished bytes are dropped and the stream goes on after the kept ones.
        ring.fallBack()
        #expect(!ring.isChained)
        let more = Self.bytes(5_000, seed: 3)
        more.withUnsafeBytes { ring.append($0) }
        #expect(Self.same(ring.copy(from: ring.start, maxCount: 100_000), kept + more))
    }

    /// A new segment refused mid-stream (F_SETPIPE_SZ past the per-user pipe pages, the fd limit): the
    /// tail goes back to memory with every byte, once.
    @Test(arguments: [true, false])
    func aRefusedSegmentFallsBackToMemoryMidStream(teeing: Bool) {
        var granted = 0
        let refusingAfterFour: TailPipeChain.PipeMaker = { bytes in
            granted += 1
            if granted > 4 {
                errno = EPERM
                return nil
            }
            return TailPipeChain.pipe(bytes)
        }
        let limit = 200_000
        let ring = TailRing(limit: Int64(limit))
        #expect(ring.startChain(segmentBytes: Self.segment, makePipe: refusingAfterFour))
        let source = Source()
        var all: [UInt8] = []
        var fellBack = false
        for index in 0..<12 {
            let piece = Self.bytes(40_000 + index, seed: index)
            if teeing, ring.isChained {
                let teed = feed(piece, into: ring, through: source)
                if teed < piece.count {
                    // The relay reads what the chain refused, as a chunk.
                    fellBack = true
                    let read = source.take(piece.count - teed)
                    read.withUnsafeBytes { ring.append($0) }
                }
                all += piece
            } else {
                piece.withUnsafeBytes { ring.append($0) }
                all += piece
            }
        }
        #expect(granted == 5)
        #expect(!ring.isChained)
        #expect(fellBack == teeing)
        #expect(ring.end == Int64(all.count))
        #expect(Self.same(ring.copy(from: ring.start, maxCount: limit), Array(all.suffix(limit))))
    }

    @Test func noChainWhenThePipesAreRefused() {
        let ring = TailRing(limit: 1000)
        #expect(!ring.startChain(segmentBytes: Self.segment, makePipe: { _ in nil }))
        #expect(!ring.isChained)
        [UInt8](0..<10).withUnsafeBytes { ring.append($0) }
        #expect(Self.same(ring.copy(from: 0, maxCount: 10), [UInt8](0..<10)))
    }
}
