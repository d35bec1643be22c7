/// A shell glob (`*`, `?`, `[...]`, `\` escapes) matched against a whole command line, the way bash's
/// `[[ line == $pattern ]]` and zsh's `[[ $line == ${~pattern} ]]` do in a UTF-8 locale.
///
/// Both sides are compared as sequences of characters: a valid UTF-8 sequence is one character, and each
/// byte of an invalid sequence is a character of its own (what bash and zsh do with stray bytes). `*`
/// crosses `/`; nothing else is special (no extglob, no zsh `(a|b)`): the hook scripts switch those off so
/// the three matchers agree.
public struct GlobPattern: Sendable, Equatable {
    private enum Token: Sendable, Equatable {
        case literal(UInt32)
        case any            // ?
        case star           // *
        case set(negated: Bool, items: [SetItem])
    }

    private enum SetItem: Sendable, Equatable {
        case char(UInt32)
        case range(UInt32, UInt32)
        case classNamed(String)
    }

    public let source: [UInt8]
    private let tokens: [Token]

    public init(_ source: [UInt8]) {
        self.source = source
        self.tokens = Self.parse(Self.characters(source))
    }

    public init(_ source: String) { self.init(Array(source.utf8)) }

    /// The ASCII byte every line the pattern matches starts with, when the pattern starts with a literal
    /// ASCII character (`pass show*`): a list of patterns can skip this one for other lines undecoded.
    public var leadingASCIIByte: UInt8? {
        guard case .literal(let character)? = tokens.first, character < 0x80 else { return nil }
        return UInt8(character)
    }

    /// A command line decoded once into the characters patterns compare, for matching it against a list.
    public struct Subject {
        fileprivate let text: [UInt32]
        public init(_ line: [UInt8]) { text = GlobPattern.characters(line) }
    }

    /// True when the pattern matches all of `line`.
    public func matches(_ line: [UInt8]) -> Bool { matches(Subject(line)) }

    public func matches(_ subject: Subject) -> Bool {
        let text = subject.text
        // Iterative wildcard matching with one backtrack point (the last `*`): linear for typical patterns.
        var t = 0, p = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < tokens.count, tokens[p] != .star, Self.matchOne(tokens[p], text[t]) {
                t += 1; p += 1
            } else if p < tokens.count, tokens[p] == .star {
                starP = p; starT = t; p += 1
            } else if starP >= 0 {
                starT += 1; t = starT; p = starP + 1
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .star { p += 1 }
        return p == tokens.count
    }

    private static func matchOne(_ token: Token, _ c: UInt32) -> Bool {
        switch token {
        case .literal(let l): return l == c
        case .any: return true
        case .star: return false
        case .set(let negated, let items):
            let hit = items.contains { item in
                switch item {
                case .char(let x): return x == c
                case .range(let lo, let hi): return lo <= c && c <= hi
                case .classNamed(let name): return characterClass(name, contains: c)
                }
            }
            return hit != negated
        }
    }

    /// POSIX classes, ASCII only (locale-independent; outside ASCII the shells ask the C library).
    private static func characterClass(_ name: String, contains c: UInt32) -> Bool {
        guard c < 128 else { return false }
        let u = UInt8(c)
        let upper = (65...90).contains(u), lower = (97...122).contains(u), digit = (48...57).contains(u)
        switch name {
        case "alpha": return upper || lower
        case "digit": return digit
        case "alnum": return upper || lower || digit
        case "upper": return upper
        case "lower": return lower
        case "space": return u == 32 || (9...13).contains(u)
        case "blank": return u == 32 || u == 9
        case "punct": return (33...47).contains(u) || (58...64).contains(u) || (91...96).contains(u) || (123...126).contains(u)
        case "xdigit": return digit || (65...70).contains(u) || (97...102).contains(u)
        default: return false
        }
    }

    /// Characters of `bytes`: Unicode scalars for valid UTF-8, 0x110000 + byte for each stray byte.
    static func characters(_ bytes: [UInt8]) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int, initial: UInt32, minimum: UInt32
            switch b {
            case 0..<0x80: out.append(UInt32(b)); i += 1; continue
            case 0xC2...0xDF: length = 2; initial = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: length = 3; initial = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF4: length = 4; initial = UInt32(b & 0x07); minimum = 0x10000
            default: out.append(0x110000 + UInt32(b)); i += 1; continue
            }
            var scalar = initial
            var valid = i + length <= bytes.count
            if valid {
                for k in 1..<length {
                    let c = bytes[i + k]
                    guard c & 0xC0 == 0x80 else { valid = false; break }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
            }
            if valid, scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) {
                out.append(scalar)
                i += length
            } else {
                out.append(0x110000 + UInt32(b))
                i += 1
            }
        }
        return out
    }

    private static func parse(_ p: [UInt32]) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            switch c {
            case 0x2A:  // *
                if tokens.last != .star { tokens.append(.star) }
                i += 1
            case 0x3F:  // ?
                tokens.append(.any); i += 1
            case 0x5C:  // backslash: the next character is literal; a trailing one is itself
                if i + 1 < p.count { tokens.append(.literal(p[i + 1])); i += 2 } else { tokens.append(.literal(c)); i += 1 }
            case 0x5B:  // [
                if let (set, next) = parseSet(p, from: i) { tokens.append(set); i = next } else { tokens.append(.literal(c)); i += 1 }
            default:
                tokens.append(.literal(c)); i += 1
            }
        }
        return tokens
    }

    /// A bracket expression starting at `start` (`[`), or nil when it is not closed (then `[` is literal).
    private static func parseSet(_ p: [UInt32], from start: Int) -> (Token, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == 0x21 || p[i] == 0x5E { negated = true; i += 1 }  // ! or ^
        var items: [SetItem] = []
        var first = true
        while i < p.count {
            var c = p[i]
            if c == 0x5D, !first { return (.set(negated: negated, items: items), i + 1) }  // ]
            first = false
            if c == 0x5B, i + 1 < p.count, p[i + 1] == 0x3A {  // [:name:]
                var j = i + 2
                var name: [UInt8] = []
                while j + 1 < p.count, !(p[j] == 0x3A && p[j + 1] == 0x5D), p[j] < 128 { name.append(UInt8(p[j])); j += 1 }
                if j + 1 < p.count, p[j] == 0x3A, p[j + 1] == 0x5D {
                    items.append(.classNamed(String(decoding: name, as: UTF8.self)))
                    i = j + 2
                    continue
                }
            }
            if c == 0x5C, i + 1 < p.count { i += 1; c = p[i] }
            if i + 2 < p.count, p[i + 1] == 0x2D, p[i + 2] != 0x5D {  // a-z
                var hi = p[i + 2]
                var next = i + 3
                if hi == 0x5C, i + 3 < p.count { hi = p[i + 3]; next = i + 4 }
                items.append(.range(c, hi))
                i = next
            } else {
                items.append(.char(c))
                i += 1
            }
        }
        return nil
    }
}
