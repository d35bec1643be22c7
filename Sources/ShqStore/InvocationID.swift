import CShims
import Glibc

/// Invocation ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
/// sort by creation time and are unique across machines (imports and merges never collide).
public enum InvocationID {
    public static func make(at time: Timestamp = .now()) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        var random = [UInt8](repeating: 0, count: 10)
        fillRandom(&random)
        let millis = UInt64(max(0, time.microseconds / 1000))
        for i in 0..<6 { bytes[i] = UInt8((millis >> (8 * UInt64(5 - i))) & 0xff) }
        for i in 0..<10 { bytes[6 + i] = random[i] }
        bytes[6] = (bytes[6] & 0x0f) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        // Hex with dashes after bytes 4, 6, 8 and 10, built as ASCII bytes (imports make 100k of these).
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Random bytes from the kernel. The corresponding C function is `getrandom`.
    static func fillRandom(_ buffer: inout [UInt8]) {
        let count = buffer.count
        let filled = buffer.withUnsafeMutableBytes { shq_getrandom($0.baseAddress, UInt(count)) }
        if filled != count {
            for i in 0..<count { buffer[i] = UInt8.random(in: 0...255) }
        }
    }
}
