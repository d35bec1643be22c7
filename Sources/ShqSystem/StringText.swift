extension String {
    /// One line for a table cell or a message: newlines and tabs shown as `⏎`/space, control bytes as `?`.
    public var singleLine: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "⏎"
            case "\t": out += " "
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: out += "?"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Every `target` replaced by `replacement` (without Foundation).
    public func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for char in self { if char == target { out += replacement } else { out.append(char) } }
        return out
    }
}
