/// A plain aligned text table. Column widths count characters, so `µ` and accents line up.
public struct Table {
    public var headers: [String]
    public var rows: [[String]] = []
    /// Columns allowed to grow without limit (the last one, usually the command) are not padded.
    public init(headers: [String]) { self.headers = headers }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// `colour(row, column)` picks a colour for a cell (row -1 is the header); it is applied inside the
    /// padding, so columns stay aligned.
    public func render(colour: ((Int, Int) -> ANSIColour?)? = nil) -> String {
        var widths = headers.map { $0.count }
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String], row: Int) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let shown = colour?(row, index).map { $0.wrap(cell) } ?? cell
                parts.append(isLast ? shown : shown + String(repeating: " ", count: widths[index] - cell.count))
            }
            return parts.joined(separator: "  ")
        }
        return ([line(headers, row: -1)] + rows.enumerated().map { line($1, row: $0) }).joined(separator: "\n") + "\n"
    }
}

extension String {
    /// One line for a table cell: newlines and tabs shown as `⏎`/space, control bytes as `?`.
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
}
