/// Replaces secrets in a command line (or a line of output) with `[REDACTED]`, leaving everything else
/// byte for byte as it was.
///
/// Two hand-written scanners find the spans to replace, in one pass each and without a regex engine
/// (see Docs/privacy.md for the measurements behind that choice):
/// - `ShellScan` reads the text as shell words, quote-aware, and looks inside quoted strings: `NAME=value`
///   with a secret NAME, `--password VALUE`, `mysql -pVALUE`, `curl -u user:VALUE`, `openssl pass:VALUE`.
/// - `TokenScan` looks everywhere for shapes that are secrets whatever surrounds them: known token
///   formats, `scheme://user:VALUE@host`, `Authorization: Bearer VALUE` headers, `"password": "VALUE"`,
///   `Bearer VALUE`, PEM private-key bodies.
///
/// Works on raw bytes: invalid UTF-8 and NUL pass through untouched. Idempotent: redacting twice gives
/// the same bytes as redacting once.
public enum Redactor {
    public static let replacement = "[REDACTED]"

    public static func redact(_ text: [UInt8]) -> [UInt8] {
        // A replacement can change what a later scan sees (a merged span swallowing a PEM footer, `Bearer`
        // now followed by `TOKEN=[REDACTED]`), so passes repeat until nothing changes; that is what makes
        // redaction idempotent. Lines without secrets take one pass; the fuzz tests never needed a fourth.
        var current = text
        for _ in 0..<maximumPasses {
            let next = redactOnce(current)
            if next == current { break }
            current = next
        }
        return current
    }

    static let maximumPasses = 8

    static func redactOnce(_ text: [UInt8]) -> [UInt8] {
        var spans: [RedactionSpan] = []
        text.withUnsafeBufferPointer { buffer in
            var shell = ShellScan(text: buffer)
            shell.scan(0, buffer.count, depth: 0)
            spans = shell.spans
            TokenScan(text: buffer).scan(into: &spans)
        }
        return spans.isEmpty ? text : apply(spans, to: text)
    }

    public static func redact(_ text: String) -> String {
        String(decoding: redact(Array(text.utf8)), as: UTF8.self)
    }

    /// Replaces the spans, merging those that overlap or touch (so `[REDACTED][REDACTED]` never appears
    /// and a second pass finds the same spans again).
    static func apply(_ spans: [RedactionSpan], to text: [UInt8]) -> [UInt8] {
        let sorted = spans.sorted { $0.start < $1.start || ($0.start == $1.start && $0.end > $1.end) }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var cursor = 0
        var index = 0
        while index < sorted.count {
            var span = sorted[index]
            index += 1
            while index < sorted.count && sorted[index].start <= span.end {
                span.end = max(span.end, sorted[index].end)
                index += 1
            }
            if span.start < cursor { span.start = cursor }
            output.append(contentsOf: text[cursor..<span.start])
            output.append(contentsOf: span.replacement)
            cursor = span.end
        }
        output.append(contentsOf: text[cursor...])
        return output
    }
}

/// Bytes `start..<end` are to be replaced.
struct RedactionSpan {
    var start: Int
    var end: Int
    var replacement: [UInt8] = RedactorPatterns.replacement
}
