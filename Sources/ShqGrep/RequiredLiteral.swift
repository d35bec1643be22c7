import Glibc

/// The longest run of literal bytes every match of a POSIX extended regex must contain, or empty when
/// there is none worth having (an alternation at the top, only classes and groups). memmem finds it at
/// memory speed; the regex then runs only on the lines that hold it, as grep does.
enum RequiredLiteral {
    static func of(_ pattern: String) -> [UInt8] {
        let bytes = Array(pattern.utf8)
        var best: [UInt8] = [], run: [UInt8] = []
        var index = 0
        func endRun() {
            if run.count > best.count { best = run }
            run = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "|"):
                return []  // either side may match: no single literal is required
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                // The atom before may be absent: it is not required.
                _ = run.popLast()
                endRun()
                if byte == UInt8(ascii: "{") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "}") { index += 1 }
                }
            case UInt8(ascii: "+"):
                endRun()  // the atom is required (kept), what follows need not touch it
            case UInt8(ascii: "("):
                // A group may hold an alternation or be optional: skipped whole (it is required or not,
                // but what it holds is not read further).
                endRun()
                var depth = 0
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
                    if bytes[index] == UInt8(ascii: "(") { depth += 1 }
                    if bytes[index] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                    index += 1
                }
                // A quantifier after the group: the group's neighbours are still separate runs.
            case UInt8(ascii: "["):
                endRun()
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
                while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                    if bytes[index] == UInt8(ascii: "["), index + 1 < bytes.count,
                       [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].contains(bytes[index + 1]) {
                        let close = bytes[index + 1]
                        index += 2
                        while index + 1 < bytes.count, !(bytes[index] == close && bytes[index + 1] == UInt8(ascii: "]")) { index += 1 }
                        index += 1
                    }
                    index += 1
                }
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: ")"):
                endRun()
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                if Self.escapedLiterals.contains(escaped) {
                    run.append(escaped)
                } else {
                    endRun()  // \w, \b, \<, \1 …: not one literal byte
                }
            default:
                run.append(byte)
            }
            index += 1
        }
        endRun()
        return best
    }

    /// Bytes a backslash makes literal in an ERE.
    static let escapedLiterals: Set<UInt8> = Set(#".[]()*+?{}|^$\/-"#.utf8)
}

/// Where in PATTERN glibc's complaint points: regcomp says what is wrong, not where. Found by a scan
/// for the construct its code names; nil when none is found.
enum RegexErrorPosition {
    private static func code(_ value: reg_errcode_t) -> Int32 { Int32(value.rawValue) }
    static func find(in pattern: String, code: Int32) -> Int? {
        let chars = Array(pattern.unicodeScalars)
        switch code {
        case Self.code(_REG_EPAREN):
            var open: [Int] = []
            var index = 0
            var inClass = false
            while index < chars.count {
                let char = chars[index]
                if char == "\\" && !inClass { index += 2; continue }
                if inClass {
                    if char == "]" { inClass = false }
                } else if char == "[" {
                    inClass = true
                    if index + 1 < chars.count, chars[index + 1] == "]" { index += 1 }
                } else if char == "(" {
                    open.append(index)
                } else if char == ")" {
                    if open.popLast() == nil { return index + 1 }
                }
                index += 1
            }
            return open.first.map { $0 + 1 }
        case Self.code(_REG_EBRACK), Self.code(_REG_ECTYPE), Self.code(_REG_ECOLLATE), Self.code(_REG_ERANGE):
            var index = 0
            while index < chars.count {
                if chars[index] == "\\" { index += 2; continue }
                if chars[index] == "[" { return index + 1 }
                index += 1
            }
            return nil
        case Self.code(_REG_EBRACE), Self.code(_REG_BADBR):
            return chars.lastIndex(of: "{").map { $0 + 1 }
        case Self.code(_REG_EESCAPE):
            return chars.isEmpty ? nil : chars.count
        case Self.code(_REG_BADRPT):
            for (index, char) in chars.enumerated() where "*+?{".unicodeScalars.contains(char) {
                let previous = index == 0 ? nil : chars[index - 1]
                if previous == nil || previous == "(" || previous == "|" || previous.map({ "*+?".unicodeScalars.contains($0) }) == true {
                    return index + 1
                }
            }
            return nil
        default:
            return nil
        }
    }
}
