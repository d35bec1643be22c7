import ShqStore
import ShqTestSupport
import Testing

/// Every plan `search` can pick (index, recent walk, walk then index) returns exactly what a scan of
/// all records returns. Small caps force each plan on a small history.
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
        for (cap, window) in [(Store.candidateCap, Store.recentWindow), (10, 100), (10, 3000), (1, 1)] {
            for limit in [1, 20, 100_000] {
                let got = try store.search(text, limit: limit, candidateCap: cap, recentWindow: window).map(\.id)
                #expect(got == Array(expected.prefix(limit)), "\(text) cap \(cap) window \(window) limit \(limit)")
            }
        }
    }
}

