@testable import ShqPicker
import ShqStore
import ShqTestSupport
import Testing

/// The speed-ups must not change what is shown: top-k ordering against a full sort, two threads against
/// one, the one-byte shortcut against the alignment, and a model past the ordered window against sorting
/// every match.
@Suite struct PickMatchingTests {
    @Test(arguments: [0, 1, 5, 100, 3_000])
    func topKeysAreTheSortedFront(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 7)
        for k in [0, 1, 3, 50, 512, 5_000] {
            for from in [0, 1, count / 2] where from <= count {
                // Duplicate-heavy keys, as scores are.
                var keys = (0..<count).map { _ in UInt64(random.below(40)) << 32 | UInt64(random.below(1_000)) }
                keys[0..<from].sort()
                let before = keys
                TopKeys.order(&keys, from: from, count: k)
                let want = min(from + k, count)
                #expect(Array(keys[from..<want]) == Array(before[from...].sorted().prefix(want - from)), "from \(from) k \(k)")
                #expect(keys.sorted() == before.sorted(), "a permutation")
                #expect(Array(keys[0..<from]) == Array(before[0..<from]), "the ordered front is left alone")
            }
        }
    }

    static func history(lines: Int, seed: UInt64) -> PickHistory {
        var random = SeededRandom(seed: seed)
        let words = ["git", "status", "push", "origin", "docker", "run", "-it", "make", "test", "cd", "src/app",
                     "kubectl", "get", "pods", "ls", "-la", "grep", "TODO", "vim", "Package.swift", "日本語"]
        var history = PickHistory()
        for seq in 0..<lines {
            let length = 1 + random.below(6)
            let line = (0..<length).map { _ in words[random.below(words.count)] }.joined(separator: " ") + " \(random.below(5_000))"
            history.append(line, seq: Int64(lines - seq))
        }
        return history
    }

    @Test(arguments: [MatchMode.fuzzy, .prefix, .substring])
    func twoThreadsMatchWhatOneDoes(mode: MatchMode) {
        let history = Self.history(lines: 3 * LineMatching.parallelFrom, seed: 11)
        let model = PickModel(history: history)
        let ranks = (0..<Int32(model.distinctCount)).map { $0 }
        #expect(ranks.count >= LineMatching.parallelFrom, "big enough to run on two threads")
        for query in ["g", "gi", "git p", "Pack", "1", "日", "zzz"] {
            let matching = LineMatching(history: history, viewLines: model.viewLines, mode: mode, matcher: FuzzyMatcher(Array(query.utf8)))
            var matcher = matching.matcher
            let one = ranks.withUnsafeBufferPointer { matching.match($0, with: &matcher) }
            #expect(matching.keys(ranks) == one, "\(mode) \(query)")
        }
    }

    @Test func oneByteScoreIsTheAlignmentsScore() {
        var random = SeededRandom(seed: 3)
        let alphabet = Array("aAbB/_-. 1gG".utf8)
        for _ in 0..<2_000 {
            let text = (0..<(1 + random.below(30))).map { _ in alphabet[random.below(alphabet.count)] }
            for query in ["a", "A", "g", "/", "1"] {
                var matcher = FuzzyMatcher(Array(query.utf8))
                text.withUnsafeBufferPointer { buffer in
                    let shortcut = matcher.score(buffer)
                    let aligned = matcher.align(buffer, from: 0, through: buffer.count - 1)
                    #expect(shortcut == aligned, "\(String(decoding: text, as: UTF8.self)) / \(query)")
                }
            }
        }
    }

    /// Many more matches than the ordered window: moving far down shows what a full sort of every match by
    /// (score, newest) would, and narrowing keeps it so.
    @Test func orderPastTheWindowEqualsAFullSort() {
        let history = Self.history(lines: 20_000, seed: 5)
        for query in ["g", "gp", "git"] {
            var model = PickModel(history: history, query: query)
            var matcher = FuzzyMatcher(Array(query.utf8))
            let expected = (0..<model.distinctCount).compactMap { rank -> (Int32, Int)? in
                history.withLine(model.viewLines[rank]) { matcher.score($0) }.map { ($0, rank) }
            }.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.map { model.viewLines[$0.1] }
            #expect(model.matchCount == expected.count)
            #expect(expected.count > 3 * PickModel.orderedAhead, "\(query): enough matches")
            var shown: [Int32] = []
            while shown.count < model.matchCount {
                shown.append(model.line(at: model.selected))
                model.moveSelection(1)
                if model.selected == shown.count - 1 { break }
            }
            #expect(shown == expected, "\(query)")
        }
    }
}

/// The banded DP against the same rules written plainly over full rows (every column of every row).
@Suite struct FuzzyBandTests {
    static func fullWidthScore(_ query: [UInt8], _ text: [UInt8]) -> Int32? {
        let caseSensitive = query.contains { $0 >= 65 && $0 <= 90 }
        let fold = { (b: UInt8) in caseSensitive ? b : FuzzyMatcher.folded(b) }
        let q = query.map(fold), t = text.map(fold), n = t.count, none = FuzzyMatcher.unmatched
        guard n > 0 else { return nil }
        let bonuses: [Int32] = text.withUnsafeBufferPointer { buffer in (0..<n).map { FuzzyMatcher.bonus(buffer, at: $0) } }
        var previous = (0..<n).map { t[$0] == q[0] ? FuzzyMatcher.matchScore + 2 * bonuses[$0] : none }
        var previousRun = bonuses
        for i in 1..<q.count {
            var current = [Int32](repeating: none, count: n), currentRun = [Int32](repeating: 0, count: n)
            var gapBest = none
            for j in 0..<n {
                if j >= 2 { gapBest = max(gapBest - FuzzyMatcher.gapExtension, previous[j - 2] - FuzzyMatcher.gapStart) }
                guard j >= 1, t[j] == q[i] else { continue }
                var best = none, run: Int32 = 0
                if previous[j - 1] > none {
                    best = previous[j - 1] + FuzzyMatcher.matchScore + max(previousRun[j - 1], bonuses[j], FuzzyMatcher.consecutiveBonus)
                    run = max(previousRun[j - 1], bonuses[j])
                }
                if gapBest > none, gapBest + FuzzyMatcher.matchScore + bonuses[j] > best {
                    best = gapBest + FuzzyMatcher.matchScore + bonuses[j]
                    run = bonuses[j]
                }
                current[j] = best
                currentRun[j] = run
            }
            previous = current
            previousRun = currentRun
        }
        let result = previous.max()!
        return result > none ? result : nil
    }

    @Test func bandedEqualsFullWidth() {
        var random = SeededRandom(seed: 21)
        let alphabet = Array("gitpushGP /-_.:aeo1".utf8)
        let queries = ["gi", "gitps", "git p", "ps", "GP", "g/p", "aeo", "gig", "pp", "sh-1"]
        for _ in 0..<3_000 {
            let text = (0..<(1 + random.below(60))).map { _ in alphabet[random.below(alphabet.count)] }
            for query in queries {
                var matcher = FuzzyMatcher(Array(query.utf8))
                let banded = text.withUnsafeBufferPointer { matcher.score($0) }
                #expect(banded == Self.fullWidthScore(Array(query.utf8), text), "\(String(decoding: text, as: UTF8.self)) / \(query)")
            }
        }
    }
}
