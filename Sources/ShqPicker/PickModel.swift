import Glibc
import ShqStore

/// The picker's state without a terminal: the history loaded so far, the query, the matching mode, the
/// filter, the matching lines in the order shown, and the selection. Pure and unit tested; the terminal
/// driver feeds it keys and batches of rows and draws what it holds.
///
/// Speed: the filter's view (each distinct line once, newest first, with its count) is built by one pass
/// over integer arrays and extended as batches arrive; when the query grows in the same mode only the
/// previous matches are matched again, on two threads when there are many; only the best matches that
/// can be shown are kept sorted (Docs/design/picker.md).
public struct PickModel {
    public private(set) var history: PickHistory
    public let place: PickerPlace
    public private(set) var query: [UInt8] = []
    public private(set) var mode: MatchMode
    public private(set) var filter: PickFilter
    /// Why the regex does not compile (nothing matches then).
    public private(set) var regexProblem: String?
    public private(set) var selected = 0

    // The view: distinct lines passing the filter, newest first; per line id its count, its newest row
    // and its rank (position in `viewLines`).
    public private(set) var viewLines: [Int32] = []
    private var viewCount: [Int32] = []
    private var viewLatestRow: [Int32] = []
    private var viewRank: [Int32] = []
    private var viewScanned = 0
    // Matches, each a key: high 32 bits the inverted score, low 32 the view rank (`LineMatching.key`).
    // Ranked (fuzzy with a query): only `matchKeys[0..<ordered]` are in display order — the best ones —
    // and the rest follow in no order; otherwise every key is in display order (newest first).
    private var matchKeys: [UInt64] = []
    private var ordered = 0
    private var matchedThrough = 0  // view lines [0, matchedThrough) have been matched with `query`
    /// How many matches past the selection are kept in order (more than any terminal shows at once).
    public static let orderedAhead = 512

    public init(history: PickHistory = PickHistory(), place: PickerPlace = PickerPlace(), query: String = "",
                mode: MatchMode = .fuzzy, filter: PickFilter = .everything) {
        self.history = history
        self.place = place
        self.mode = mode
        self.filter = filter
        extendView()
        setQuery(Array(query.utf8))
    }

    // MARK: - What is shown

    public var matchCount: Int { matchKeys.count }
    /// Distinct lines in the current filter.
    public var distinctCount: Int { viewLines.count }

    /// The line shown at position `index`; in order up to `orderedAhead` past the selection
    /// (`ensureOrdered(through:)` for more).
    public func line(at index: Int) -> Int32 { viewLines[Int(matchKeys[index] & 0xFFFF_FFFF)] }
    /// How many records of `line` the filter holds.
    public func count(of line: Int32) -> Int { Int(viewCount[Int(line)]) }
    /// The newest record of `line` in the filter (a row index of `history`).
    public func latestRow(of line: Int32) -> Int { Int(viewLatestRow[Int(line)]) }
    public var selectedLine: Int32? { matchKeys.isEmpty ? nil : line(at: selected) }
    public var queryText: String { String(decoding: query, as: UTF8.self) }

    /// The rows of `line` that pass the filter, newest first.
    public func rows(of line: Int32) -> [Int] {
        guard Int(line) < viewCount.count, viewCount[Int(line)] > 0 else { return [] }
        var result: [Int] = []
        for row in latestRow(of: line)..<history.rowCount where history.rowLine[row] == line && passes(row) {
            result.append(row)
        }
        return result
    }

    // MARK: - Changes

    /// Rows read since the last call are in `history`: extend the view and match the new lines.
    public mutating func historyGrew(_ update: (inout PickHistory) -> Void) {
        update(&history)
        extendView()
        matchNewViewLines()
    }

    public mutating func setQuery(_ bytes: [UInt8]) {
        let narrowing = mode != .regex && !query.isEmpty && bytes.count > query.count && bytes.starts(with: query)
            && matchedThrough == viewLines.count
        query = bytes
        selected = 0
        if narrowing {
            // Only lines that matched the shorter query can match this one.
            matchKeys = matchRanks(matchKeys.map { Int32(truncatingIfNeeded: $0 & 0xFFFF_FFFF) })
            reorder()
        } else {
            rematchAll()
        }
    }

    public mutating func setMode(_ mode: MatchMode) {
        self.mode = mode
        selected = 0
        rematchAll()
    }

    public mutating func setFilter(_ filter: PickFilter) {
        self.filter = filter
        viewLines = []
        viewCount = []
        viewLatestRow = []
        viewRank = []
        viewScanned = 0
        selected = 0
        extendView()
        rematchAll()
    }

    /// Moves the selection by `delta` rows (positive: towards older lines), clamped to the matches.
    public mutating func moveSelection(_ delta: Int) {
        guard !matchKeys.isEmpty else { selected = 0; return }
        selected = min(max(selected + delta, 0), matchKeys.count - 1)
        ensureOrdered(through: selected + Self.orderedAhead)
    }

