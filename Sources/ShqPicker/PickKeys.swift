/// A key the picker acts on, decoded from the bytes a terminal sends in raw mode.
public enum PickKey: Equatable, Sendable {
    case text([UInt8])  // printable bytes (UTF-8), appended to the query
    case enter, tab, escape, interrupt, cancel  // Enter, Tab, Esc, Ctrl-C, Ctrl-G
    case up, down, pageUp, pageDown
    case backspace, clearQuery, deleteWord  // Backspace, Ctrl-U, Ctrl-W
    case nextFilter, nextMode  // Ctrl-R, Ctrl-S
    case forget, suspend  // Ctrl-D, Ctrl-Z
    case pickNth(Int)  // Alt-1…9
    case ignored
}

/// Splits terminal input into keys. An escape byte alone is Esc only when nothing follows it in the same
/// read or within the driver's short wait (`flushPendingEscape`): arrows and Alt-keys arrive as sequences.
public struct PickKeyDecoder {
    private var pending: [UInt8] = []

    public init() {}

    /// True when a lone ESC waits for what may follow it.
    public var hasPending: Bool { !pending.isEmpty }

    public mutating func decode(_ bytes: some Sequence<UInt8>) -> [PickKey] {
        pending.append(contentsOf: bytes)
        var keys: [PickKey] = []
        var index = 0
        var text: [UInt8] = []
        func flushText() { if !text.isEmpty { keys.append(.text(text)); text = [] } }
        while index < pending.count {
            let byte = pending[index]
            if byte == 0x1B {
                guard index + 1 < pending.count else { break }  // maybe the start of a sequence
                flushText()
                let (key, length) = Self.escapeSequence(pending, at: index)
                guard length > 0 else { break }  // incomplete: wait for more
                keys.append(key)
                index += length
                continue
            }
            index += 1
            switch byte {
            case 13, 10: flushText(); keys.append(.enter)
            case 9: flushText(); keys.append(.tab)
            case 3: flushText(); keys.append(.interrupt)
            case 7: flushText(); keys.append(.cancel)
            case 14: flushText(); keys.append(.down)  // Ctrl-N
            case 16: flushText(); keys.append(.up)  // Ctrl-P
            case 127, 8: flushText(); keys.append(.backspace)
            case 21: flushText(); keys.append(.clearQuery)
            case 23: flushText(); keys.append(.deleteWord)
            case 18: flushText(); keys.append(.nextFilter)
            case 19: flushText(); keys.append(.nextMode)
            case 4: flushText(); keys.append(.forget)
            case 26: flushText(); keys.append(.suspend)
            case 0..<0x20: flushText(); keys.append(.ignored)
            default: text.append(byte)
            }
        }
        flushText()
        pending.removeFirst(index)
        return keys
    }

    /// Nothing followed a lone ESC: it was the Esc key.
    public mutating func flushPendingEscape() -> [PickKey] {
        guard !pending.isEmpty else { return [] }
        pending.removeAll()
        return [.escape]
    }

    /// The key an escape sequence starting at `start` stands for and its length; length 0 when the
    /// sequence is not complete yet.
    static func escapeSequence(_ bytes: [UInt8], at start: Int) -> (PickKey, Int) {
        let second = bytes[start + 1]
        if second == UInt8(ascii: "[") || second == UInt8(ascii: "O") {
            // CSI or SS3: parameters, then a final byte in 0x40…0x7E.
            var end = start + 2
            while end < bytes.count, !(0x40...0x7E).contains(bytes[end]) { end += 1 }
            guard end < bytes.count else { return (.ignored, 0) }
            let parameters = String(decoding: bytes[(start + 2)..<end], as: UTF8.self)
            let length = end - start + 1
            switch bytes[end] {
            case UInt8(ascii: "A"): return (.up, length)
            case UInt8(ascii: "B"): return (.down, length)
            case UInt8(ascii: "~") where parameters == "5": return (.pageUp, length)
            case UInt8(ascii: "~") where parameters == "6": return (.pageDown, length)
            default: return (.ignored, length)
            }
        }
        if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(second) { return (.pickNth(Int(second - 48)), 2) }
        if second == 0x1B { return (.escape, 1) }  // Esc pressed twice: the first one is a key
        return (.ignored, 2)  // Alt-something else
    }
}
