import ShqStore

/// `shq search`: case-insensitive substring search over command lines, newest matches first.
///
/// Two plans, because neither wins everywhere: a common term is found fastest by walking the history
/// from the newest command and stopping after `limit` hits; a rare one by asking the trigram index for
/// candidates. The walk covers the newest `recentWindow` commands; if it finds fewer than `limit` matches
/// the term is rare there and the index answers (over the whole history, the window included).
extension Store {
    public static let recentWindow = 5000

    public func search(_ text: String, where conditions: Conditions = Conditions(), limit: Int) throws -> [Invocation] {
        let needle = Self.asciiLowercased(text)
        var exact = conditions
        exact.add("instr(lower(i.cmd), ?) > 0", .text(needle))

        var recent = exact
        recent.add("""
            i.started_at >= coalesce((SELECT started_at FROM invocations
                ORDER BY started_at DESC LIMIT 1 OFFSET \(Self.recentWindow - 1)), -9223372036854775807)
            """)
        var rows: [Invocation] = []
        try forEachInvocation(recent, limit: limit) { rows.append($0); return true }
        if rows.count >= limit { return rows }

        var indexed = exact
        // Fewer than three characters have no trigram: then the scan above was already the whole plan
        // only within the window, so fall back to scanning everything.
        if text.unicodeScalars.count >= 3 {
            indexed.add("i.seq IN (SELECT rowid FROM invocations_fts WHERE cmd LIKE ?)", .text("%" + text + "%"))
        }
        rows = []
        try forEachInvocation(indexed, limit: limit) { rows.append($0); return true }
        return rows
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
