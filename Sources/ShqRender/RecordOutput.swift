import ShqStore

/// How records are printed: an aligned table for people, JSON (one array), JSON Lines (one object per
/// line) or CSV (with a header) for programs. Keys and columns are the `Invocation.jsonObject` contract.
public enum RecordStyle: String, CaseIterable, Sendable {
    case table, json, jsonl, csv

    /// All rows at once, in the order given (the table shows them oldest first, cut to `width` if given,
    /// ids cut after `idDigits`).
    public func render(_ rows: [Invocation], width: Int? = nil, colour: Bool = false, idDigits: Int = 32) -> String {
        switch self {
        case .table: return HistoryTable.render(rows, width: width, colour: colour, idDigits: idDigits)
        case .json: return "[" + rows.map(\.jsonObject).joined(separator: ",\n") + "]\n"
        case .jsonl: return rows.map { $0.jsonObject + "\n" }.joined()
        case .csv: return Invocation.csvHeader + rows.map(\.csvRow).joined()
        }
    }
}

/// Streams records in a machine format (json, jsonl, csv) one at a time, for `shq export`: nothing is held
/// in memory.
public struct RecordStreamWriter {
    public let style: RecordStyle
    private var count = 0
    private let write: (String) -> Bool

    /// `write` returns false when the reader went away; streaming then stops.
    public init(style: RecordStyle, write: @escaping (String) -> Bool) {
        self.style = style
        self.write = write
    }

    public mutating func begin() -> Bool {
        switch style {
        case .json: return write("[")
        case .csv: return write(Invocation.csvHeader)
        case .jsonl, .table: return true
        }
    }

    public mutating func add(_ row: Invocation) -> Bool {
        defer { count += 1 }
        switch style {
        case .json: return write((count == 0 ? "" : ",\n") + row.jsonObject)
        case .jsonl: return write(row.jsonObject + "\n")
        case .csv: return write(row.csvRow)
        case .table: preconditionFailure("tables are rendered whole, not streamed")
        }
    }

    public mutating func end() -> Bool {
        style == .json ? write("]\n") : true
    }
}
