/// A plain aligned text table. Column widths are display widths, so `µ`, accents, CJK and emoji line up.
public struct Table {
    public var headers: [String]
    public var rows: [[String]] = []
    /// The last column (usually the command) is not padded.
    public init(headers: [String]) { self.headers = headers }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// `colour(row, column)` picks a colour for a cell (row -1 is the header); it is applied inside the
    /// padding, so columns stay aligned. With `width` (a terminal's), the last column is cut with `…` so
    /// that no line wraps — keeping at least `minimumLast` columns of it.
    public func render(width: Int? = nil, colour: ((Int, Int) -> ANSIColour?)? = nil) -> String {
        var widths = headers.map(\.displayWidth)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.displayWidth) }
        }
        let lastRoom = width.map { max(Self.minimumLast, $0 - widths.dropLast().reduce(0) { $0 + $1 + 2 }) }
        func line(_ cells: [String], row: Int) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                let text = isLast ? lastRoom.map { cell.truncated(toWidth: $0) } ?? cell : cell
                let shown = colour?(row, index).map { $0.wrap(text) } ?? text
                parts.append(isLast ? shown : shown + String(repeating: " ", count: widths[index] - cell.displayWidth))
            }
            return parts.joined(separator: "  ")
        }
        return ([line(headers, row: -1)] + rows.enumerated().map { line($1, row: $0) }).joined(separator: "\n") + "\n"
    }

    /// On a terminal too narrow for the other columns, the last one still shows this much (and wraps).
    static let minimumLast = 10
}
