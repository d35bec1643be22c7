import CShims
import Glibc

/// Invocation ids are UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
/// sort by creation time and are unique across machines (imports and merges never collide).
///
/// Users see the dashed lowercase text; the store keeps the 16 bytes (`bytes(_:)`), which sort the same way.
public enum InvocationID {
    public static func make(at time: Timestamp = .now()) -> String {
        text(makeBytes(at: time))
    }

    /// A new id's 16 bytes. An import makes the bytes first and the text from them (the text parsed
    /// back to bytes was ~10% of the preparing threads' instructions).
    public static func makeBytes(at time: Timestamp = .now()) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 16)
        RandomPool.fill(&bytes[6...])
        let millis = UInt64(max(0, time.microseconds / 1000))
        for i in 0..<6 { bytes[i] = UInt8((millis >> (8 * UInt64(5 - i))) & 0xff) }
        bytes[6] = (bytes[6] & 0x0f) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3f) | 0x80  // RFC 4122 variant
        return bytes
    }

    /// The dashed lowercase text of 16 id bytes: hex with dashes after bytes 4, 6, 8 and 10, written
    /// straight into the string's storage (imports make 1M of these).
    public static func text(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2 + 4) { text in
            var at = 0
            for (index, byte) in bytes.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                text[at] = hexDigit(byte >> 4)
                text[at + 1] = hexDigit(byte & 0xf)
                at += 2
            }
            return at
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
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
