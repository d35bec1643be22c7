import Glibc

/// Removes ANSI/VT escape sequences (CSI, OSC, two-byte escapes) from a byte stream, keeping state across
/// chunk boundaries; optionally carriage returns too (`shq grep` matches and shows text as a person reads
/// it: CRLF line ends and progress-bar returns are not part of a line).
public struct EscapeStripper: Sendable {
    private enum State: UInt8, Sendable { case text, escape, csi, osc, oscEscape }
    private var state = State.text
    private let dropCarriageReturns: Bool

    public init(dropCarriageReturns: Bool = false) {
        self.dropCarriageReturns = dropCarriageReturns
    }

    /// A stripper that goes on from a saved `stateCode`: the chunk summaries keep the state each chunk
    /// starts in, so `shq grep` can start reading in the middle of an output and strip it as a reading
    /// from the start would (an escape sequence can swallow a newline, so the state matters).
    public init(dropCarriageReturns: Bool, stateCode: UInt8) {
        self.dropCarriageReturns = dropCarriageReturns
        state = State(rawValue: stateCode) ?? .text
    }

    /// Where in an escape sequence the bytes so far ended (0: in text).
    public var stateCode: UInt8 { state.rawValue }

    public mutating func strip<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        let contiguous = Array(bytes)
        contiguous.withUnsafeBufferPointer { append($0, to: &out) }
        return out
    }

    /// Appends the text of `bytes` to `out`. Runs of plain text are copied whole: a scan for the next
    /// ESC (or CR), not a byte-at-a-time state machine, is what keeps `shq grep` near memory speed.
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let count = bytes.count
        var index = 0
        var nextEscape = -1, nextReturn = -1
        while index < count {
            switch state {
            case .text:
                // memchr for the next ESC (and CR), found once and reused until passed.
                if nextEscape < index { nextEscape = Self.find(0x1b, in: bytes, from: index) }
                if dropCarriageReturns && nextReturn < index { nextReturn = Self.find(0x0d, in: bytes, from: index) }
                let stop = dropCarriageReturns ? min(nextEscape, nextReturn) : nextEscape
                if stop > index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<stop])) }
                index = stop
                if index < count {
                    if bytes[index] == 0x1b { state = .escape }
                    index += 1
                }
                continue
            case .escape:
                let byte = bytes[index]
                state = byte == 0x5b ? .csi : byte == 0x5d ? .osc : .text
            case .csi:
                if bytes[index] >= 0x40 && bytes[index] <= 0x7e { state = .text }
            case .osc:
                if bytes[index] == 0x07 { state = .text } else if bytes[index] == 0x1b { state = .oscEscape }
            case .oscEscape:
                state = bytes[index] == 0x5c ? .text : .osc
            }
            index += 1
        }
    }

    /// The offset of the next `byte` at or after `from`, or `bytes.count`.
    private static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        guard from < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + from, Int32(byte), bytes.count - from) else { return bytes.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
}
