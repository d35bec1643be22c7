import Glibc
import ShqStore
import ShqSystem

/// Parses the selector language (see `shq help selectors`). The only parser of selectors.
///
///     selector  := [id] part*
///     part      := range | ':' tag | '%' filter | directory
///     range     := mark N | mark N ':' | mark N ':' mark M
///     mark      := '@' | '~'
///     filter    := 'failed' | 'ok' | 'exit' op INT | 'duration' op DURATION
///                | '/' regex '/' | 'cmd~=' regex | 'cwd~=' regex
///     directory := '.' … | '..' … | '~' | '~/' … | '/' …
///
/// `@N` and `~N` mean the same; `@N` is the form to type: bash and zsh expand an unquoted `~N` at the
/// start of a word to an entry of the directory stack (zsh with autopushd, bash after pushd), and no
/// shell expands `@N`. A tag or directory runs until the next `%`, `:`, `@N` or `~N`; a `~=` regex until
/// the next `%`. A backslash escapes the next character in all three (`\%` is a literal percent sign).
public enum SelectorParser {
    public static func parse(_ text: String) throws -> Selector {
        var parser = Parser(text: text)
        let selector = try parser.parse()
        if selector == Selector(filters: [.directory(.absolute(text))]) { try refuseExpandedDirectoryStackEntry(text) }
        return selector
    }

    /// An unquoted `~3` reaches us as the directory the shell found in its stack, which would silently
    /// select "the last command run in that directory". A selector that is only the path of an existing
    /// directory, written as a shell writes stack entries (no trailing slash, no `.`, `..` or `//`), is taken
    /// for that; `/path/` selects the directory on purpose.
    static func refuseExpandedDirectoryStackEntry(_ path: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !parts.isEmpty, !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
              isDirectory(path) else { return }
        // With autopushd (zsh) or after pushd (bash), ~1 is the previous directory, which shells export.
        let n = ProcessEnvironment.value("OLDPWD") == path ? "1" : "N"
        throw ExpandedDirectoryStackEntry(path: path, n: n)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// A selector that is a directory the shell put in place of `~N` (see `refuseExpandedDirectoryStackEntry`).
public struct ExpandedDirectoryStackEntry: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// "1" when the path is the previous directory ($OLDPWD), else "N".
    public let n: String

    public var description: String {
        "selector '\(path)': looks like '~\(n)' expanded by your shell to a directory: write @\(n) (or '~\(n)');"
            + " for the commands run in that directory, write '\(path)/'"
    }
}

private struct Parser {
    let text: String
    let chars: [Character]
    var index = 0
    var selector = Selector()
    var sawDirectory = false
    var sawTag = false

    init(text: String) {
        self.text = text
        self.chars = Array(text)
    }

    func fail(_ position: Int, _ reason: String) -> SelectorError {
        SelectorError(input: text, position: position, reason: reason)
    }

    var current: Character? { index < chars.count ? chars[index] : nil }

    func peek(_ offset: Int) -> Character? { index + offset < chars.count ? chars[index + offset] : nil }

    static func isDigit(_ char: Character?) -> Bool { char.map { $0.isASCII && $0.isNumber } ?? false }
    static func isHex(_ char: Character) -> Bool { char.isASCII && char.isHexDigit }

    mutating func parse() throws -> Selector {
        if let first = current, Self.isHex(first) { try parseID() }
        while let char = current {
            switch char {
            case _ where atRangeMark(): try parseRange()
            case "~", ".", "/": try parseDirectory()
            case ":": try parseTag()
            case "%": try parseFilter()
            default:
                let hint = Self.isHex(char) ? " (an id prefix must come first)" : ""
                throw fail(index, "unexpected '\(char)'\(hint); expected @N, :tag, %filter or a directory")
            }
        }
        return selector
    }

    mutating func setRange(_ range: Selector.Range, at start: Int) throws {
        if selector.range != nil {
            throw fail(start, "only one range or id is allowed")
        }
        selector.range = range
    }

    mutating func parseID() throws {
        let start = index
        while let char = current, Self.isHex(char) || char == "-" { index += 1 }
        try setRange(.id(String(chars[start..<index]).lowercased()), at: start)
    }

    /// Digits at `index` as a positive count (`@N` counts from 1).
    mutating func count() throws -> Int {
        let start = index
        guard Self.isDigit(current) else { throw fail(index, "expected a number") }
        while Self.isDigit(current) { index += 1 }
        guard let value = Int(String(chars[start..<index])), value <= 1_000_000_000_000 else {
            throw fail(start, "number too large")
        }
        guard value >= 1 else { throw fail(start, "'@N' counts from 1 (@1 is the most recent)") }
        return value
    }

    /// `@` or `~` followed by a digit: the start of a range.
    func atRangeMark() -> Bool { (current == "@" || current == "~") && Self.isDigit(peek(1)) }

    mutating func parseRange() throws {
        let start = index
        let mark = chars[index]
        index += 1
        let n = try count()
        guard current == ":" else { return try setRange(.nth(n), at: start) }
        index += 1
        if atRangeMark() {
            index += 1
            let m = try count()
            return try setRange(.span(max(n, m), min(n, m)), at: start)
        }
        if let char = current, char != "%" && char != "." && char != "/" && char != "~" && char != ":" && char != "@" {
            throw fail(index, "unexpected '\(char)' after '\(mark)\(n):' (a range ends with ':' or ':@M'; write a tag first, ':tag@\(n):')")
        }
        try setRange(.last(n), at: start)
    }

