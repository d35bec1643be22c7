import CShims
import Glibc

/// Invocation ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
/// sort by creation time and are unique across machines (imports and merges never collide).
///
/// Users see the dashed lowercase text; the store keeps the 16 bytes (`bytes(_:)`), which sort the same way.
public enum InvocationID {
    public static func make(at time: Timestamp = .now()) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        RandomPool.fill(&bytes[6...])
        let millis = UInt64(max(0, time.microseconds / 1000))
        for i in 0..<6 { bytes[i] = UInt8((millis >> (8 * UInt64(5 - i))) & 0xff) }
        bytes[6] = (bytes[6] & 0x0f) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return text(bytes)
    }

    /// The dashed lowercase text of 16 id bytes: hex with dashes after bytes 4, 6, 8 and 10, built as
    /// ASCII bytes (imports make 100k of these).
    public static func text(_ bytes: [UInt8]) -> String {
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

    /// The 16 bytes of an id's text (32 hex digits, dashes anywhere, either case), or nil if it is not one.
    public static func bytes(_ text: String) -> [UInt8]? {
        guard let nibbles = hexDigits(text), nibbles.count == 32 else { return nil }
        return stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
    }

    /// The smallest and largest 16-byte ids whose text starts with `prefix` (hex digits, dashes ignored),
    /// or nil if `prefix` holds anything else or more than 32 digits: an id prefix as a range of the index.
    public static func range(prefix: String) -> (low: [UInt8], high: [UInt8])? {
        guard let nibbles = hexDigits(prefix), nibbles.count <= 32 else { return nil }
        func padded(_ fill: UInt8) -> [UInt8] {
            let all = nibbles + [UInt8](repeating: fill, count: 32 - nibbles.count)
            return stride(from: 0, to: 32, by: 2).map { all[$0] << 4 | all[$0 + 1] }
        }
        return (padded(0), padded(0xf))
    }

    /// The values of the hex digits in `text`, skipping dashes; nil at any other character.
    private static func hexDigits(_ text: String) -> [UInt8]? {
        var nibbles: [UInt8] = []
        nibbles.reserveCapacity(32)
        for char in text.utf8 {
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibbles.append(char - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibbles.append(char - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibbles.append(char - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "-"): continue
            default: return nil
            }
        }
        return nibbles
    }
}
