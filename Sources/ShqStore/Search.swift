import ShqSystem


/// `shq search`: case-insensitive substring search over command lines, newest matches first.
///
/// The trigram index gives candidates (every command holding all the text's trigrams, a superset),
/// each re-checked against the text. Which plan is fastest depends on how common the text is, so the
/// index first lists candidates, stopping at `candidateCap`:
/// - fewer: fetch them all and keep the newest `limit` (a rare or absent term: a few ms at 1M commands);
/// - more: walk the history from the newest command and stop after `limit` hits (a common term: hits
///   come at once). If the newest `recentWindow` commands do not hold enough hits, fall back to the
///   index plan, which is always right, only slower.
extension Store {
    public static let candidateCap = 5000
    public static let recentWindow = 20_000

    public func search(
        _ text: String, where conditions: Conditions = Conditions(), limit: Int,
        candidateCap: Int = Store.candidateCap, recentWindow: Int = Store.recentWindow
    ) throws -> [Invocation] {
        var exact = conditions
        exact.add("instr(lower(i.cmd), ?) > 0", .text(Self.asciiLowercased(text)))
        func rows(_ conditions: Conditions) throws -> [Invocation] {
            var rows: [Invocation] = []
            try forEachInvocation(conditions, limit: limit) { rows.append($0); return true }
            return rows
        }
        // Fewer than three characters have no trigram: scan.
        guard let match = Self.trigramQuery(text) else { return try rows(exact) }

        // The candidates' row numbers, up to the cap (the MATCH runs once; its doclists are the cost).
        let candidates = try db.prepare("SELECT rowid FROM invocations_fts WHERE invocations_fts MATCH ?1 LIMIT \(candidateCap)")
        candidates.bind(1, match)
        var rowids: [Int64] = []
        rowids.reserveCapacity(candidateCap)
        while try candidates.step() { rowids.append(candidates.int(0)) }
        if rowids.count < candidateCap {
            if rowids.isEmpty { return [] }
            var indexed = exact
            // Written out only here: a common term reaches the cap, and 5000 numbers as text cost 1.2M instructions.
            indexed.add("i.seq IN (\(rowids.map { String($0) }.joined(separator: ",")))")
            return try rows(indexed)
        }
        var indexed = exact
        indexed.add("i.seq IN (SELECT rowid FROM invocations_fts WHERE invocations_fts MATCH ?)", .text(match))

        var recent = exact
        // Over the rows table itself: through the view's joins SQLite reads each row, not just the index.
        recent.add("""
            i.started_at >= coalesce((SELECT started_at FROM invocation_rows
                ORDER BY started_at DESC LIMIT 1 OFFSET \(recentWindow - 1)), -9223372036854775807)
            """)
        let found = try rows(recent)
        return found.count >= limit ? found : try rows(indexed)
    }

    /// An FTS5 query requiring trigrams that cover `text` end to end without overlap (each its own quoted
    /// term: with detail=none FTS5 has no positions, so no phrases), or nil when `text` is shorter than
    /// three characters. Any set of its trigrams yields a superset of the matches; the non-overlapping
    /// cover reads a third of the doclists for about the same candidates ("test_api.toml" at 1M
    /// commands: 653 candidates either way, 3.8 ms against 5.6 ms).
    static func trigramQuery(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3 else { return nil }
        var seen = Set<String>()
        var terms: [String] = []
        for start in Array(stride(from: 0, through: scalars.count - 3, by: 3)) + [scalars.count - 3] {
            var trigram = ""
            trigram.unicodeScalars.append(contentsOf: scalars[start..<(start + 3)])
            if seen.insert(trigram).inserted { terms.append("\"" + trigram.replacingAll("\"", with: "\"\"") + "\"") }
        }
        return terms.joined(separator: " AND ")
    }

    /// Lowercases A–Z only, leaving every other character alone (SQLite's `lower()` without ICU).
    static func asciiLowercased(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
        }
        return String(scalars)
    }
}
