/// The quote-aware half of the redactor: walks the text as shell words and finds secret values by what
/// precedes them (`TOKEN=`, `--password`, `mysql -p`). Quoted strings are scanned again as text of their
/// own, so `bash -c "export TOKEN=x"` and `curl -d "password=x&user=y"` are caught too.
struct ShellScan {
    let text: UnsafeBufferPointer<UInt8>
    private(set) var spans: [RedactionSpan] = []

    /// OpenSSL-style values that name where the secret is, not the secret (`-passin env:VAR`).
    private static let referencePrefixes: [[UInt8]] = ["env:", "file:", "fd:", "stdin"].map { Array($0.utf8) }

    /// Quoted strings nested deeper than this are not rescanned (bounds the work on adversarial input).
    private static let maximumDepth = 3

    init(text: UnsafeBufferPointer<UInt8>) { self.text = text }

    /// What the next word is, given the words before it in the same simple command.
    private enum Pending {
        case none
        case value(afterColon: Bool)
    }

    mutating func scan(_ lower: Int, _ upper: Int, depth: Int) {
        var index = lower
        var pending = Pending.none
        // Which programs the current simple command has named so far, for program-specific options.
        var programs = ProgramsSeen()
        while index < upper {
            let byte = text[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1; continue }
            if Self.isCommandSeparator(byte) {
                programs = ProgramsSeen()
                pending = .none
                index += 1
                continue
            }
            if Self.isWordBreak(byte) { index += 1; continue }
            let end = wordEnd(from: index, upper)
            let word = index..<end
            if case .value(let afterColon) = pending, text[index] != UInt8(ascii: "-") {
                if !Self.referencePrefixes.contains(where: { startsWith(word, $0) }) {
                    let passPrefix = startsWith(word, "pass:") ? 5 : 0
                    addValue((word.lowerBound + passPrefix)..<word.upperBound, afterColon: afterColon)
                }
                pending = .none
            } else {
                pending = examine(word, programs: programs, depth: depth)
            }
            programs.note(word, in: text)
            index = end
        }
    }

    /// Looks at one word: its `=` assignments, its option name, its quoted parts. Returns what it says
    /// about the next word.
    private mutating func examine(_ word: Range<Int>, programs: ProgramsSeen, depth: Int) -> Pending {
        if text[word.lowerBound] == UInt8(ascii: "-") {
            if let pending = examineOption(word, programs: programs) { return pending }
        }
        if startsWith(word, "pass:") && word.count > 5 {
            // openssl -pass/-passin/-passout pass:SECRET (env:VAR and file:PATH are not secrets).
            addValue((word.lowerBound + 5)..<word.upperBound, afterColon: false)
            return .none
        }
        if programs.sawSetter && text[word].allSatisfy(SecretName.isNameByte) && SecretName.isSecret(text[word]) {
            return .value(afterColon: false)
        }
        var index = word.lowerBound
        var nameStart = word.lowerBound
        while index < word.upperBound {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "="):
                if index > nameStart && SecretName.isSecret(text[nameStart..<index]) {
                    addValue((index + 1)..<word.upperBound, afterColon: false)
                    return .none
                }
                index += 1
                nameStart = index
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                let close = quoteEnd(from: index, word.upperBound)
                if depth < Self.maximumDepth {
                    let closed = close - 1 > index && text[close - 1] == byte
                    let contentEnd = closed ? close - 1 : close
                    if contentEnd > index + 1 { scan(index + 1, contentEnd, depth: depth + 1) }
                }
                index = close
                nameStart = index
            case UInt8(ascii: "\\"):
                index = min(index + 2, word.upperBound)
                nameStart = index
            default:
                if !SecretName.isNameByte(byte) { nameStart = index + 1 }
                index += 1
            }
        }
        return .none
    }

    /// `--password=x`, `--token x`, `--user u:p`, and the program-specific short options.
    private mutating func examineOption(_ word: Range<Int>, programs: ProgramsSeen) -> Pending? {
        let isLong = word.count > 2 && text[word.lowerBound + 1] == UInt8(ascii: "-")
        if isLong {
            var nameEnd = word.lowerBound + 2
            while nameEnd < word.upperBound && SecretName.isNameByte(text[nameEnd]) { nameEnd += 1 }
            let name = word.lowerBound..<nameEnd
            let hasValue = nameEnd < word.upperBound && text[nameEnd] == UInt8(ascii: "=")
            if nameEnd < word.upperBound && !hasValue { return nil }
            let userPassword = RedactorPatterns.userPasswordOptions.contains { equals(name, $0) }
            guard userPassword || SecretName.isSecret(text[name]) else { return nil }
            if hasValue {
                addValue((nameEnd + 1)..<word.upperBound, afterColon: userPassword)
                return Pending.none
            }
            if !userPassword && programs.contains(rule: RedactorPatterns.promptingPasswordRule) { return Pending.none }
            return .value(afterColon: userPassword)
        }
        for (index, rule) in RedactorPatterns.shortOptions.enumerated() where startsWith(word, rule.option) {
            guard programs.contains(rule: index) else { continue }
            if word.count > rule.option.count {
                addValue((word.lowerBound + rule.option.count)..<word.upperBound, afterColon: rule.afterColon)
                return Pending.none
            }
            return rule.value == .attachedOrNext ? .value(afterColon: rule.afterColon) : Pending.none
        }
        // Single-dash long options: `keytool -storepass VALUE`, `-password VALUE`.
        let name = (word.lowerBound + 1)..<word.upperBound
        if !isLong && name.count > 1 && text[name].allSatisfy(SecretName.isNameByte) && SecretName.isSecret(text[name]) {
            return .value(afterColon: false)
        }
        return nil
    }

    /// Marks a value for redaction unless it is empty or only refers to a secret kept elsewhere
    /// (`$TOKEN`, `"$(pass show x)"`): those are not secrets and stay readable.
    private mutating func addValue(_ value: Range<Int>, afterColon: Bool) {
        var start = value.lowerBound
        if afterColon {
            guard let colon = text[value].firstIndex(of: UInt8(ascii: ":")) else { return }
            start = colon + 1
        }
        guard start < value.upperBound else { return }
        var first = text[start]
        if first == UInt8(ascii: "\"") && start + 1 < value.upperBound { first = text[start + 1] }
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "`") { return }
        if value.upperBound - start == 2 && (first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")) { return }  // ""
        spans.append(RedactionSpan(start: start, end: value.upperBound))
    }

    // MARK: Shell lexing

    /// The end of the shell word starting at `start`: the first unquoted blank or operator.
    private func wordEnd(from start: Int, _ upper: Int) -> Int {
        var index = start
        while index < upper {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                index = quoteEnd(from: index, upper)
            case UInt8(ascii: "\\"):
                index = min(index + 2, upper)
            default:
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || Self.isCommandSeparator(byte) || Self.isWordBreak(byte) {
                    return index
                }
                index += 1
            }
        }
        return upper
    }

    /// Just past the quote that closes the one at `open` (or `upper` when unterminated). Backslash escapes
    /// count inside double quotes and backquotes, not inside single quotes.
    private func quoteEnd(from open: Int, _ upper: Int) -> Int {
        let quote = text[open]
        var index = open + 1
        while index < upper {
            let byte = text[index]
            if byte == quote { return index + 1 }
            if byte == UInt8(ascii: "\\") && quote != UInt8(ascii: "'") { index += 2; continue }
            index += 1
        }
        return upper
    }

    /// Ends a simple command: `;`, `&`, `|`, `(`, `)`, newline.
    private static func isCommandSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ";") || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "(")
            || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    /// Ends a word without ending the command: redirections.
    private static func isWordBreak(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
    }

    // MARK: Byte comparisons

    /// Compares with the literal's own bytes: making an array of them cost an allocation per word.
    private func startsWith(_ word: Range<Int>, _ prefix: String) -> Bool {
        let bytes = prefix.utf8
        return word.count >= bytes.count && text[word.lowerBound..<(word.lowerBound + bytes.count)].elementsEqual(bytes)
    }

    private func startsWith(_ word: Range<Int>, _ prefix: [UInt8]) -> Bool {
        word.count >= prefix.count && text[word.lowerBound..<(word.lowerBound + prefix.count)].elementsEqual(prefix)
    }

    private func equals(_ range: Range<Int>, _ bytes: [UInt8]) -> Bool {
        range.count == bytes.count && text[range].elementsEqual(bytes)
    }
}

