/// Decides whether a variable, option, header or JSON key name announces a secret value.
///
/// The name is split into lower-cased segments at `_`, `-`, `.` and camelCase humps
/// (`AWS_SECRET_ACCESS_KEY` → aws secret access key, `clientSecret` → client secret), then checked against
/// `RedactorPatterns`. Works on bytes: a name is ASCII or it is not a name.
enum SecretName {
    static func isSecret<C: Collection>(_ name: C) -> Bool where C.Element == UInt8 {
        let segments = split(name)
        guard let first = segments.first, let last = segments.last else { return false }
        if RedactorPatterns.nonSecretLastSegments.contains(last) { return false }
        if segments.count > 1 && RedactorPatterns.nonSecretFirstSegments.contains(first) { return false }
        let joined = Array(segments.joined())
        for word in RedactorPatterns.secretSubstrings where contains(joined, word) { return true }
        for (index, segment) in segments.enumerated() {
            for suffix in RedactorPatterns.secretSegmentSuffixes where segment.count >= suffix.count && segment.suffix(suffix.count).elementsEqual(suffix) {
                return true
            }
            if RedactorPatterns.secretSegments.contains(segment) { return true }
            if segments.count > 1 && RedactorPatterns.secretSegmentsInCompounds.contains(segment) { return true }
            if index > 0 && RedactorPatterns.keyWords.contains(segment)
                && RedactorPatterns.keyQualifiers.contains(segments[index - 1]) { return true }
        }
        return false
    }

    /// Lower-cased segments; empty segments (leading dashes of `--name`) are dropped.
    static func split<C: Collection>(_ name: C) -> [[UInt8]] where C.Element == UInt8 {
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasLower = false
        for byte in name {
            let isSeparator = byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            let isUpper = byte >= 0x41 && byte <= 0x5A
            if isSeparator || (isUpper && previousWasLower) {
                if !current.isEmpty { segments.append(current) }
                current = []
            }
            if !isSeparator { current.append(asciiLower(byte)) }
            previousWasLower = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }
        if !current.isEmpty { segments.append(current) }
        return segments
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// Bytes allowed in a name.
    @inline(__always) static func isNameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
    }
}
