/// How many terminal columns text takes: 2 for East Asian Wide and Fullwidth characters (CJK, Hangul,
/// fullwidth forms, emoji shown as emoji), 0 for combining marks and invisible format characters, 1 for the
/// rest — what terminals (and glibc's `wcwidth`) do, per scalar, so tables line up on screen.
extension Unicode.Scalar {
    public var displayWidth: Int {
        let value = value
        if value < 0x300 { return value < 0x20 || (value >= 0x7F && value < 0xA0) ? 0 : 1 }
        if isZeroWidth { return 0 }
        // Regional indicators (flag halves) are emoji but narrow, one column each.
        if properties.isEmojiPresentation && !(0x1F1E6...0x1F1FF).contains(value) { return 2 }
        for range in Self.wideRanges where range.contains(value) { return 2 }
        return 1
    }

    private var isZeroWidth: Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        // Format characters (zero-width joiner, direction marks…) are invisible, but for the marks written
        // before a number (Arabic number sign…).
        case .format: return !Self.visibleFormat.contains(value)
        default:
            // Hangul medial vowels and final consonants join the preceding initial into one syllable.
            return (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value)
        }
    }

    private static let visibleFormat: Set<UInt32> = [
        0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD,
    ]

    /// East Asian Wide (W) and Fullwidth (F) ranges of Unicode's EastAsianWidth.txt, emoji aside.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,  // kana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK strokes, enclosed, compatibility
        0x3400...0x9FFF,  // CJK extension A, Yijing hexagrams (wide in Unicode 16 and glibc), CJK unified ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FFF,  // ideographic symbols
        0x17000...0x18CFF,  // Tangut, Khitan
        0x18D00...0x18D8F,  // Tangut supplement
        0x1AFF0...0x1B2FF,  // kana extended and supplement, Nushu
        0x1F200...0x1F2FF,  // enclosed ideographic supplement
        0x20000...0x2FFFD,  // CJK extensions B–F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G, H
    ]
}

extension String {
    /// Terminal columns: the sum of the scalars' widths.
    public var displayWidth: Int {
        unicodeScalars.reduce(0) { $0 + $1.displayWidth }
    }

    /// At most `width` columns: cut at a character boundary and ended with `…` when longer.
    public func truncated(toWidth width: Int) -> String {
        if displayWidth <= width { return self }
        guard width > 0 else { return "" }
        var kept = ""
        var used = 0
        for character in self {
            let columns = character.unicodeScalars.reduce(0) { $0 + $1.displayWidth }
            if used + columns > width - 1 { break }
            kept.append(character)
            used += columns
        }
        return kept + "…"
    }

    /// At most `width` columns: the end kept, started with `…` when longer.
    public func truncatedAtStart(toWidth width: Int) -> String {
        if displayWidth <= width { return self }
        guard width > 0 else { return "" }
        var kept = ""
        var used = 0
        for character in reversed() {
            let columns = character.unicodeScalars.reduce(0) { $0 + $1.displayWidth }
            if used + columns > width - 1 { break }
            kept.insert(character, at: kept.startIndex)
            used += columns
        }
        return "…" + kept
    }

    /// Padded with spaces to `width` columns (never cut).
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - displayWidth)) }

    /// Without the spaces at its end.
    var trailingSpacesRemoved: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
