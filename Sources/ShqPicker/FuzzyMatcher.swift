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
        let needed = 6 * width + 2 * query.count
        if scratch.count < needed { scratch = Array(repeating: 0, count: max(needed, 256)) }
        let query = self.query, caseSensitive = self.caseSensitive
        return scratch.withUnsafeMutableBufferPointer { memory in
            Self.align(text, start: start, width: width, query: query, caseSensitive: caseSensitive, memory: memory.baseAddress!)
        }
    }

    /// The DP, one row per query byte, on raw memory (no uniqueness or bounds checks), sparse: a row holds
    /// only the columns where its query byte occurs, and only within the band where it can be part of a
    /// whole match (from where a greedy forward match puts it to where a greedy backward match puts it).
    /// The gap term needs no per-column pass: the best gapped predecessor of column j is
    /// max(score[k] + k) − j − 1 over the previous row's cells k ≤ j − 2 (a gap of g bytes costs 3 + (g − 1)),
    /// kept as a running maximum while both rows are walked in order. Same result as the full-width DP
    /// (`FuzzyBandTests` checks it on 30,000 random cases); the work is the occurrences, not query × line.
    private static func align(
        _ text: UnsafeBufferPointer<UInt8>, start: Int, width: Int, query: [UInt8], caseSensitive: Bool,
        memory: UnsafeMutablePointer<Int32>
    ) -> Int32? {
        let m = query.count
        var previousColumn = memory, previousScore = memory + width, previousRun = memory + 2 * width
        var currentColumn = memory + 3 * width, currentScore = memory + 4 * width, currentRun = memory + 5 * width
        let low = memory + 6 * width, high = low + m
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
        var previousCount = 0
        let q0 = query[0]
        for j in Int(low[0])...Int(high[0]) where at(j) == q0 {
            let b = bonus(j)
            previousColumn[previousCount] = Int32(j)
            previousScore[previousCount] = matchScore + 2 * b
            previousRun[previousCount] = b
            previousCount += 1
        }
        for i in 1..<m {
            let qi = query[i]
            var count = 0, k = 0
            var bestShifted = unmatched  // max(score + column) over the previous row's cells left of j − 1
            for j in Int(low[i])...Int(high[i]) where at(j) == qi {
                while k < previousCount && Int(previousColumn[k]) <= j - 2 {
                    bestShifted = max(bestShifted, previousScore[k] + previousColumn[k])
                    k += 1
                }
                let b = bonus(j)
                var best = unmatched, run: Int32 = 0
                if k < previousCount && Int(previousColumn[k]) == j - 1 {
                    // Consecutive: the run keeps its first byte's bonus (or this byte's, if higher).
                    best = previousScore[k] + matchScore + max(previousRun[k], b, consecutiveBonus)
                    run = max(previousRun[k], b)
                }
                if bestShifted > unmatched {
                    let gapped = bestShifted - Int32(j) - 1 + matchScore + b
                    if gapped > best { best = gapped; run = b }
                }
                if best > unmatched {
                    currentColumn[count] = Int32(j)
                    currentScore[count] = best
                    currentRun[count] = run
                    count += 1
                }
            }
            swap(&previousColumn, &currentColumn)
            swap(&previousScore, &currentScore)
            swap(&previousRun, &currentRun)
            previousCount = count
        }
        var result = unmatched
        for index in 0..<previousCount where previousScore[index] > result { result = previousScore[index] }
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
