import Foundation
import ShqTestSupport
import Testing

/// `shq search` against a brute-force scan of every record: same commands, same order, for common,
/// rare, short, absent and awkward terms, with and without filters and limits.
@Suite(.serialized) struct SearchTests {
    static let history = Result { try GeneratedHistory() }

    /// Substring, ignoring ASCII case only (as SQL lower()).
    static func asciiLower(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.value >= 65 && $0.value <= 90 ? Unicode.Scalar($0.value + 32)! : $0
        }))
    }

    static let terms = [
        "git", "GIT COMMIT", "git status", "rare-old-flag", "recent-only", "a", "la", "100%", "done_1", "_",
        "%", "café", "CAFÉ", "'TODO'", "no such thing here", "t c", "\"fix #12",
    ]

    @Test(arguments: terms)
    func matchesBruteForce(_ term: String) throws {
        let history = try Self.history.get()
        let needle = Self.asciiLower(term)
        let expected = history.rows.filter { Self.asciiLower($0["cmd"] as! String).contains(needle) }.map { $0["id"] as! String }
        #expect(try history.ids(["search", term, "-n", "1000000"]) == expected, "\(term)")
        #expect(try history.ids(["search", term]) == Array(expected.prefix(20)), "\(term) -n 20")
        #expect(try history.ids(["search", term, "-n", "3"]) == Array(expected.prefix(3)), "\(term) -n 3")
    }

    @Test func filtersNarrowTheSearch() throws {
        let history = try Self.history.get()
        let since = history.rows[history.rows.count / 2]["started_at"] as! String
        let expected = history.rows.filter {
            ($0["cmd"] as! String).lowercased().contains("git") && $0["cwd"] as? String == history.project + "/sub"
                && $0["exit_code"] as? Int == 1 && ($0["started_at"] as! String) >= since
                && $0["session"] as? String != nil
        }.map { $0["id"] as! String }
        #expect(!expected.isEmpty)
        #expect(try history.ids(["search", "git", "--cwd", "sub", "--exit", "1", "--since", since, "-n", "100000"], cwd: history.project) == expected)
        let session = history.rows[0]["session"] as! String
        let inSession = history.rows.filter { ($0["cmd"] as! String).contains("ls") && $0["session"] as? String == session }
        #expect(try history.ids(["search", "ls", "--session", session, "-n", "100000"]) == inSession.map { $0["id"] as! String })
        let onPi = try history.fixture.sqlite("SELECT count(*) FROM invocations WHERE host = 'pi' AND instr(lower(cmd), 'make') > 0")
        #expect(try history.ids(["search", "make", "--host", "pi", "-n", "100000"]).count == Int(onPi[0]))
    }

    /// `history` takes the same filter options as `search`, and ANDs them with its selector.
    @Test func historyTakesTheSameFilters() throws {
        let history = try Self.history.get()
        let since = history.rows[history.rows.count / 2]["started_at"] as! String
        let expected = history.rows.filter {
            $0["cwd"] as? String == history.project + "/sub" && $0["exit_code"] as? Int == 1 && ($0["started_at"] as! String) >= since
        }.map { $0["id"] as! String }
        #expect(!expected.isEmpty)
        #expect(try history.ids(["history", "--cwd", "sub", "--exit", "1", "--since", since, "-n", "100000"], cwd: history.project) == expected)
        let session = history.rows[0]["session"] as! String
        let onPi = try history.fixture.sqlite("SELECT count(*) FROM invocations WHERE host = 'pi' AND session = '\(session)'")
        #expect(Int(onPi[0])! > 0)
        #expect(try history.ids(["history", "--session", session, "--host", "pi", "-n", "100000"]).count == Int(onPi[0]))
        let gitFailures = expected.filter { id in (history.rows.first { $0["id"] as? String == id }!["cmd"] as! String).hasPrefix("git ") }
        #expect(try history.ids(["history", "%/^git /", "--cwd", "sub", "--exit", "1", "--since", since, "-n", "100000"], cwd: history.project) == gitFailures)
        for command in ["history", "search"] {
            let bad = try history.fixture.shq(command, "x", "--since", "yesterdayish")
            #expect(bad.status != 0)
            #expect(bad.stderrText.contains("--since 'yesterdayish'"), "\(command)")
        }
    }

    @Test func badSinceIsRefused() throws {
        let history = try Self.history.get()
        let result = try history.fixture.shq("search", "x", "--since", "yesterdayish")
        #expect(result.status != 0)
        #expect(result.stderrText.contains("--since"))
    }
}
