import ShqStore
import ShqTestSupport
import Testing

/// Every plan `search` can pick (index, walk, walk then index) returns exactly what a scan of all
/// records returns; each plan is forced on a small history, and the statistics choose on a larger one.
@Suite struct SearchPlanTests {
    static func makeStore() throws -> (TemporaryDirectory, Store) {
        let directory = TemporaryDirectory()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        var random = SeededRandom(seed: 3)
        try store.db.writeTransaction { () throws in
            for i in 0..<3000 {
                var cmd = ["git status", "make test", "ls -la", "echo Hello", "vim café.txt", "GIT push"][random.below(6)]
                if i < 300 && random.below(10) == 0 { cmd += " old-only" }  // common, but not recently
                if random.below(7) == 0 { cmd += " \(random.below(100))" }
                // Times out of insertion order, with ties, so seq order is not time order.
                let time = Int64(1_700_000_000_000_000 + (i % 2 == 0 ? i : 6000 - i) * 1_000_000)
                try store.insert(Invocation(cmd: Array(cmd.utf8), source: .save, startedAt: Timestamp(microseconds: time), status: .completed))
            }
        }
        return (directory, store)
    }

    static func bruteForce(_ store: Store, _ text: String) throws -> [String] {
        let needle = text.unicodeScalars.map { $0.value >= 65 && $0.value <= 90 ? String(Unicode.Scalar($0.value + 32)!) : String($0) }.joined()
        return try store.invocations(limit: nil).filter {
            String($0.cmdText.unicodeScalars.map { $0.value >= 65 && $0.value <= 90 ? Character(Unicode.Scalar($0.value + 32)!) : Character($0) })
                .contains(needle)
        }.map(\.id)
    }

    @Test(arguments: ["git", "old-only", "Hello 4", "café", "no such", "la", "e", "\"quote"])
    func everyPlanMatchesAScan(_ text: String) throws {
        let (directory, store) = try Self.makeStore()
        _ = directory
        let expected = try Self.bruteForce(store, text)
        // nil: the plan the statistics choose; a walk of 1 or 100 commands runs out and hands over.
        for plan: SearchPlan? in [nil, .index, .walk(rows: 1), .walk(rows: 100), .walk(rows: 3000), .walk(rows: 1_000_000)] {
            for limit in [1, 20, 100_000] {
                let got = try store.search(text, limit: limit, plan: plan).map(\.id)
                #expect(got == Array(expected.prefix(limit)), "\(text) plan \(String(describing: plan)) limit \(limit)")
            }
        }
    }

    /// Where the choice switches, with the sample of 1 000 commands: a text in 2.8% of 100k commands
    /// (`kubectl` in the generated history) walks; in 0.1% or fewer (`test_api.toml`: 0.06%) it takes
    /// the index, at 100k and at 1M; 0.5% (`git push origin`) walks at 1M but not at 100k; nothing found
    /// in the sample, or a limit as large as the history, takes the index. A walk may read four times its
    /// estimate, at least the sample.
    @Test func planSwitchesWithHowCommonTheTextIs() {
        #expect(Store.plan(sampleHits: 28, sampleRows: 1000, rows: 100_000, limit: 20) == .walk(rows: 2_857))
        #expect(Store.plan(sampleHits: 1, sampleRows: 1000, rows: 100_000, limit: 20) == .index)
        #expect(Store.plan(sampleHits: 1, sampleRows: 1000, rows: 1_000_000, limit: 20) == .index)
        #expect(Store.plan(sampleHits: 5, sampleRows: 1000, rows: 1_000_000, limit: 20) == .walk(rows: 16_000))
        #expect(Store.plan(sampleHits: 5, sampleRows: 1000, rows: 100_000, limit: 20) == .index)
        #expect(Store.plan(sampleHits: 250, sampleRows: 1000, rows: 1_000_000, limit: 20) == .walk(rows: 1_000))
        #expect(Store.plan(sampleHits: 0, sampleRows: 1000, rows: 1_000_000, limit: 20) == .index)
        #expect(Store.plan(sampleHits: 28, sampleRows: 1000, rows: 100_000, limit: 100_000) == .index)
        #expect(Store.plan(sampleHits: 5, sampleRows: 5, rows: 5, limit: 20) == .index)
        #expect(Store.plan(sampleHits: 500, sampleRows: 500, rows: 500, limit: 20) == .walk(rows: 500))
    }

    @Test func statisticsChooseAndAgreeWithAScan() throws {
        let directory = TemporaryDirectory()
        let store = try Store(location: StoreLocation(databasePath: directory.databasePath))
        var random = SeededRandom(seed: 22)
        let base: Int64 = 1_700_000_000_000_000
        try store.db.writeTransaction { () throws in
            for i in 0..<12_000 {
                var cmd = "ls \(random.below(1000))"
                if i < 10 || (i % 10 == 0 && i >= 11_810) { cmd += " burst" }
                if random.below(2) == 0 { cmd += " half" }
                if random.below(20) == 0 { cmd += " twentieth" }
                if random.below(100) == 0 { cmd += " hundredth" }
                if random.below(2000) == 0 { cmd += " rarest" }
                let time = base + Int64(3000 + i) * 1_000_000 + (random.below(3) == 0 ? 0 : Int64(random.below(2_000_000)))
                try store.insert(Invocation(cmd: Array(cmd.utf8), source: .save, startedAt: Timestamp(microseconds: time), status: .completed))
            }
            for i in 0..<3000 {  // newest numbers, oldest times
                let cmd = "make backfill \(i)"
                try store.insert(Invocation(cmd: Array(cmd.utf8), source: .save, startedAt: Timestamp(microseconds: base + Int64(i) * 1_000_000), status: .completed))
            }
        }
        func isWalk(_ plan: SearchPlan?) -> Bool { if case .walk = plan { true } else { false } }
        #expect(isWalk(try store.plan(for: "half", limit: 20)))
        #expect(isWalk(try store.plan(for: "twentieth", limit: 20)))
        #expect(try store.plan(for: "hundredth", limit: 20) == .index)
        #expect(isWalk(try store.plan(for: "hundredth", limit: 1)))
        #expect(try store.plan(for: "rarest", limit: 20) == .index)
        #expect(try store.plan(for: "backfill", limit: 20) == .index)
        #expect(try store.plan(for: "burst", limit: 20) == .walk(rows: 4_210))
        #expect(try store.plan(for: "half", limit: 100_000) == .index)
        #expect(try store.plan(for: "ha", limit: 20) == nil)
        for text in ["half", "twentieth", "hundredth", "rarest", "backfill", "burst", "HALF TW", "ls 99", "xyz"] {
            let expected = try Self.bruteForce(store, text)
            for limit in [1, 20, 1000, 100_000] {
                #expect(try store.search(text, limit: limit).map(\.id) == Array(expected.prefix(limit)), "\(text) limit \(limit)")
            }
        }
    }
}
