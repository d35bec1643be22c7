/// The shape-based half of the redactor: secrets recognisable wherever they appear, quoted or not.
/// One pass over the bytes, dispatching on the current byte.
struct TokenScan {
    let text: UnsafeBufferPointer<UInt8>
    /// The format tables, read once per line rather than through their lazy globals at every word; nil
    /// when no word of the line is long enough for any format. Most command lines (`true`, `git status`)
    /// never build them: that took 0.74 M of the 4.6 M instructions of `shq run true`.
    private let tables: Tables?

    private struct Tables {
        let rows = TokenFormats.rows
        let rowsByFirstByte = TokenFormats.rowsByFirstByte
        let runFilters = TokenFormats.runFilters
        let secondBytes = TokenFormats.secondBytes
    }

    init(text: UnsafeBufferPointer<UInt8>) {
        self.text = text
        tables = Self.longestWord(text) >= TokenFormats.shortestMatch ? Tables() : nil
    }

    /// The longest run of bytes other than blanks and newlines: no format's match holds one
    /// (`TokenFormatTests` checks every row).
    static func longestWord(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        var longest = 0
        var current = 0
        for byte in text {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") {
                current = 0
            } else {
                current += 1
                if current > longest { longest = current }
            }
        }
        return longest
    }

    func scan(into spans: inout [RedactionSpan]) {
        let count = text.count
        var index = 0
        while index < count {
            let byte = text[index]
            let atBoundary = index == 0 || !isAlphanumeric(text[index - 1])
            if atBoundary, let span = tokenFormatSpan(at: index) {
                spans.append(span)
                index = span.end
                continue
            }
            switch byte {
            case UInt8(ascii: ":"):
                if let span = urlPassword(colon: index) { spans.append(span) }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if let span = quotedKeyValue(quote: index) ?? sqlPasswordLiteral(quote: index) { spans.append(span) }
            case UInt8(ascii: "b"), UInt8(ascii: "B"):
                if atBoundary, let span = bearerCredential(at: index) { spans.append(span) }
            case UInt8(ascii: "-"):
                if let span = privateKeyBody(at: index) {
                    spans.append(span)
                    index = span.end
                    continue
                }
            default:
                break
            }
            index += 1
        }
    }

    // MARK: Known token formats

    /// The first row of `TokenFormats` that matches here.
    private func tokenFormatSpan(at start: Int) -> RedactionSpan? {
        guard let tables else { return nil }
        let second: UInt8 = start + 1 < text.count ? text[start + 1] : 0
        for row in tables.rowsByFirstByte[Int(text[start])] {
            guard tables.secondBytes[row].contains(second) else { continue }
            if let filter = tables.runFilters[row], !filter.admits(text, at: start) { continue }
            if let span = tables.rows[row].match(text, at: start) { return span }
        }
        return nil
    }

    // MARK: SQL that sets a password

    /// `ALTER USER app WITH PASSWORD 'VALUE'`, `CREATE USER 'app'@'%' IDENTIFIED BY 'VALUE'`: a string
    /// literal after one of `RedactorPatterns.sqlPasswordPhrases` (any case, then blanks).
    private func sqlPasswordLiteral(quote: Int) -> RedactionSpan? {
        guard text[quote] == UInt8(ascii: "'") else { return nil }
        var end = quote
        while end > 0 && text[end - 1] == UInt8(ascii: " ") { end -= 1 }
        guard end < quote else { return nil }
        for phrase in RedactorPatterns.sqlPasswordPhrases where end >= phrase.count {
            let start = end - phrase.count
            guard start == 0 || !isAlphanumeric(text[start - 1]),
                  zip(text[start..<end], phrase).allSatisfy({ asciiLower($0) == $1 }) else { continue }
            guard let close = text[(quote + 1)...].firstIndex(of: UInt8(ascii: "'")), close > quote + 1 else { return nil }
            return RedactionSpan(start: quote + 1, end: close)
        }
        return nil
    }

    // MARK: scheme://user:password@host

    private func urlPassword(colon: Int) -> RedactionSpan? {
        guard colon > 0, isAlphanumeric(text[colon - 1]), hasPrefix(Array("//".utf8), at: colon + 1) else { return nil }
        let authorityStart = colon + 3
        var end = authorityStart
        var lastAt: Int?
        while end < text.count {
            let byte = text[end]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || byte <= 0x20
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\\") || byte == 0x7F {
                break
            }
            if byte == UInt8(ascii: "@") { lastAt = end }
            end += 1
        }
        guard let at = lastAt else { return nil }
        guard let userColon = text[authorityStart..<at].firstIndex(of: UInt8(ascii: ":")), userColon + 1 < at else { return nil }
        if text[userColon + 1] == UInt8(ascii: "$") { return nil }
        return RedactionSpan(start: userColon + 1, end: at)
    }

    // MARK: "Header-Name: value" and "json_key": "value"

    /// At an opening quote: `"X-Api-Key: value"` (value up to the closing quote) or `"password": "value"`.
    private func quotedKeyValue(quote: Int) -> RedactionSpan? {
        let quoteByte = text[quote]
        var nameEnd = quote + 1
        while nameEnd < text.count && SecretName.isNameByte(text[nameEnd]) { nameEnd += 1 }
        guard nameEnd > quote + 1, nameEnd < text.count else { return nil }
        let name = text[(quote + 1)..<nameEnd]
        if text[nameEnd] == UInt8(ascii: ":") {
            guard SecretName.isSecret(name) else { return nil }
            var start = skipBlanks(nameEnd + 1)
            start = skipAuthorizationScheme(start)
            var end = start
            while end < text.count && text[end] != quoteByte && text[end] != UInt8(ascii: "\n") { end += 1 }
            return secretValue(start, end)
        }
        // JSON: "name" : "value"
        guard text[nameEnd] == quoteByte, quoteByte == UInt8(ascii: "\"") else { return nil }
        var colon = skipBlanks(nameEnd + 1)
        guard colon < text.count, text[colon] == UInt8(ascii: ":"), SecretName.isSecret(name) else { return nil }
        colon = skipBlanks(colon + 1)
        guard colon < text.count, text[colon] == UInt8(ascii: "\"") else { return nil }
        var end = colon + 1
        while end < text.count && text[end] != UInt8(ascii: "\"") && text[end] != UInt8(ascii: "\n") {
            end += text[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        return secretValue(colon + 1, min(end, text.count))
    }

    /// Past `Bearer ` (or another scheme and its blanks) when the value starts with one.
    private func skipAuthorizationScheme(_ start: Int) -> Int {
        for scheme in RedactorPatterns.authorizationSchemes where hasPrefixIgnoringCase(scheme, at: start) {
            let after = start + scheme.count
            if after < text.count && (text[after] == UInt8(ascii: " ") || text[after] == UInt8(ascii: "\t")) {
                return skipBlanks(after)
            }
        }
        return start
    }

    // MARK: Bearer tokens anywhere

    private func bearerCredential(at start: Int) -> RedactionSpan? {
        let word = Array("bearer".utf8)
        guard hasPrefixIgnoringCase(word, at: start) else { return nil }
        let blank = start + word.count
        guard blank < text.count, text[blank] == UInt8(ascii: " ") || text[blank] == UInt8(ascii: "\t") else { return nil }
        let valueStart = skipBlanks(blank)
        var end = valueStart
        while end < text.count && Self.isTokenByte(text[end]) { end += 1 }
        if end - valueStart < 8 { return nil }
        return RedactionSpan(start: valueStart, end: end)
    }

    /// RFC 6750 token characters, plus `[]` so that an already redacted value is consumed whole.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
    }

    // MARK: PEM private keys

    /// `-----BEGIN … PRIVATE KEY-----` … `-----END`: the body goes, the armour lines stay. Without an END
    /// (a truncated paste), everything after the header goes.
    private func privateKeyBody(at start: Int) -> RedactionSpan? {
        let begin = Array("-----BEGIN ".utf8)
        guard hasPrefix(begin, at: start) else { return nil }
        var headerEnd = start + begin.count
        var labelEnd: Int?
        while headerEnd < text.count && text[headerEnd] != UInt8(ascii: "\n") {
            if hasPrefix(Array("-----".utf8), at: headerEnd) { labelEnd = headerEnd; break }
            headerEnd += 1
        }
        guard let labelEnd, text[(start + begin.count)..<labelEnd].containsSequence(Array("PRIVATE KEY".utf8)) else { return nil }
        let bodyStart = labelEnd + 5
        var bodyEnd = bodyStart
        let end = Array("-----END".utf8)
        while bodyEnd < text.count && !hasPrefix(end, at: bodyEnd) { bodyEnd += 1 }
        guard bodyEnd > bodyStart else { return nil }
        var replacement: [UInt8] = []
        if text[bodyStart] == UInt8(ascii: "\n") { replacement.append(UInt8(ascii: "\n")) }
        replacement += RedactorPatterns.replacement
        if bodyEnd < text.count && text[bodyEnd - 1] == UInt8(ascii: "\n") { replacement.append(UInt8(ascii: "\n")) }
        return RedactionSpan(start: bodyStart, end: bodyEnd, replacement: replacement)
    }

    // MARK: Helpers

    private func secretValue(_ start: Int, _ end: Int) -> RedactionSpan? {
        guard start < end, text[start] != UInt8(ascii: "$") else { return nil }
        return RedactionSpan(start: start, end: end)
    }

    private func skipBlanks(_ start: Int) -> Int {
        var index = start
        while index < text.count && (text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t")) { index += 1 }
        return index
    }

    private func hasPrefix(_ prefix: [UInt8], at start: Int) -> Bool {
        guard start + prefix.count <= text.count else { return false }
        for offset in 0..<prefix.count where text[start + offset] != prefix[offset] { return false }
        return true
    }

    private func hasPrefixIgnoringCase(_ lowercased: [UInt8], at start: Int) -> Bool {
        guard start + lowercased.count <= text.count else { return false }
        for offset in 0..<lowercased.count where asciiLower(text[start + offset]) != lowercased[offset] { return false }
        return true
    }
}

extension Collection where Element == UInt8 {
    fileprivate func containsSequence(_ needle: [UInt8]) -> Bool {
        let bytes = Array(self)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
