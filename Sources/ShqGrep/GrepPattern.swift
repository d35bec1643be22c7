import CShims
import Glibc

/// How PATTERN is read: the ripgrep options that change what matches.
public struct PatternOptions: Sendable, Equatable {
    public var ignoreCase = false
    /// -S: case-insensitive unless PATTERN has an upper-case letter. -i wins over it.
    public var smartCase = false
    /// -F: PATTERN is a literal string, not a regular expression.
    public var fixed = false
    /// -w: a match must not touch a word character on either side.
    public var word = false

    public init(ignoreCase: Bool = false, smartCase: Bool = false, fixed: Bool = false, word: Bool = false) {
        self.ignoreCase = ignoreCase
        self.smartCase = smartCase
        self.fixed = fixed
        self.word = word
    }
}

/// A pattern that does not compile: the message names where.
public struct PatternError: Error, CustomStringConvertible, Sendable {
    public let pattern: String
    /// 1-based character position, when known.
    public let position: Int?
    public let reason: String

    public var description: String {
        let at = position.map { " at character \($0)" } ?? ""
        return "invalid pattern '\(pattern)'\(at): \(reason)"
    }
}

/// PATTERN compiled for searching bytes. A regex is POSIX extended (glibc, as selectors' `%/…/` are).
/// Searching a whole buffer goes through the fastest filter that is exact or can be confirmed: a literal
/// (memmem, on case-folded bytes under -i), else a literal every match must contain, confirmed by the
/// regex on its line, else the regex over the buffer with REG_NEWLINE.
public final class GrepPattern: @unchecked Sendable {
    public let text: String
    public let ignoreCase: Bool
    public let word: Bool
    /// The literal searched first: PATTERN itself under -F, else one a match must contain (case-folded
    /// under -i). Empty: none.
    let literal: [UInt8]
    /// True when finding `literal` is finding a match (-F): no regex to confirm it.
    let literalIsExact: Bool
    /// Matches within one line (no REG_NEWLINE: `^`/`$` are the line's ends).
    private var lineRegex = regex_t()
    /// Finds the next matching line in a buffer of many lines.
    private var bufferRegex = regex_t()
    private let hasRegex: Bool

    public init(_ pattern: String, options: PatternOptions = PatternOptions()) throws {
        text = pattern
        ignoreCase = options.ignoreCase || (options.smartCase && !pattern.unicodeScalars.contains { $0.properties.isUppercase })
        word = options.word
        if options.fixed {
            literal = ignoreCase ? Self.folded(Array(pattern.utf8)) : Array(pattern.utf8)
            literalIsExact = true
            hasRegex = false
            return
        }
        let flags = REG_EXTENDED | (ignoreCase ? REG_ICASE : 0)
        let rc = regcomp(&lineRegex, pattern, flags)
        if rc != 0 {
            var message = [CChar](repeating: 0, count: 256)
            regerror(rc, &lineRegex, &message, message.count)
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw PatternError(pattern: pattern, position: RegexErrorPosition.find(in: pattern, code: rc), reason: reason)
        }
        let bufferRC = regcomp(&bufferRegex, pattern, flags | REG_NEWLINE)
        precondition(bufferRC == 0, "a pattern that compiles compiles with REG_NEWLINE")
        hasRegex = true
        let required = RequiredLiteral.of(pattern)
        literal = ignoreCase ? Self.folded(required) : required
        literalIsExact = false
    }

    deinit {
        if hasRegex {
            regfree(&lineRegex)
            regfree(&bufferRegex)
        }
    }

    /// Whether the buffer search needs case-folded bytes (a literal searched under -i).
    var needsFoldedBuffer: Bool { ignoreCase && !literal.isEmpty }

