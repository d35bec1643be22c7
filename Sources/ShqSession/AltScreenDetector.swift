import Glibc
import ShqSystem

/// Notices a full-screen program in a command's output: the switch to the alternate screen
/// (`CSI ? 1049 h`, or the older `? 1047 h` / `? 47 h`), even when split across reads.
struct AltScreenDetector {
    private static let switches = ["\u{1B}[?1049h", "\u{1B}[?1047h", "\u{1B}[?47h"].map { Array($0.utf8) }
    private static let longest = 8

    private(set) var found = false
    /// The last bytes of the previous piece, where a split switch may have begun.
    private var carry: [UInt8] = []

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !found, bytes.count > 0 else { return }
        if !carry.isEmpty {
            let joined = carry + bytes.prefix(Self.longest - 1)
            carry = []
            if joined.withUnsafeBytes(Self.contains) { found = true; return }
        }
        if Self.contains(bytes) { found = true; return }
        carry = Array(bytes.suffix(Self.longest - 1))
    }

    private static func contains(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        while index < bytes.count, let hit = memchr(base + index, 0x1B, bytes.count - index) {
            let at = base.distance(to: UnsafeRawPointer(hit))
            for pattern in switches where at + pattern.count <= bytes.count {
                if bytes[at..<(at + pattern.count)].elementsEqual(pattern) { return true }
            }
            index = at + 1
        }
        return false
    }
}