    /// Text up to the next `%`, `:`, `@N` or `~N` (or only `%` when `untilPercentOnly`); backslash escapes.
    mutating func word(untilPercentOnly: Bool = false) -> String {
        var out = ""
        while let char = current {
            if char == "%" { break }
            if !untilPercentOnly && (char == ":" || atRangeMark()) { break }
            if char == "\\", let next = peek(1) {
                // Keep the backslash in regexes except before '%', so `\.` still means a literal dot.
                if !untilPercentOnly || next == "%" { out.append(next) } else { out += "\\" + String(next) }
                index += 2
                continue
            }
            out.append(char)
            index += 1
        }
        return out
    }

    mutating func parseDirectory() throws {
        let start = index
        if sawDirectory { throw fail(start, "only one directory is allowed") }
        sawDirectory = true
        let path = word()
        if path.hasPrefix("~") && path != "~" && !path.hasPrefix("~/") {
            throw fail(start + 1, "expected a number (~N, or @N) or '/' (~/dir) after '~'")
        }
        selector.filters.append(.directory(Selector.Directory(written: path)))
    }

    mutating func parseTag() throws {
        let start = index
        if sawTag { throw fail(start, "only one tag is allowed") }
        sawTag = true
        index += 1
        let name = word()
        if name.isEmpty { throw fail(start + 1, "expected a tag name after ':'") }
        selector.filters.append(.tag(name))
    }

    mutating func parseFilter() throws {
        let start = index
        index += 1
        if current == "/" {
            let regexStart = index + 1
            index += 1
            var pattern = ""
            while let char = current, char != "/" {
                if char == "\\", peek(1) == "/" {
                    pattern += "/"
                    index += 2
                    continue
                }
                pattern.append(char)
                index += 1
            }
            guard current == "/" else { throw fail(start + 1, "unterminated '%/regex/': no closing '/'") }
            index += 1
            return selector.filters.append(.commandMatches(try regex(pattern, at: regexStart)))
        }
        let nameStart = index
        while let char = current, char.isASCII, char.isLetter { index += 1 }
        let name = String(chars[nameStart..<index])
        switch name {
        case "failed": selector.filters.append(.failed)
        case "ok": selector.filters.append(.ok)
        case "exit":
            let op = try comparison()
            selector.filters.append(.exit(op, try integer()))
        case "duration":
            let op = try comparison()
            selector.filters.append(.duration(op, try duration()))
        case "cmd", "cwd":
            guard current == "~", peek(1) == "=" else { throw fail(index, "expected '~=' after '%\(name)'") }
            index += 2
            let regexStart = index
            let pattern = try regex(word(untilPercentOnly: true), at: regexStart)
            selector.filters.append(name == "cmd" ? .commandMatches(pattern) : .directoryMatches(pattern))
        default:
            throw fail(nameStart, name.isEmpty
                ? "expected a filter after '%': failed, ok, exit, duration, /regex/, cmd~= or cwd~="
                : "unknown filter '%\(name)': expected failed, ok, exit, duration, /regex/, cmd~= or cwd~=")
        }
    }

    mutating func comparison() throws -> Selector.Comparison {
        let two = current.map(String.init).map { $0 + (peek(1).map(String.init) ?? "") } ?? ""
        for (spelling, op) in [("<>", Selector.Comparison.notEqual), ("!=", .notEqual), ("<=", .lessOrEqual),
                               (">=", .greaterOrEqual), ("==", .equal)] where two == spelling {
            index += 2
            return op
        }
        switch current {
        case "=": index += 1; return .equal
        case "<": index += 1; return .less
        case ">": index += 1; return .greater
        default: throw fail(index, "expected a comparison: = != <> < > <= >=")
        }
    }

    mutating func integer() throws -> Int64 {
        let start = index
        if current == "-" { index += 1 }
        guard Self.isDigit(current) else { throw fail(index, "expected a number") }
        while Self.isDigit(current) { index += 1 }
        guard let value = Int64(String(chars[start..<index])), abs(value) <= Int64(Int32.max) else {
            throw fail(start, "number too large")
        }
        return value
    }

    /// A duration in microseconds (`DurationText.micros`), ms by default: the characters up to the next
    /// that cannot be part of one.
    mutating func duration() throws -> Int64 {
        let start = index
        while let char = current, (char.isASCII && (char.isLetter || char.isNumber)) || char == "µ"
            || (char == "." && Self.isDigit(peek(1))) { index += 1 }
        do {
            return try DurationText.micros(String(chars[start..<index]), bareUnit: 1000)
        } catch {
            throw fail(start + error.offset, error.reason)
        }
    }

    /// Checks the pattern compiles, so a bad regex is reported here, at its position.
    func regex(_ pattern: String, at position: Int) throws -> String {
        if pattern.isEmpty { throw fail(position, "expected a regular expression") }
        if let problem = PosixRegex.problem(in: pattern) {
            throw fail(position, "invalid regular expression '\(pattern)': \(problem)")
        }
        return pattern
    }
}