    /// An offset inside the next line at or after `from` (a line start) that may match, or nil: none in
    /// `buffer`. `folded` is `buffer` case-folded when `needsFoldedBuffer`. A candidate is confirmed by
    /// `matches(inLine:)`.
    func nextCandidate(in buffer: UnsafeBufferPointer<UInt8>, folded: UnsafeBufferPointer<UInt8>?, from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        if !literal.isEmpty {
            let haystack = folded ?? buffer
            if literal.count > buffer.count - from { return nil }
            let found = literal.withUnsafeBytes { needle in
                shq_memmem(haystack.baseAddress! + from, buffer.count - from, needle.baseAddress!, needle.count)
            }
            guard let found else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(haystack.baseAddress!)
        }
        if !hasRegex { return from }  // the empty literal: every line
        var range = regmatch_t(rm_so: regoff_t(from), rm_eo: regoff_t(buffer.count))
        let rc = buffer.withMemoryRebound(to: CChar.self) { chars in
            regexec(&bufferRegex, chars.baseAddress!, 1, &range, REG_STARTEND)
        }
        return rc == 0 ? Int(range.rm_so) : nil
    }

    /// The matches in one line (no newline in it), left to right, not overlapping; empty if none. Under
    /// -w a match touching a word character is skipped and the search goes on one byte further.
    public func matches(inLine line: UnsafeBufferPointer<UInt8>, limit: Int = Int.max) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var from = 0
        var foldedLine: [UInt8]? = nil
        if literalIsExact && ignoreCase { foldedLine = Self.folded(Array(line)) }
        while from <= line.count, found.count < limit {
            guard let match = firstMatch(in: line, folded: foldedLine, from: from) else { break }
            if word && !isWordBounded(match, in: line) {
                from = match.lowerBound + 1
                continue
            }
            found.append(match)
            from = match.isEmpty ? match.upperBound + 1 : match.upperBound
        }
        return found
    }

    private func firstMatch(in line: UnsafeBufferPointer<UInt8>, folded: [UInt8]?, from: Int) -> Range<Int>? {
        if literalIsExact {
            if literal.isEmpty { return from <= line.count ? from..<from : nil }
            if literal.count > line.count - from { return nil }
            let start: Int? = literal.withUnsafeBytes { needle in
                let search = { (base: UnsafePointer<UInt8>) -> Int? in
                    shq_memmem(base + from, line.count - from, needle.baseAddress!, needle.count)
                        .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                }
                if let folded { return folded.withUnsafeBufferPointer { search($0.baseAddress!) } }
                return search(line.baseAddress!)
            }
            return start.map { $0..<($0 + literal.count) }
        }
        var range = regmatch_t(rm_so: regoff_t(from), rm_eo: regoff_t(line.count))
        let base = line.baseAddress ?? UnsafePointer(bitPattern: 1)!
        let rc = base.withMemoryRebound(to: CChar.self, capacity: max(line.count, 1)) { chars in
            regexec(&lineRegex, chars, 1, &range, REG_STARTEND)
        }
        return rc == 0 ? Int(range.rm_so)..<Int(range.rm_eo) : nil
    }

    private func isWordBounded(_ match: Range<Int>, in line: UnsafeBufferPointer<UInt8>) -> Bool {
        (match.lowerBound == 0 || !Self.isWordByte(line[match.lowerBound - 1]))
            && (match.upperBound == line.count || !Self.isWordByte(line[match.upperBound]))
    }

    /// Letters, digits, `_`, and any byte of a multi-byte UTF-8 character (letters of other scripts).
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x5f || byte >= 0x80
    }

    static func folded(_ bytes: [UInt8]) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
    }

    /// ASCII lower case of `source` into `into` (resized to match), for -i literal search.
    static func fold(_ source: UnsafeBufferPointer<UInt8>, into target: inout [UInt8]) {
        if target.count < source.count { target = [UInt8](repeating: 0, count: source.count) }
        target.withUnsafeMutableBufferPointer { out in
            for index in 0..<source.count {
                let byte = source[index]
                out[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte
            }
        }
    }
}
