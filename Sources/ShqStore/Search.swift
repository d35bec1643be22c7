import ShqSystem

/// How `search` finds the newest matches of a text of three or more characters.
public enum SearchPlan: Equatable, Sendable {
    /// Every candidate the trigram index lists is fetched; the newest `limit` are kept. Cost grows with
    /// the number of candidates: right for a rare text.
    case index
    /// The history is read from the newest command, each checked against the text, stopping at `limit`
    /// hits — or after `rows` commands, then the index plan answers. Cost grows with how far back the
    /// hits lie: right for a common text.
    case walk(rows: Int)
}

/// `shq search`: case-insensitive substring search over command lines, newest matches first.
///
/// The trigram index gives candidates (every command holding all the text's trigrams, a superset),
/// each re-checked against the text. Which plan is fastest depends on how common the text is, which
/// the first `sampleRows` commands of the walk measure: a common text is answered there (its hits come
/// at once); otherwise the hits found give its share, from which `plan(sampleHits:…)` chooses between
/// walking on and the index. Either plan returns exactly the newest `limit` matches: the walk reads the
/// history in its order and hands over to the index plan when it runs out of rows.
extension Store {
    /// The newest commands the walk reads first, to answer a common text or measure how common it is.
    public static let sampleRows = 1_000
    /// What fetching one candidate costs against checking one command of the walk: a candidate is a
    /// random row (its page read from the OS), the walk reads rows that sit together. Measured with the
    /// sqlite3 shell on generated histories: 2.5 against 0.55 µs per row at 100k commands, 4.4 against
    /// 0.37 µs at 1M (Docs/queries.md); the lower ratio, so a borderline text keeps the index plan.
    static let candidateCostRatio = 4.0

    public func search(
        _ text: String, where conditions: Conditions = Conditions(), limit: Int, plan forced: SearchPlan? = nil
    ) throws -> [Invocation] {
        var exact = conditions
        exact.add("instr(lower(i.cmd), ?) > 0", .text(Self.asciiLowercased(text)))
        // Fewer than three characters have no trigram: scan.
        guard let match = Self.trigramQuery(text) else { return try invocations(exact, limit: limit) }

        var plan = forced
        if plan == nil {
            let sample = try sampledPlan(exact, limit: limit)
            guard let chosen = sample.plan else { return sample.found }
            plan = chosen
        }
        if case .walk(let rows) = plan {
            let found = try walk(exact, rows: rows, limit: limit)
            if found.count >= limit { return found }
        }
        var indexed = exact
        indexed.add("i.seq IN (SELECT rowid FROM invocations_fts WHERE invocations_fts MATCH ?)", .text(match))
        return try newestFirst(indexed, limit: limit)
    }

    /// The plan for `text` (nil: shorter than three characters, so neither: a scan), as `search` chooses
    /// it; a walk of `sampleRows` when those hold the answer.
    public func plan(for text: String, limit: Int) throws -> SearchPlan? {
        guard Self.trigramQuery(text) != nil else { return nil }
        var exact = Conditions()
        exact.add("instr(lower(i.cmd), ?) > 0", .text(Self.asciiLowercased(text)))
        return try sampledPlan(exact, limit: limit).plan ?? .walk(rows: Self.sampleRows)
    }

    /// Walks the newest `sampleRows` commands: `plan` is nil when `found` is the answer (`limit` hits, or
    /// the sample read every command), else the plan their share of hits chooses.
    private func sampledPlan(_ exact: Conditions, limit: Int) throws -> (found: [Invocation], plan: SearchPlan?) {
        let found = try walk(exact, rows: Self.sampleRows, limit: limit)
        if found.count >= limit { return (found, nil) }
        let rows = try newestRowNumber()
        if rows <= Self.sampleRows { return (found, nil) }
        return (found, Self.plan(sampleHits: found.count, sampleRows: Self.sampleRows, rows: rows, limit: limit))
    }

    /// The cheaper plan when `sampleHits` of the newest `sampleRows` of `rows` commands match. With that
    /// share `s`, the walk reads about `limit / s` commands and the index plan fetches about `s × rows`
    /// candidates; the walk is given four times its estimate before handing over.
    public static func plan(sampleHits: Int, sampleRows: Int, rows: Int, limit: Int) -> SearchPlan {
        guard sampleHits > 0, sampleRows > 0, limit > 0 else { return .index }
        let share = Double(sampleHits) / Double(sampleRows)
        let walked = Double(limit) / share
        let fetched = share * Double(rows)
        guard walked < fetched * candidateCostRatio else { return .index }
        return .walk(rows: Int(min(Double(rows), max(4 * walked, Double(sampleRows)))))
    }

    /// The newest `limit` matches of `conditions` among the newest `rows` commands, newest first.
    private func walk(_ conditions: Conditions, rows: Int, limit: Int) throws -> [Invocation] {
        var recent = conditions
        // Only the newest `rows` commands, a prefix of the walk's order: hits found in it are the newest.
        // Over the rows table itself: through the view's joins SQLite reads each row, not just the index.
        recent.add("""
            i.started_at >= coalesce((SELECT started_at FROM invocation_rows
                ORDER BY started_at DESC LIMIT 1 OFFSET \(max(rows, 1) - 1)), -9223372036854775807)
            """)
        return try invocations(recent, limit: limit)
    }

    /// The newest `limit` rows matching `conditions`, sorting only their numbers and times: sorted with
    /// every shown column, SQLite computes those (eight look-ups per row) for each of thousands of
    /// candidates before keeping 20 (`kubectl` at 100k commands: 2 801 candidates, ~12 ms of the search).
    private func newestFirst(_ conditions: Conditions, limit: Int) throws -> [Invocation] {
        var newest = Conditions()
        newest.add("""
            i.seq IN (SELECT i.seq FROM \(Self.invocationsFrom) WHERE \(conditions.sql)
                ORDER BY i.started_at DESC, i.seq DESC LIMIT \(limit))
            """, conditions.values)
        return try invocations(newest, limit: limit)
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
