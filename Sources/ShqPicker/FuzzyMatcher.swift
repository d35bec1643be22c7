/// Fuzzy matching scored the way fzf's matcher scores (the rules in words, our own code): every query
/// byte must appear in order; each match scores 16; a gap between matches costs 3 to open and 1 per further
/// byte; a match at a word boundary earns a bonus (start of line or after whitespace +10, after `/ , : ; |`
/// +9, after other punctuation +8, a camelCase hump or letter/digit change +7, the punctuation itself +8),
/// the first query byte's bonus counts double, and a run of consecutive matches keeps the bonus of its first
/// byte (at least +4). The best alignment wins (dynamic programming over one row at a time).
///
/// Bytes, not characters: ASCII letters fold case unless the query holds an uppercase letter (smart case);
/// other bytes (UTF-8 of non-ASCII text) match exactly.
public struct FuzzyMatcher: Sendable {
    public let query: [UInt8]
    public let caseSensitive: Bool
    // Scratch memory reused from line to line (the DP's rows and each query byte's column range): no
    // allocation per candidate.
    private var scratch: [Int32] = []

    static let matchScore: Int32 = 16
    static let gapStart: Int32 = 3
    static let gapExtension: Int32 = 1
    static let consecutiveBonus: Int32 = 4
    static let unmatched: Int32 = Int32.min / 4

    public init(_ query: some Sequence<UInt8>) {
        let bytes = Array(query)
        caseSensitive = bytes.contains { $0 >= 65 && $0 <= 90 }
        self.query = caseSensitive ? bytes : bytes.map(Self.folded)
    }

    @inline(__always) static func folded(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }

    /// The score of the best alignment of the query in `text`, or nil when the query does not match.
    public mutating func score(_ text: UnsafeBufferPointer<UInt8>) -> Int32? {
        let m = query.count
        if m == 0 { return 0 }
        guard !text.isEmpty else { return nil }
        if m == 1 {
            // One byte (the first key typed, which nearly every line of a big history matches): the score
            // is its best-placed occurrence's, found in one pass, no alignment.
            let q0 = query[0]
            var best: Int32 = -1
            for index in 0..<text.count where byte(text[index]) == q0 { best = max(best, Self.bonus(text, at: index)) }
            return best < 0 ? nil : Self.matchScore + 2 * best
        }
        // The alignment's greedy forward scan is also the prefilter: most lines are rejected there.
        return align(text, from: 0, through: text.count - 1)
    }

