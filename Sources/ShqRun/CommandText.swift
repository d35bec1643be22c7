/// Turns an argv back into a command line a POSIX shell runs as the same argv.
public enum CommandText {
    /// Words made only of characters no shell treats specially stay bare; the rest are single-quoted,
    /// with `'` written as `'\''`. Bytes that are not UTF-8 are kept as they are (quoted).
    public static func quoted(_ arguments: [[UInt8]]) -> [UInt8] {
        var text: [UInt8] = []
        for (index, word) in arguments.enumerated() {
            if index > 0 { text.append(UInt8(ascii: " ")) }
            text += quote(word)
        }
        return text
    }

    public static func quote(_ word: [UInt8]) -> [UInt8] {
        if !word.isEmpty, word.allSatisfy(isPlain) { return word }
        var out: [UInt8] = [UInt8(ascii: "'")]
        for byte in word {
            if byte == UInt8(ascii: "'") {
                out += Array("'\\''".utf8)
            } else {
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("_-+=.,/:@%".utf8).contains(byte)
        }
    }
}
