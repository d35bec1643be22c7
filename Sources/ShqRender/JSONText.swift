/// JSON string literals. Invalid UTF-8 becomes U+FFFD, so the document is always valid JSON.
public enum JSONText {
    public static func quote(_ bytes: [UInt8]) -> String {
        quote(String(decoding: bytes, as: UTF8.self))
    }

    public static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static func value(_ text: String?) -> String { text.map { quote($0) } ?? "null" }
    public static func value(_ number: Int64?) -> String { number.map(String.init) ?? "null" }
    public static func value(_ number: Int32?) -> String { number.map(String.init) ?? "null" }
}