/// The short-option rules whose programs (and subcommand, when the rule has one) the current simple
/// command has named, by basename (`/usr/bin/mysql`). Bit sets filled from precomputed indexes, so each
/// word costs a first-byte check and, rarely, one dictionary look-up (this runs for every word of every
/// redacted output line).
struct ProgramsSeen {
    private var programs: UInt64 = 0
    private var subcommands: UInt64 = 0
    /// A word after which a bare secret name announces its value (`set`, `config`).
    private(set) var sawSetter = false

    func contains(rule index: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(index)
        return programs & bit != 0 && (RedactorPatterns.shortOptions[index].subcommand == nil || subcommands & bit != 0)
    }

    mutating func note(_ word: Range<Int>, in text: UnsafeBufferPointer<UInt8>) {
        var start = word.lowerBound
        if let slash = text[word].lastIndex(of: UInt8(ascii: "/")) { start = slash + 1 }
        guard start < word.upperBound else { return }
        let base = UnsafeBufferPointer(rebasing: text[start..<word.upperBound])
        for candidate in Index.byFirstByte[Int(base[0])] where candidate.word.count == base.count && candidate.word.elementsEqual(base) {
            programs |= candidate.programs
            subcommands |= candidate.subcommands & programs
            if candidate.isSetter { sawSetter = true }
        }
    }

    /// `RedactorPatterns.shortOptions` and `setterWords` turned inside out: for each first byte, the words
    /// that start with it and what seeing them means.
    private enum Index {
        struct Entry {
            let word: [UInt8]
            var programs: UInt64 = 0
            var subcommands: UInt64 = 0
            var isSetter = false
        }

        /// Built on every `shq run` and hook ingest: filled bucket by bucket (a few words each) rather than
        /// through a dictionary keyed by byte arrays, whose first use alone cost ~0.3 ms of start-up.
        static let byFirstByte: [[Entry]] = {
            var table = [[Entry]](repeating: [], count: 256)
            func update(_ word: [UInt8], _ change: (inout Entry) -> Void) {
                let bucket = Int(word[0])
                if let index = table[bucket].firstIndex(where: { $0.word == word }) {
                    change(&table[bucket][index])
                } else {
                    var entry = Entry(word: word)
                    change(&entry)
                    table[bucket].append(entry)
                }
            }
            for (position, rule) in RedactorPatterns.shortOptions.enumerated() {
                let bit: UInt64 = 1 << UInt64(position)
                for program in rule.programs { update(program) { $0.programs |= bit } }
                if let subcommand = rule.subcommand { update(subcommand) { $0.subcommands |= bit } }
            }
            for setter in RedactorPatterns.setterWords { update(setter) { $0.isSetter = true } }
            return table
        }()
    }
}
