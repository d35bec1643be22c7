/// Parses the selector language (see `shq help selectors`). The only parser of selectors.
public enum SelectorParser {
    public static func parse(_ text: String) throws -> Selector {
        let chars = Array(text)
        if chars.isEmpty { return .mostRecent }
        if chars[0] == "~" {
            let digits = chars.dropFirst()
            guard !digits.isEmpty else { throw SelectorError(input: text, position: 1, reason: "expected a number after '~'") }
            for (offset, char) in digits.enumerated() where !char.isASCII || !char.isNumber {
                throw SelectorError(input: text, position: offset + 1, reason: "expected a digit, found '\(char)'")
            }
            guard let n = Int(String(digits)), n >= 1 else {
                throw SelectorError(input: text, position: 1, reason: "'~N' counts from 1")
            }
            return Selector(range: .nth(n))
        }
        for (offset, char) in chars.enumerated() where !(char.isHexDigit || char == "-") {
            throw SelectorError(input: text, position: offset, reason: "unexpected '\(char)'")
        }
        return Selector(range: .id(text.lowercased()))
    }
}
