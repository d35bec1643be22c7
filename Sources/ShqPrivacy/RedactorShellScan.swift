/// The quote-aware half of the redactor: walks the text as shell words and finds secret values by what
/// precedes them (`TOKEN=`, `--password`, `mysql -p`). Quoted strings are scanned again as text of their
/// own, so `bash -c "export TOKEN=x"` and `curl -d "password=x&user=y"` are caught too.
struct ShellScan {
    let text: UnsafeBufferPointer<UInt8>
    private(set) var spans: [RedactionSpan] = []


    /// Quoted strings nested deeper than this are not rescanned (bounds the work on adversarial input).
    private static let maximumDepth = 3

    init(text: UnsafeBufferPointer<UInt8>) { self.text = text }

    /// What the next word is, given the words before it in the same simple command.
    private enum Pending {
        case none
        /// The next word is a secret; with a separator, only what follows its first occurrence
        /// (`user:password`, `key=value`).
        case value(after: UInt8?)
    }

    mutating func scan(_ lower: Int, _ upper: Int, depth: Int) {
        var index = lower
        var pending = Pending.none
        // Which programs the current simple command has named so far, for program-specific options.
        var programs = ProgramsSeen()
        // The word after a redirection is a file, not an argument; nor is the word after a long option
        // without `=` (`--vault-id dev`): taken as the option's value, it is not counted as a positional one.
        var redirected = false
        var afterLongOption = false
        while index < upper {
            let byte = text[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1; continue }
            if Self.isCommandSeparator(byte) {
                if let (argument, form) = programs.lastSecretArgument() { addPositional(argument, form) }
                programs = ProgramsSeen()
                pending = .none
                redirected = false
                afterLongOption = false
                index += 1
                continue
            }
            if Self.isWordBreak(byte) {
                // `gh secret set NPM_TOKEN < token.txt`: the word after a redirection is a file.
                pending = .none
                redirected = true
                index += 1
                continue
            }
            let end = wordEnd(from: index, upper)
            let word = index..<end
            if case .value(let separator) = pending, text[index] != UInt8(ascii: "-") {
                let passPrefix = startsWith(word, "pass:") ? 5 : 0
                addValue((word.lowerBound + passPrefix)..<word.upperBound, after: separator)
                pending = .none
            } else {
                if !redirected && !afterLongOption && text[index] != UInt8(ascii: "-"), let form = programs.countArgument(word) {
                    addPositional(word, form)
                }
                pending = examine(word, programs: programs, depth: depth)
            }
            redirected = false
            afterLongOption = word.count > 2 && text[index] == UInt8(ascii: "-") && text[index + 1] == UInt8(ascii: "-")
                && !text[word].contains(UInt8(ascii: "="))
            programs.note(word, in: text)
            index = end
        }
        if let (argument, form) = programs.lastSecretArgument() { addPositional(argument, form) }
    }

    /// Looks at one word: its `=` assignments, its option name, its quoted parts. Returns what it says
    /// about the next word.
    private mutating func examine(_ word: Range<Int>, programs: ProgramsSeen, depth: Int) -> Pending {
        if text[word.lowerBound] == UInt8(ascii: "-") {
            if let pending = examineOption(word, programs: programs) { return pending }
        } else if text[word.lowerBound] == UInt8(ascii: "/"), let pending = programOption(word, programs: programs) {
            return pending  // xfreerdp's `/p:PW`
        }
        if startsWith(word, "pass:") && word.count > 5 {
            // openssl -pass/-passin/-passout pass:SECRET (env:VAR and file:PATH are not secrets).
            addValue((word.lowerBound + 5)..<word.upperBound, after: nil)
            return .none
        }
        if programs.sawSetter, let name = setterName(word), SecretName.isSecret(text[name]) {
            return .value(after: nil)
        }
        var index = word.lowerBound
        var nameStart = word.lowerBound
        while index < word.upperBound {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "="):
                if index > nameStart && (SecretName.isSecret(text[nameStart..<index]) || isSecretQueryParameter(nameStart..<index)
                    || (programs.setsSecrets && nameStart == word.lowerBound)) {
                    addValue((index + 1)..<word.upperBound, after: nil)
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
            // Under `kubectl create secret`, `gh secret set`: `--from-literal=k=VALUE`, `--body VALUE`.
            let secretContext = programs.sawSecretNoun ? RedactorPatterns.secretContextOptions.first { equals(name, $0.name) } : nil
            // A long option of a program-option row: `gem push --key VALUE`.
            let programRule = !programs.mayHaveLongOptionRule ? nil : RedactorPatterns.programOptions.indices.first { index in
                RedactorPatterns.programOptions[index].value == .equalsOrNext && equals(name, RedactorPatterns.programOptions[index].option)
                    && programs.contains(rule: index)
            }
            guard userPassword || secretContext != nil || programRule != nil || SecretName.isSecret(text[name]) else { return nil }
            let separator: UInt8? = userPassword ? UInt8(ascii: ":") : secretContext?.separator
            if hasValue {
                addValue((nameEnd + 1)..<word.upperBound, after: separator)
                return Pending.none
            }
            // `mysql --password WORD`: mysql itself reads WORD as a database and prompts, but a user who
            // typed it meant WORD as the password (held-out set 2), so it goes like any other value.
            return .value(after: separator)
        }
        if let pending = programOption(word, programs: programs) { return pending }
        // Single-dash long options: `keytool -storepass VALUE`, `-password VALUE`.
        let name = (word.lowerBound + 1)..<word.upperBound
        if !isLong && name.count > 1 && text[name].allSatisfy(SecretName.isNameByte) && SecretName.isSecret(text[name]) {
            return .value(after: nil)
        }
        return nil
    }

