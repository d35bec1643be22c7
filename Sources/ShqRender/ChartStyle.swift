/// How the pictures of `shq stats` are drawn: in colour on a terminal that takes it; otherwise the same
/// shapes in distinct Unicode blocks, or in ASCII when the locale is not UTF-8. Every glyph is one column.
public struct ChartStyle: Sendable, Equatable {
    public var colour: Bool
    public var unicode: Bool

    public init(colour: Bool, unicode: Bool) {
        self.colour = colour
        self.unicode = unicode
    }

    /// A bar of `cells` columns of which the last `failedCells` are the failed share: red in colour,
    /// a lighter block without (`█` and `▒`), `#` and `x` in ASCII.
    func bar(cells: Int, failedCells: Int) -> String {
        let failed = min(max(0, failedCells), cells), ok = cells - failed
        let full = unicode ? "█" : "#"
        if colour {
            let okPart = String(repeating: full, count: ok)
            return failed == 0 ? okPart : okPart + ANSIColour.red.wrap(String(repeating: full, count: failed))
        }
        return String(repeating: full, count: ok) + String(repeating: unicode ? "▒" : "x", count: failed)
    }

    /// One cell shaded by `level` (0 = none … 4 = most), for the calendar.
    func shade(_ level: Int) -> String {
        let level = min(max(0, level), 4)
        if colour {
            // Greens of the 256-colour palette, darkest to brightest; an empty day a dim dot.
            if level == 0 { return ANSIColour.dim.wrap(unicode ? "·" : ".") }
            let green = ["22", "28", "34", "40"][level - 1]
            return "\u{1B}[38;5;\(green)m" + (unicode ? "█" : "#") + "\u{1B}[0m"
        }
        return unicode ? ["·", "░", "▒", "▓", "█"][level] : [".", "-", "+", "*", "#"][level]
    }

    /// One cell of a strip whose height is `level` (0 = none … 8 = full), red when `alarm`.
    func spark(_ level: Int, alarm: Bool = false) -> String {
        let level = min(max(0, level), 8)
        let glyph = unicode ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"][level] : [" ", ".", ".", ":", ":", "=", "=", "#", "#"][level]
        return colour && alarm && level > 0 ? ANSIColour.red.wrap(glyph) : glyph
    }

    func heading(_ text: String) -> String { colour ? ANSIColour.bold.wrap(text) : text }

    func dim(_ text: String) -> String { colour ? ANSIColour.dim.wrap(text) : text }

    /// The legend of the shades: `less · ░ ▒ ▓ █ more`.
    var shadeLegend: String { "less " + (0...4).map { shade($0) }.joined(separator: " ") + " more" }

    /// `(cells, failedCells)` of a bar for `count` of which `failed`, on a scale where `maximum` fills
    /// `width` cells. A non-zero count gets at least one cell, a non-zero failure share at least one.
    static func cells(_ count: Int64, failed: Int64, maximum: Int64, width: Int) -> (Int, Int) {
        guard maximum > 0, count > 0, width > 0 else { return (0, 0) }
        let cells = max(1, Int((Double(count) / Double(maximum) * Double(width)).rounded()))
        let failedCells = failed == 0 ? 0 : min(cells, max(1, Int((Double(failed) / Double(count) * Double(cells)).rounded())))
        return (cells, failedCells)
    }
}
