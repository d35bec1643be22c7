/// The 128-bit hash that content-addresses captured output: finding an identical stored output so the
/// new copy can be dropped. It is not cryptographic, so a match is only a candidate: the bytes are
/// compared before two outputs share a blob (`Store.blobsHoldSameBytes`).
///
/// Why not SHA-256: on the 2-vCPU machines shq is measured on (no SHA extensions), SHA-256 ran at
/// ~120 MB/s in Swift and ~185 MB/s in OpenSSL, and it was half of the CPU `shq run` spent capturing
/// (perf, 24 MiB of output). This hash runs eight independent multiply-rotate lanes over 64-byte
/// stripes, several GB/s (Docs/design/store.md).
///
/// Changing the algorithm only costs deduplication against outputs stored before the change.
public struct ContentHash: Sendable {
    private static let m1: UInt64 = 0x9E37_79B9_7F4A_7C15  // 2^64 / golden ratio, odd
    private static let m2: UInt64 = 0xBB67_AE85_84CA_A73B  // fractional part of √3, odd

    private var lanes: [UInt64] = (0..<8).map { (UInt64($0) &+ 1) &* m2 ^ m1 }
    /// Bytes of an unfinished stripe (fewer than 64).
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            offset = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: offset))
            guard pending.count == 64 else { return }
            let stripe = pending
            stripe.withUnsafeBytes { absorb($0.baseAddress!, stripes: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = (bytes.count - offset) / 64
        absorb(base + offset, stripes: whole)
        offset += whole * 64
        pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: bytes.count - offset))
    }

    /// 32 lowercase hex digits. The hash itself is not changed: more bytes may follow.
    public func finalize() -> String {
        var copy = self
        if !copy.pending.isEmpty {
            // Zero padding is unambiguous: the length is mixed in below.
            let stripe = copy.pending + [UInt8](repeating: 0, count: 64 - copy.pending.count)
            stripe.withUnsafeBytes { copy.absorb($0.baseAddress!, stripes: 1) }
        }
        var high = Self.avalanche(length &* Self.m1)
        var low = Self.avalanche(~length &* Self.m2)
        for lane in copy.lanes {
            high = Self.rotate(high ^ Self.avalanche(lane), 27) &* Self.m1 &+ Self.m2
            low = Self.rotate(low &+ Self.avalanche(lane ^ Self.m1), 33) &* Self.m2 ^ high
        }
        return Self.hex(Self.avalanche(high)) + Self.hex(Self.avalanche(low))
    }

    /// The hot loop: one multiply-rotate-multiply round per 8-byte word, eight lanes kept in registers.
    private mutating func absorb(_ start: UnsafeRawPointer, stripes: Int) {
        guard stripes > 0 else { return }
        var a0 = lanes[0], a1 = lanes[1], a2 = lanes[2], a3 = lanes[3]
        var a4 = lanes[4], a5 = lanes[5], a6 = lanes[6], a7 = lanes[7]
        var p = start
        for _ in 0..<stripes {
            a0 = Self.round(a0, p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            a1 = Self.round(a1, p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            a2 = Self.round(a2, p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            a3 = Self.round(a3, p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            a4 = Self.round(a4, p.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
            a5 = Self.round(a5, p.loadUnaligned(fromByteOffset: 40, as: UInt64.self))
            a6 = Self.round(a6, p.loadUnaligned(fromByteOffset: 48, as: UInt64.self))
            a7 = Self.round(a7, p.loadUnaligned(fromByteOffset: 56, as: UInt64.self))
            p += 64
        }
        lanes = [a0, a1, a2, a3, a4, a5, a6, a7]
    }

    @inline(__always) private static func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        rotate(lane &+ UInt64(littleEndian: word) &* m1, 31) &* m2
    }

    @inline(__always) private static func rotate(_ x: UInt64, _ bits: UInt64) -> UInt64 {
        x &<< bits | x &>> (64 - bits)
    }

    /// Spreads every input bit over the whole word (xor-shift, multiply).
    private static func avalanche(_ x: UInt64) -> UInt64 {
        var x = x
        x ^= x >> 32
        x &*= m1
        x ^= x >> 29
        x &*= m2
        return x ^ x >> 32
    }

    private static func hex(_ x: UInt64) -> String {
        let digits = String(x, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
