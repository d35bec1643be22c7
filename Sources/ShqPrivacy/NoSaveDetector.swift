import Glibc

/// Finds the no-save marker `ESC ] shq;nosave BEL` (or with the string terminator `ESC \` instead of BEL)
/// in a stream, however it is split across reads: a program prints it to ask that its output not be kept.
///
/// A state machine over the marker's bytes; the marker's only ESC is its first byte, so on a mismatch the
/// match restarts at most one byte back, and the cost is one comparison per byte.
public struct NoSaveDetector: Sendable {
    /// `ESC ] shq;nosave`; then BEL, or ESC followed by `\`.
    static let marker: [UInt8] = [0x1B] + Array("]shq;nosave".utf8)
    private static let bell: UInt8 = 0x07
    private static let escape: UInt8 = 0x1B

    /// Bytes of the marker matched so far; `marker.count + 1` means "matched, then ESC: expecting `\`".
    private var matched = 0
    public private(set) var found = false

    public init() {}

    /// Feeds bytes; returns true once the marker has been seen (now or before).
    @discardableResult
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if found { return true }
        let marker = Self.marker
        var index = 0
        while index < bytes.count {
            // Outside a partial match only an ESC can start one: let memchr find it (a byte-wise loop
            // here was 5% of capturing a large output).
            if matched == 0 {
                guard let escape = memchr(bytes.baseAddress! + index, Int32(Self.escape), bytes.count - index) else {
                    return false
                }
                index = bytes.baseAddress!.distance(to: UnsafeRawPointer(escape))
            }
            let byte = bytes[index]
            index += 1
            if matched < marker.count {
                if byte == marker[matched] {
                    matched += 1
                } else {
                    matched = byte == Self.escape ? 1 : 0
                }
            } else if matched == marker.count {
                if byte == Self.bell { found = true; return true }
                matched = byte == Self.escape ? marker.count + 1 : 0
            } else {
                if byte == UInt8(ascii: "\\") { found = true; return true }
                // ESC then not `\`: that ESC may start a new marker.
                matched = byte == Self.escape ? 1 : (byte == marker[1] ? 2 : 0)
            }
        }
        return false
    }

    @discardableResult
    public mutating func feed(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { feed($0) }
    }
}
