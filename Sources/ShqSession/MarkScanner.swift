import Glibc
import ShqSystem

/// Reads the shell hook's marks out of the PTY's output, as it streams past.
///
/// Inside a session the hook writes, around each command, the FinalTerm / OSC 133 marks for the real
/// terminal (bare: `ESC ] 133 ; C BEL` …) and its own private marks for the proxy:
///
///     ESC ] shq;mark;<nonce>;C BEL              the command's output starts here
///     ESC ] shq;mark;<nonce>;D;<key> BEL        it ended; <key> is the record's `<session>:<n>`, empty
///                                               when the hook did not record the command
///
/// Only a private mark carrying this session's secret nonce counts, and it never reaches the real
/// terminal. Anything else that looks like a mark (a command printing one, another integration's,
/// a nonce that does not match) is the command's output: passed on and captured unchanged, except that
/// OSC 133 sequences are passed on but not captured (the stored output is the command's, marks removed).
/// BEL and ST (`ESC \`) both terminate. A sequence split across reads is held back until the rest
/// arrives (`isHolding`; the relay flushes it as plain output if nothing follows soon).
public struct MarkScanner {
    public enum Mark: Equatable, Sendable {
        case commandStart
        /// `key` nil: the hook did not record the command (ignore rules, `shq hook off`).
        case commandEnd(key: String?)
    }

    public enum Piece {
        /// Bytes for the real terminal; `captured`: also part of the command's output.
        case output(UnsafeRawBufferPointer, captured: Bool)
        case mark(Mark)
    }

    static let privatePrefix = Array("\u{1B}]shq;mark;".utf8)
    static let semanticPrefix = Array("\u{1B}]133;".utf8)
    /// A candidate sequence longer than this is not a mark: passed on as it is.
    static let maxLength = 512

    private let nonce: [UInt8]
    private var held: [UInt8] = []

    public init(nonce: String) { self.nonce = Array(nonce.utf8) }

    /// True while the tail of the last read might be the start of a mark.
    public var isHolding: Bool { !held.isEmpty }

    /// Splits `input` (preceded by whatever was held) into pieces, in order.
    public mutating func scan(_ input: UnsafeRawBufferPointer, _ emit: (Piece) -> Void) {
        guard !held.isEmpty else {
            scanBuffer(input, emit)
            return
        }
        var joined = held
        held = []
        joined.append(contentsOf: input)
        joined.withUnsafeBytes { scanBuffer($0, emit) }
    }

    /// Gives up waiting for the rest of a held sequence: it is plain output.
    public mutating func flush(_ emit: (Piece) -> Void) {
        guard !held.isEmpty else { return }
        let bytes = held
        held = []
        bytes.withUnsafeBytes { emit(.output($0, captured: true)) }
    }

    private enum Found {
        case incomplete
        case other
        case semantic(end: Int)
        case own(end: Int, Mark?)
    }

    private mutating func scanBuffer(_ buffer: UnsafeRawBufferPointer, _ emit: (Piece) -> Void) {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        var start = 0  // the first byte not yet emitted
        var index = 0
        func emitPlain(upTo end: Int) {
            if end > start { emit(.output(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), captured: true)) }
        }
        while index < count, let found = memchr(base + index, 0x1B, count - index) {
            let escape = base.distance(to: UnsafeRawPointer(found))
            switch classify(buffer, at: escape) {
            case .incomplete:
                emitPlain(upTo: escape)
                held = Array(buffer[escape...])
                return
            case .other:
                index = escape + 1
            case .semantic(let end):
                emitPlain(upTo: escape)
                emit(.output(UnsafeRawBufferPointer(rebasing: buffer[escape..<end]), captured: false))
                start = end
                index = end
            case .own(let end, let mark):
                emitPlain(upTo: escape)
                if let mark { emit(.mark(mark)) }
                start = end
                index = end
            }
        }
        emitPlain(upTo: count)
    }

    /// What starts at the ESC at `position`.
    private func classify(_ buffer: UnsafeRawBufferPointer, at position: Int) -> Found {
        let available = buffer.count - position
        func matches(_ prefix: [UInt8]) -> Bool {
            let length = min(available, prefix.count)
            for offset in 0..<length where buffer[position + offset] != prefix[offset] { return false }
            return true
        }
        let prefix: [UInt8]
        if matches(Self.privatePrefix) {
            prefix = Self.privatePrefix
        } else if matches(Self.semanticPrefix) {
            prefix = Self.semanticPrefix
        } else {
            return .other
        }
        if available < prefix.count { return .incomplete }
        // The terminator: BEL or ST; an ESC followed by anything else interrupts the sequence.
        let limit = min(buffer.count, position + Self.maxLength)
        var cursor = position + prefix.count
        while cursor < limit {
            let byte = buffer[cursor]
            if byte == 0x07 { return finish(buffer, prefix: prefix, payload: (position + prefix.count)..<cursor, end: cursor + 1) }
            if byte == 0x1B {
                guard cursor + 1 < buffer.count else { return .incomplete }
                guard buffer[cursor + 1] == UInt8(ascii: "\\") else { return .other }
                return finish(buffer, prefix: prefix, payload: (position + prefix.count)..<cursor, end: cursor + 2)
            }
            cursor += 1
        }
        return buffer.count - position < Self.maxLength ? .incomplete : .other
    }

    private func finish(_ buffer: UnsafeRawBufferPointer, prefix: [UInt8], payload: Range<Int>, end: Int) -> Found {
        guard prefix == Self.privatePrefix else { return .semantic(end: end) }
        let fields = buffer[payload].split(separator: UInt8(ascii: ";"), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, fields[0].elementsEqual(nonce) else { return .other }  // not ours: the command's bytes
        switch (Array(fields[1]), fields.count) {
        case ([UInt8(ascii: "C")], 2):
            return .own(end: end, .commandStart)
        case ([UInt8(ascii: "D")], 3):
            let key = String(decoding: fields[2], as: UTF8.self)
            return .own(end: end, .commandEnd(key: key.isEmpty ? nil : key))
        default:
            return .own(end: end, nil)  // ours, but not understood (a newer hook): dropped
        }
    }
}
