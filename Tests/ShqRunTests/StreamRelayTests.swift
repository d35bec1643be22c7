import CShims
import Foundation
import Glibc
@testable import ShqRun
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// One stream's relay driven directly past the capture cap, with the kernel's refusals simulated: a
/// destination that stops taking splice mid-stream, a pipe of the tail's chain refused mid-stream. What
/// reaches the destination and what is stored must be the command's bytes, each once, in order.
@Suite struct StreamRelayTests {
    let directory = TemporaryDirectory()
    let store: Store
    let seq: Int64

    init() throws {
        store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        seq = try insertLiveRecord(store, command: nil, wrapper: nil)
    }

    final class Box: @unchecked Sendable {
        var bytes: [UInt8] = []
        var spliced = 0
        var splices = 0
        var splicesAfterRefusal = 0
        var refused = false
        var pipes = 0
    }

    static func random(_ count: Int) -> [UInt8] {
        [UInt8](FileHandle(forReadingAtPath: "/dev/urandom")!.readData(ofLength: count))
    }

    /// Relays `data`, written by a thread into a capture pipe in pieces of mixed sizes, to a pipe read by
    /// another thread; returns what that reader got and what the store holds of the stream.
    func relay(
        _ data: [UInt8], cap: Int64, splice: @escaping StreamRelay.Splice = StreamRelay.splice,
        makePipe: @escaping TailPipeChain.PipeMaker = TailPipeChain.pipe
    ) throws -> (relayed: [UInt8], stored: [UInt8]) {
        let target = RecordTarget(store: store, seq: seq, invocation: try #require(try store.invocation(seq: seq)), triedAt: MonotonicClock.now())
        let recorder = StoreRecorder(target: target, cap: CaptureCap(bytes: cap), faults: FaultReporter())
        recorder.start()
        let capture = RunEngine.makePipe(), wake = RunEngine.makePipe()
        var destination: [Int32] = [-1, -1]
        #expect(shq_pipe_cloexec(&destination) == 0)
        let relay = StreamRelay(
            stream: .stdout, pipe: capture.read, target: destination[1], wake: wake.read, endSignal: Condition(), recorder: recorder,
            cap: CaptureCap(bytes: cap), splice: splice, makePipe: makePipe)
        relay.start()
        let received = Box()
        let reader = OSThread { [read = destination[0]] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
                if count <= 0 { return }
                received.bytes += buffer.prefix(count)
            }
        }
        let writer = OSThread { [write = capture.write] in
            var offset = 0
            var turn = 0
            let sizes = [262_144, 1_000, 70_001, 4_096, 500_000, 33_000]
            while offset < data.count {
                let count = min(sizes[turn % sizes.count], data.count - offset)
                #expect(data.withUnsafeBytes { writeAll(write, UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)])) } == 0)
                offset += count
                turn += 1
            }
            close(write)
        }
        writer.join()
        relay.join()
        close(destination[1])
        reader.join()
        close(destination[0])
        close(wake.read)
        close(wake.write)
        recorder.finish(.exited(0), endedAt: .now(), durationMicros: 1, truncated: relay.isTruncated ? [.stdout] : [])
        let output = try #require(try store.outputs(for: seq).first { $0.stream == .stdout })
        var stored: [UInt8] = []
        if let blob = output.blob { try store.forEachChunk(ofBlob: blob) { _, chunk in stored += chunk; return true } }
        #expect(output.truncated == (data.count > cap))
        return (received.bytes, stored)
    }

    func expectCapped(_ data: [UInt8], cap: Int64, _ result: (relayed: [UInt8], stored: [UInt8])) {
        let cut = CaptureCap(bytes: cap)
        #expect(result.relayed.count == data.count)
        #expect(TailPipeChainTests.same(result.relayed, data))
        #expect(result.stored.count == Int(cut.headBytes + cut.tailBytes))
        #expect(TailPipeChainTests.same(result.stored, Array(data.prefix(Int(cut.headBytes)) + data.suffix(Int(cut.tailBytes)))))
    }

    /// The head boundary falls inside a read (an odd cap); past it, the pieces are teed and spliced.
    @Test func pastTheCapBytesAreSplicedAndTheTailKeptExactly() throws {
        let data = Self.random(9 << 20)
        let box = Box()
        let counting: StreamRelay.Splice = { from, to, count in
            box.splices += 1
            let moved = shq_splice(from, to, count, 0)
            if moved > 0 { box.spliced += moved }
            return moved
        }
        let cap: Int64 = 3_000_001
        expectCapped(data, cap: cap, try relay(data, cap: cap, splice: counting))
        // Most of what lies past the head went by splice.
        #expect(box.spliced > (data.count - 1_500_001) / 2)
    }

    /// The destination refuses splice after 3 MiB (as EINVAL from a device, or a file reopened with
    /// O_APPEND would): the bytes teed but not spliced are written, and the stream goes on by read.
    @Test func aDestinationRefusingSpliceMidStreamLosesAndRepeatsNothing() throws {
        let data = Self.random(9 << 20)
        let box = Box()
        let refusing: StreamRelay.Splice = { from, to, count in
            box.splices += 1
            if box.refused { box.splicesAfterRefusal += 1 }
            if box.spliced >= 3 << 20 {
                box.refused = true
                errno = EINVAL
                return -1
            }
            // Half of what was asked: the refusal comes after part of a teed piece went.
            let moved = shq_splice(from, to, max(1, count / 2), 0)
            if moved > 0 { box.spliced += moved }
            return moved
        }
        let cap: Int64 = 2_000_003
        expectCapped(data, cap: cap, try relay(data, cap: cap, splice: refusing))
        #expect(box.refused)
        #expect(box.splicesAfterRefusal == 0)
    }

    /// The tail's chain gets three pipes (scratch, two segments) and is refused the fourth, as
    /// F_SETPIPE_SZ is past the per-user pipe pages: the tail goes back to memory mid-stream.
    @Test func aPipeRefusedMidStreamFallsBackToReadingWithEveryByteOnce() throws {
        let data = Self.random(9 << 20)
        let box = Box()
        let refusing: TailPipeChain.PipeMaker = { bytes in
            box.pipes += 1
            if box.pipes > 3 {
                errno = EPERM
                return nil
            }
            return TailPipeChain.pipe(bytes)
        }
        let cap: Int64 = 6_000_001
        expectCapped(data, cap: cap, try relay(data, cap: cap, makePipe: refusing))
        #expect(box.pipes == 4)
    }
}
