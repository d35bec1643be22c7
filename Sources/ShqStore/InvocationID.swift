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
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xf)]], as: UTF8.self)
        }.joined()
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
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
