/// Removes ANSI/VT escape sequences (CSI, OSC, two-byte escapes) from a byte stream, keeping state across
/// chunk boundaries; optionally carriage returns too (`shq grep` matches and shows text as a person reads
/// it: CRLF line ends and progress-bar returns are not part of a line).
public struct EscapeStripper: Sendable {
    private enum State: Sendable { case text, escape, csi, osc, oscEscape }
    private var state = State.text
    private let dropCarriageReturns: Bool

    public init(dropCarriageReturns: Bool = false) {
        self.dropCarriageReturns = dropCarriageReturns
    }

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
        while index < count {
            switch state {
            case .text:
                let start = index
                if dropCarriageReturns {
                    while index < count, bytes[index] != 0x1b, bytes[index] != 0x0d { index += 1 }
                } else {
                    while index < count, bytes[index] != 0x1b { index += 1 }
                }
                if index > start { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
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
}
