import ShqQuery
import ShqStore
import ShqTestSupport
import Testing

/// `shq stats` on a large history scans ranges of rows on several threads; the merged figures must be
/// those of a single scan, and those of plain SQL over the rows.
@Suite struct StatsPartsTests {
    let directory = TemporaryDirectory()

    func generatedStore() throws -> Store {
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        let programs = ["git status", "make -j4", "ls -la", "cargo build", "vim notes.md", "  git push"]
        var rng = SystemRandomNumberGenerator()
        try store.db.writeTransaction {
            for index in 0..<3_000 {
                let program = programs[Int.random(in: 0..<programs.count, using: &rng)]
                let exit = Int32.random(in: 0..<10, using: &rng) == 0 ? Int32(1) : 0
                let invocation = Invocation(
                    session: "session-\(index / 400)", cmd: Array("\(program) \(index)".utf8),
                    cwd: index % 7 == 0 ? nil : Array("/src/p\(index % 13)".utf8),
                    source: index % 11 == 0 ? .run : .save,
                    // Hours apart, so rows fall on many days; a few out of order.
                    startedAt: Timestamp(microseconds: Int64(index % 50 == 0 ? 3_000 - index : index) * 3_600_000_000),
                    durationMicros: index % 5 == 0 ? nil : Int64.random(in: 0..<10_000_000, using: &rng),
                    exitCode: exit, status: exit == 0 ? .completed : .failed)
                try store.insert(invocation)
            }
        }
        return store
    }

    @Test(arguments: ["", "%failed", "%/^git /", "%cwd~=p1"])
    func partsMergeToTheFiguresOfOneScan(selector: String) throws {
        let store = try generatedStore()
        let conditions = SelectorQuery(try SelectorParser.parse(selector)).conditions
        let whole = try store.stats(conditions, parts: 1)
        for parts in [2, 3, 4] {
            #expect(try store.stats(conditions, parts: parts) == whole, "\(parts) parts, selector '\(selector)'")
        }
        guard selector.isEmpty else { return }
        #expect(whole.total == 3_000)
        #expect(whole.failed == (try store.db.scalarInt("SELECT count(*) FROM invocations WHERE exit_code <> 0")))
        #expect(whole.sessions == 8)
        #expect(whole.perDay.reduce(0) { $0 + $1.count } == 3_000)
        let git = try store.db.scalarInt("SELECT count(*) FROM invocations WHERE ltrim(cmd) LIKE 'git %'")
        #expect(whole.topPrograms.first { $0.key == "git" }?.count == git)
        let p1 = try store.db.scalarInt("SELECT count(*) FROM invocations WHERE cwd = '/src/p1'")
        #expect(whole.topDirectories.first { $0.key == "/src/p1" }?.count == p1)
        let none = try store.db.scalarInt("SELECT count(*) FROM invocations WHERE cwd IS NULL")
        #expect(whole.topDirectories.first { $0.key == "-" }?.count == none)
        let longest = try store.db.scalarInt("SELECT max(duration_us) FROM invocations")
        #expect(whole.slowest.first?.durationMicros == longest)
        #expect(whole.slowest.count == 10)
    }
}
