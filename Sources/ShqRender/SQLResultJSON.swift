import ShqQuery

extension ReadOnlySQL.Value {
    /// The JSON value: a number, a string (text and blobs), or null.
    public var json: String {
        switch self {
        case .null: return "null"
        case .number(let text): return text
        case .text(let text), .blob(let text): return JSONText.quote(text)
        }
    }
}

extension ReadOnlySQL.Result {
    /// A JSON object per row, keyed by column name.
    public var jsonObjects: [String] {
        rows.map { row in
            "{" + zip(columns, row).map { JSONText.quote($0) + ":" + $1.json }.joined(separator: ",") + "}"
        }
    }
}