    /// The bonus of a match at `index`: it depends on the byte and the one before it.
    @inline(__always) static func bonus(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int32 {
        let before = index == 0 ? ByteClass.whitespace : ByteClass(text[index - 1])
        return ByteClass.bonus(after: before, at: ByteClass(text[index]))
    }

    @inline(__always) private func byte(_ value: UInt8) -> UInt8 { caseSensitive ? value : Self.folded(value) }

    mutating func align(_ text: UnsafeBufferPointer<UInt8>, from start: Int, through end: Int) -> Int32? {
        let width = end - start + 1
        let needed = 4 * width + 2 * query.count
        if scratch.count < needed { scratch = Array(repeating: 0, count: max(needed, 256)) }
        let query = self.query, caseSensitive = self.caseSensitive
        return scratch.withUnsafeMutableBufferPointer { memory in
            Self.align(text, start: start, width: width, query: query, caseSensitive: caseSensitive, memory: memory.baseAddress!)
        }
    }

    /// The DP, one row per query byte, on raw memory (no uniqueness or bounds checks per cell). Row `i`
    /// only spans the columns where query byte `i` can be part of a whole match: from where a greedy
    /// forward match puts it to where a greedy backward match puts it. Outside that band a cell can never
    /// lead to a whole match, so the best score is the same as over the full rows (`FuzzyBandTests`
    /// checks it against the full-width DP); for a multi-word query most of each row is skipped.
    private static func align(
        _ text: UnsafeBufferPointer<UInt8>, start: Int, width: Int, query: [UInt8], caseSensitive: Bool,
        memory: UnsafeMutablePointer<Int32>
    ) -> Int32? {
        let m = query.count
        var previous = memory, current = memory + width
        var previousRun = memory + 2 * width, currentRun = memory + 3 * width
        let low = memory + 4 * width, high = low + m
        @inline(__always) func at(_ j: Int) -> UInt8 { caseSensitive ? text[start + j] : folded(text[start + j]) }
        // A byte's bonus depends on it and the byte before it; computed only where a query byte matches.
        @inline(__always) func bonus(_ j: Int) -> Int32 { Self.bonus(text, at: start + j) }
        var j = 0
        for i in 0..<m {
            while j < width && at(j) != query[i] { j += 1 }
            if j == width { return nil }
            low[i] = Int32(j)
            j += 1
        }
        j = width - 1
        for i in stride(from: m - 1, through: 0, by: -1) {
            while at(j) != query[i] { j -= 1 }  // found: the forward match shows there is one
            high[i] = Int32(j)
            j -= 1
        }
        // Row 0: where the first query byte can match; its bonus counts double.
        var previousLow = Int(low[0]), previousHigh = Int(high[0])
        let q0 = query[0]
        for j in previousLow...previousHigh {
            if at(j) == q0 {
                let b = bonus(j)
                previous[j] = matchScore + 2 * b
                previousRun[j] = b
            } else {
                previous[j] = unmatched
            }
        }
        for i in 1..<m {
            let qi = query[i], rowLow = Int(low[i]), rowHigh = Int(high[i])
            var gapBest = unmatched  // best of the previous row ending two or more bytes back, gap paid
            for j in (previousLow + 1)...rowHigh {
                let k = j - 2
                gapBest = k >= previousLow && k <= previousHigh
                    ? max(gapBest - gapExtension, previous[k] - gapStart) : gapBest - gapExtension
                if j < rowLow { continue }
                guard at(j) == qi else {
                    current[j] = unmatched
                    continue
                }
                let b = bonus(j)
                var best = unmatched, run: Int32 = 0
                if j - 1 <= previousHigh, previous[j - 1] > unmatched {
                    // Consecutive: the run keeps its first byte's bonus (or this byte's, if higher).
                    let runBonus = max(previousRun[j - 1], b, consecutiveBonus)
                    best = previous[j - 1] + matchScore + runBonus
                    run = max(previousRun[j - 1], b)
                }
                if gapBest > unmatched {
                    let gapped = gapBest + matchScore + b
                    if gapped > best { best = gapped; run = b }
                }
                current[j] = best
                currentRun[j] = run
            }
            swap(&previous, &current)
            swap(&previousRun, &currentRun)
            (previousLow, previousHigh) = (rowLow, rowHigh)
        }
        var result = unmatched
        for j in previousLow...previousHigh where previous[j] > result { result = previous[j] }
        return result > unmatched ? result : nil
    }
}

/// What a byte is, for the boundary bonuses.
enum ByteClass {
    case whitespace, delimiter, punctuation, lower, upper, digit, other

    init(_ byte: UInt8) {
        switch byte {
        case 32, 9, 10, 13: self = .whitespace
        case UInt8(ascii: "/"), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "|"): self = .delimiter
        case 97...122: self = .lower
        case 65...90: self = .upper
        case 48...57: self = .digit
        case 33...126: self = .punctuation
        default: self = .other  // UTF-8 bytes of non-ASCII text: letters, as far as bonuses go
        }
    }

    var isWord: Bool { self == .lower || self == .upper || self == .digit || self == .other }

    /// The bonus of a match on a byte of class `current` that follows a byte of class `previous`.
    static func bonus(after previous: ByteClass, at current: ByteClass) -> Int32 {
        if current.isWord {
            switch previous {
            case .whitespace: return 10
            case .delimiter: return 9
            case .punctuation: return 8
            case .lower where current == .upper: return 7
            case .lower, .upper, .other: return current == .digit ? 7 : 0
            case .digit: return current == .digit ? 0 : 7
            }
        }
        return current == .whitespace ? 10 : 8
    }
}
