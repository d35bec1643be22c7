/// Redacts a captured stream as it arrives, line by line with the same engine as command lines, so a
/// secret split across two reads is still caught. A partial line is held back until its newline (or until
/// `maximumLine` bytes, after which it is redacted and passed on as is: a secret straddling that cut can
/// escape, a bounded-memory trade-off).
///
/// PEM private keys span lines: between a `-----BEGIN … PRIVATE KEY-----` line and its `-----END` line the
/// body is replaced by a single `[REDACTED]` line.
public struct OutputRedactor: Sendable {
    public static let maximumLine = 64 * 1024

    private var pending: [UInt8] = []
    private var inPrivateKey = false
    private var privateKeyReplaced = false

    public init() {}

    /// Redacted bytes ready to store (complete lines only).
    public mutating func process(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        var lineStart = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if pending.isEmpty {
                emitLine(Array(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<offset])), newline: true, into: &output)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<offset]))
                let line = pending
                pending.removeAll(keepingCapacity: true)
                emitLine(line, newline: true, into: &output)
            }
            lineStart = offset + 1
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[lineStart...]))
        while pending.count >= Self.maximumLine {
            let head = Array(pending[..<Self.maximumLine])
            pending.removeFirst(Self.maximumLine)
            emitLine(head, newline: false, into: &output)
        }
        return output
    }

    public mutating func process(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { process($0) }
    }

    /// The held-back partial line, redacted.
    public mutating func finish() -> [UInt8] {
        var output: [UInt8] = []
        if !pending.isEmpty {
            let line = pending
            pending.removeAll()
            emitLine(line, newline: false, into: &output)
        }
        return output
    }

    /// Decisions are taken on what is emitted (the redacted line, the `-----END` kept at the start of its
    /// line), so that redacting the stored output again gives the same bytes.
    private mutating func emitLine(_ line: [UInt8], newline: Bool, into output: inout [UInt8]) {
        var redacted: [UInt8]
        if inPrivateKey {
            guard let end = Self.find(line, Self.pemEnd) else {
                if !privateKeyReplaced {
                    output += RedactorPatterns.replacement
                    output.append(UInt8(ascii: "\n"))
                    privateKeyReplaced = true
                }
                return
            }
            inPrivateKey = false
            redacted = Self.pemEnd + Redactor.redact(Array(line[(end + Self.pemEnd.count)...]))
        } else {
            redacted = Redactor.redact(line)
            if let begin = Self.find(redacted, Self.pemBegin), Self.find(redacted, Self.pemPrivateKey) != nil,
               Self.find(Array(redacted[begin...]), Self.pemEnd) == nil {
                inPrivateKey = true
                privateKeyReplaced = false
            }
        }
        output += redacted
        if newline { output.append(UInt8(ascii: "\n")) }
    }

    private static let pemBegin = Array("-----BEGIN ".utf8)
    private static let pemEnd = Array("-----END".utf8)
    private static let pemPrivateKey = Array("PRIVATE KEY-----".utf8)

    private static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
            start += 1
        }
        return nil
    }
}