    /// A program's own option carrying a secret (`RedactorPatterns.programOptions`): `mysql -pVALUE`,
    /// `sshpass -p VALUE`, `openssl -k VALUE`, `xfreerdp /p:VALUE`.
    private mutating func programOption(_ word: Range<Int>, programs: ProgramsSeen) -> Pending? {
        var rows = programs.applicableOptionRows
        while rows != 0 {
            let index = rows.trailingZeroBitCount
            rows &= rows - 1
            let rule = RedactorPatterns.programOptions[index]
            guard rule.value != .equalsOrNext && startsWith(word, rule.option) else { continue }
            if word.count > rule.option.count {
                if rule.value == .nextOnly { continue }
                addValue((word.lowerBound + rule.option.count)..<word.upperBound, after: rule.afterColon)
                return Pending.none
            }
            return rule.value == .attachedOnly ? Pending.none : .value(after: rule.afterColon)
        }
        return nil
    }

    /// After a setter word (`set`, `config`), the name a word sets: the whole word when it is a name
    /// (`user.password`), or its last part after `/` or `:` (`//registry.npmjs.org/:_authToken`).
    private func setterName(_ word: Range<Int>) -> Range<Int>? {
        var start = word.upperBound
        while start > word.lowerBound && SecretName.isNameByte(text[start - 1]) { start -= 1 }
        guard start < word.upperBound else { return nil }
        if start > word.lowerBound {
            guard text[start - 1] == UInt8(ascii: ":") || text[start - 1] == UInt8(ascii: "/") else { return nil }
            guard !text[word.lowerBound..<start].contains(where: { Self.isQuoteOrEquals($0) }) else { return nil }
        }
        return start..<word.upperBound
    }

    private static func isQuoteOrEquals(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "`")
    }

    /// `?sig=VALUE` or `&X-Amz-Signature=VALUE` in a URL: names secret only as query parameters.
    private func isSecretQueryParameter(_ name: Range<Int>) -> Bool {
        guard name.lowerBound > 0, text[name.lowerBound - 1] == UInt8(ascii: "?") || text[name.lowerBound - 1] == UInt8(ascii: "&") else {
            return false
        }
        return RedactorPatterns.secretQueryParameters.contains { parameter in
            parameter.count == name.count && zip(text[name], parameter).allSatisfy { asciiLower($0) == $1 }
        }
    }

    /// Marks a value for redaction unless it is empty or only refers to a secret kept elsewhere
    /// (`$TOKEN`, `"$(pass show x)"`): those are not secrets and stay readable.
    private mutating func addValue(_ value: Range<Int>, after separator: UInt8?) {
        var start = value.lowerBound
        var end = value.upperBound
        if let separator {
            guard let found = text[value].firstIndex(of: separator) else { return }
            start = found + 1
            // `--user 'bob:pw'`: the closing quote stays, or the stored line would not parse.
            let open = text[value.lowerBound]
            if value.count > 1 && (open == UInt8(ascii: "'") || open == UInt8(ascii: "\"")) && text[end - 1] == open && end - 1 >= start {
                end -= 1
            }
        }
        guard start < end else { return }
        if isReference(start..<end) { return }
        var first = text[start]
        if first == UInt8(ascii: "\"") && start + 1 < value.upperBound { first = text[start + 1] }
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "`") { return }
        if value.upperBound - start == 2 && (first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")) { return }  // ""
        spans.append(RedactionSpan(start: start, end: end))
    }

    /// A positional argument that holds a secret (`RedactorPatterns.positionalSecrets`).
    private mutating func addPositional(_ word: Range<Int>, _ form: RedactorPatterns.PositionalSecret.Form) {
        switch form {
        case .whole:
            addValue(word, after: nil)
        case .connectString:
            // Inside the quotes of `'sys/PW@db as sysdba'`.
            var start = word.lowerBound
            var end = word.upperBound
            let open = text[start]
            if (open == UInt8(ascii: "'") || open == UInt8(ascii: "\"")) && word.count > 1 {
                start += 1
                if text[end - 1] == open { end -= 1 }
            }
            guard let slash = text[start..<end].firstIndex(of: UInt8(ascii: "/")) else { return }
            var user = start
            if let equals = text[start..<slash].firstIndex(of: UInt8(ascii: "=")) {
                guard RedactorPatterns.connectStringKeys.contains(where: { key in
                    key.count == equals - start && zip(text[start..<equals], key).allSatisfy { asciiLower($0) == $1 }
                }) else { return }
                user = equals + 1
            }
            guard user < slash, text[user..<slash].allSatisfy(SecretName.isNameByte) else { return }
            let passwordEnd = text[(slash + 1)..<end].firstIndex(of: UInt8(ascii: "@")) ?? end
            addValue((slash + 1)..<passwordEnd, after: nil)
        }
    }

    /// Values that say where a secret is, not what it is: OpenSSL's `env:VAR`, `file:PATH`, BuildKit's
    /// `id=npmrc,src=PATH`, and a path to a key or credentials file (`~/keys/sa.json`).
    private func isReference(_ value: Range<Int>) -> Bool {
        if RedactorPatterns.referencePrefixes.contains(where: { startsWith(value, $0) }) { return true }
        guard startsWith(value, "/") || startsWith(value, "~/") || startsWith(value, "./") || startsWith(value, "../") else { return false }
        guard !text[value].contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") }),
              let dot = text[value].lastIndex(of: UInt8(ascii: ".")) else { return false }
        let extensionRange = (dot + 1)..<value.upperBound
        return RedactorPatterns.credentialFileExtensions.contains { equals(extensionRange, $0) }
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