    /// Puts the matches up to position `index` in display order (the rest stay unordered).
    public mutating func ensureOrdered(through index: Int) {
        let want = min(index + 1, matchKeys.count)
        guard ranked, ordered < want else { return }
        // Past the first window, order a window more than asked, so paging down does not select each time.
        let extra = ordered == 0 ? 0 : Self.orderedAhead
        TopKeys.order(&matchKeys, from: ordered, count: want - ordered + extra)
        ordered = min(want + extra, matchKeys.count)
    }

    /// Matches are ranked by score (fuzzy with a query); otherwise they stay newest first as matched.
    private var ranked: Bool { mode == .fuzzy && !query.isEmpty }

    /// The keys changed: order the best ones again.
    private mutating func reorder() {
        ordered = 0
        ensureOrdered(through: selected + Self.orderedAhead)
    }

    /// Drops forgotten records (row indices of `history`) and rebuilds the view.
    public mutating func removeRows(_ rows: Set<Int>) {
        history.removeRows(rows)
        let keep = selected
        setFilter(filter)
        moveSelection(keep)
    }

    // MARK: - Filtering and matching

    @inline(__always) private func passes(_ row: Int) -> Bool {
        switch filter {
        case .everything: return true
        case .host: return Int64(history.rowHost[row]) == place.host
        case .session: return Int64(history.rowSession[row]) == place.session
        case .directory: return Int64(history.rowDirectory[row]) == place.directory
        case .failed: return history.rowFailed[row]
        }
    }

    private mutating func extendView() {
        let lines = history.lineCount
        if viewCount.count < lines {
            let grow = lines - viewCount.count
            viewCount.append(contentsOf: repeatElement(0, count: grow))
            viewLatestRow.append(contentsOf: repeatElement(-1, count: grow))
            viewRank.append(contentsOf: repeatElement(-1, count: grow))
        }
        let rowLine = history.rowLine
        for row in viewScanned..<history.rowCount where passes(row) {
            let line = Int(rowLine[row])
            if viewCount[line] == 0 {
                viewRank[line] = Int32(viewLines.count)
                viewLines.append(Int32(line))
                viewLatestRow[line] = Int32(row)
            }
            viewCount[line] += 1
        }
        viewScanned = history.rowCount
    }

    private mutating func rematchAll() {
        matchKeys = []
        ordered = 0
        matchedThrough = 0
        matchNewViewLines()  // orders the best ones when ranked
    }

    private mutating func matchNewViewLines() {
        let start = matchedThrough
        let end = viewLines.count
        guard start < end else { return }
        matchKeys += matchRanks((Int32(start)..<Int32(end)).map { $0 })
        matchedThrough = end
        if ranked { reorder() }  // the new lines may be better than the ordered ones
    }

    /// The match keys of the view lines at these ranks that match the query, in the same order.
    private mutating func matchRanks(_ ranks: [Int32]) -> [UInt64] {
        regexProblem = nil
        if query.isEmpty { return ranks.map { LineMatching.key(rank: $0, score: 0) } }
        guard mode == .regex else {
            // FuzzyMatcher also holds the folded query and smart case the prefix and substring modes use.
            return LineMatching(history: history, viewLines: viewLines, mode: mode, matcher: FuzzyMatcher(query)).keys(ranks)
        }
        var compiled = regex_t()
        let pattern = String(decoding: query, as: UTF8.self)
        let caseless = !query.contains { $0 >= 65 && $0 <= 90 }
        let rc = regcomp(&compiled, pattern, REG_EXTENDED | REG_NOSUB | (caseless ? REG_ICASE : 0))
        guard rc == 0 else {
            regexProblem = PosixRegex.problem(in: pattern) ?? "invalid regex"
            return []
        }
        defer { regfree(&compiled) }
        var keys: [UInt64] = []
        var scratch: [CChar] = []
        for rank in ranks {
            let matched = history.withLine(viewLines[Int(rank)]) { bytes in
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: bytes.lazy.map { CChar(bitPattern: $0 == 0 ? 32 : $0) })
                scratch.append(0)
                return regexec(&compiled, scratch, 0, nil, 0) == 0
            }
            if matched { keys.append(LineMatching.key(rank: rank, score: 0)) }
        }
        return keys
    }

    /// The query at the start of `text` (prefix) or anywhere in it (substring), with smart case.
    static func contains(_ needle: FuzzyMatcher, in text: UnsafeBufferPointer<UInt8>, anywhere: Bool) -> Bool {
        let query = needle.query
        let count = query.count
        guard count <= text.count else { return false }
        let lastStart = anywhere ? text.count - count : 0
        var start = 0
        while start <= lastStart {
            var k = 0
            while k < count {
                let byte = needle.caseSensitive ? text[start + k] : FuzzyMatcher.folded(text[start + k])
                if byte != query[k] { break }
                k += 1
            }
            if k == count { return true }
            start += 1
        }
        return false
    }
}
