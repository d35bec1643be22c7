import Foundation
import ShqStore
import ShqTestSupport
import Testing

/// Every figure `shq stats --format json` gives behind its pictures equals what SQL computes from the
/// same rows, on a generated history of 5 000 commands (bench/gen_history.py, zsh-histdb import: exit
/// codes, durations, directories over 18 months).
@Suite struct StatsFiguresTests {
    let fixture = StoreFixture()

    init() throws {
        let made = try ShqProcess.run([ShqProcess.packageRoot + "/bench/gen_history.py", "5000"],
                                      environment: ["OUT_DIR": fixture.directory.path], executable: "/usr/bin/python3")
        try #require(made.status == 0, "\(made.stderrText)")
        let imported = try fixture.shq("import", "zsh-histdb", fixture.directory.file("zsh-histdb-5000.db"))
        try #require(imported.status == 0, "\(imported.stderrText)")
    }

    func stats(_ arguments: String...) throws -> [String: Any] {
        let result = try fixture.shq(arguments: ["stats", "--format", "json"] + arguments)
        try #require(result.status == 0, "\(result.stderrText)")
        return try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    /// `[key: (count, failed)]` from rows of `key|count|failed`.
    func table(_ query: String) throws -> [String: [Int]] {
        var table: [String: [Int]] = [:]
        for row in try fixture.sqlite(query) {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
            table[String(cells[0])] = cells.dropFirst().map { Int($0) ?? -1 }
        }
        return table
    }

    func figures(_ items: Any?, key: String) -> [String: [Int]] {
        var table: [String: [Int]] = [:]
        for item in items as? [[String: Any]] ?? [] {
            let name = item[key].map { "\($0)" } ?? ""
            table[name.count == 1 && key == "hour" ? "0" + name : name] = [item["count"] as? Int ?? -1, item["failed"] as? Int ?? -1]
        }
        return table
    }

    static let failed = "(i.status = 'failed' OR i.exit_code <> 0 OR i.signal IS NOT NULL)"

    @Test func figuresEqualTheSQLTruth() throws {
        let json = try stats("--top", "5")
        let totals = try fixture.sqlite("SELECT count(*), sum(\(Self.failed)) FROM invocations i")[0].split(separator: "|")
        #expect(json["total"] as? Int == Int(totals[0]) && json["failed"] as? Int == Int(totals[1]))

        let local = "i.started_at / 1000000, 'unixepoch', 'localtime'"
        #expect(figures(json["per_hour"], key: "hour") == (try table(
            "SELECT strftime('%H', \(local)), count(*), sum(\(Self.failed)) FROM invocations i GROUP BY 1")))
        #expect(figures(json["per_day"], key: "day") == (try table(
            "SELECT date(\(local)), count(*), sum(\(Self.failed)) FROM invocations i GROUP BY 1")))
        // Top programs: the first word, ties broken by name.
        #expect(figures(json["top_programs"], key: "program") == (try table("""
            SELECT CASE WHEN instr(cmd, ' ') > 0 THEN substr(cmd, 1, instr(cmd, ' ') - 1) ELSE cmd END AS p, count(*),
                sum(\(Self.failed)) FROM invocations i GROUP BY p ORDER BY 2 DESC, p LIMIT 5
            """)))
        #expect(figures(json["busiest_directories"], key: "cwd") == (try table(
            "SELECT cwd, count(*), sum(\(Self.failed)) FROM invocations i GROUP BY cwd ORDER BY 2 DESC, cwd LIMIT 5")))

        let durations = try #require(json["durations"] as? [String: Any])
        let buckets = try #require(durations["buckets"] as? [[String: Any]])
        let bounds = [0, 10_000, 100_000, 1_000_000, 10_000_000, 60_000_000, 600_000_000, Int(Int64.max)]
        for (index, bucket) in buckets.enumerated() {
            let count = try fixture.sqlite("SELECT count(*) FROM invocations WHERE duration_us >= \(bounds[index]) AND duration_us < \(bounds[index + 1])")
            #expect(bucket["count"] as? Int == Int(count[0]), "\(bucket)")
            #expect(bucket["min_ms"] as? Int == bounds[index] / 1000)
        }
        let n = Int(try fixture.sqlite("SELECT count(duration_us) FROM invocations")[0])!
        for (name, fraction) in [("median_ms", 0.5), ("p90_ms", 0.9)] {
            let rank = Int((Double(n) * fraction).rounded(.up))
            let truth = try fixture.sqlite("SELECT duration_us / 1000.0 FROM invocations WHERE duration_us IS NOT NULL ORDER BY duration_us LIMIT 1 OFFSET \(rank - 1)")
            #expect((durations[name] as? Double) == Double(truth[0]), "\(name)")
        }
    }

    @Test func sinceUntilAndSelectorsNarrowEveryFigure() throws {
        let json = try stats("%failed", "--since", "2023-11-20T00:00:00Z", "--until", "2023-12-01T00:00:00Z")
        let from = 1_700_438_400_000_000, to = 1_701_388_800_000_000
        let truth = try fixture.sqlite("SELECT count(*) FROM invocations i WHERE \(Self.failed) AND started_at >= \(from) AND started_at < \(to)")
        #expect(json["total"] as? Int == Int(truth[0]) && json["total"] as? Int != 0)
        #expect(json["failed"] as? Int == json["total"] as? Int)
        let hours = (json["per_hour"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
        let buckets = ((json["durations"] as? [String: Any])?["buckets"] as? [[String: Any]] ?? []).reduce(0) { $0 + ($1["count"] as? Int ?? 0) }
        #expect(hours == json["total"] as? Int)
        #expect(buckets == Int(try fixture.sqlite("SELECT count(duration_us) FROM invocations i WHERE \(Self.failed) AND started_at >= \(from) AND started_at < \(to)")[0]))
    }

    @Test func csvGivesOneTable() throws {
        let csv = try fixture.shq("stats", "--format", "csv", "--only", "hours")
        #expect(csv.status == 0)
        let lines = csv.stdoutText.split(separator: "\r\n")
        #expect(lines.first == "hour,count,failed" && lines.count == 25)
        let refused = try fixture.shq("stats", "--format", "csv")
        #expect(refused.status != 0 && refused.stderrText.contains("--only"))
    }

    @Test func picturesFollowColourChoiceAndLocale() throws {
        let always = try fixture.shq("stats", "--color", "always")
        #expect(always.stdoutText.contains("\u{1B}[31m"))
        let plain = try fixture.shq(arguments: ["stats"], environment: ["LANG": "C.UTF-8", "LC_ALL": ""])
        #expect(!plain.stdoutText.contains("\u{1B}[") && plain.stdoutText.contains("▒"))
        let ascii = try fixture.shq(arguments: ["stats"], environment: ["LANG": "C", "LC_ALL": "", "LC_CTYPE": ""])
        #expect(!ascii.stdoutText.unicodeScalars.contains { $0 == "█" } && ascii.stdoutText.contains("#"))
    }
}
