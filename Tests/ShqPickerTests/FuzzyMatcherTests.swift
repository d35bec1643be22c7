@testable import ShqPicker
import Testing

/// The fuzzy matcher's scoring order: which of two lines ranks first for a query.
@Suite struct FuzzyMatcherTests {
    func score(_ query: String, _ text: String) -> Int32? {
        var matcher = FuzzyMatcher(Array(query.utf8))
        return Array(text.utf8).withUnsafeBufferPointer { matcher.score($0) }
    }

    func ranksFirst(_ query: String, _ better: String, over worse: String) -> Bool {
        guard let a = score(query, better), let b = score(query, worse) else { return false }
        return a > b
    }

    @Test func everyQueryByteMustAppearInOrder() {
        #expect(score("gco", "git checkout") != nil)
        #expect(score("ocg", "git checkout") == nil)
        #expect(score("xyz", "git checkout") == nil)
        #expect(score("", "anything") == 0)
    }

    @Test(arguments: [
        // (query, better, worse): why
        ("gc", "git commit", "xgxc"),                      // word starts beat letters inside words
        ("make", "make test", "xmxaxkxe"),                  // one run beats scattered matches
        ("ft", "foo/test", "fxxxxt"),                        // after a slash beats a plain gap
        ("fb", "fooBar", "foobar"),                          // camelCase hump
        ("sr", "swift run", "swiftrun"),                     // after whitespace beats mid-word
        ("test", "test", "mytest"),                          // a match at the start of the line
        ("gs", "git status", "gxs"),                         // a word start is worth a longer gap
        ("dk", "docker kill", "docker-kill"),                // whitespace boundary (+10) beats punctuation (+8)
    ])
    func scoringOrder(_ query: String, _ better: String, _ worse: String) {
        #expect(ranksFirst(query, better, over: worse), "\(query): \(better) over \(worse) (\(String(describing: score(query, better)))/\(String(describing: score(query, worse))))")
    }

    @Test func smartCase() {
        #expect(score("git", "GIT PUSH") != nil, "lowercase query folds case")
        #expect(score("GIT", "git push") == nil, "an uppercase letter makes it case-sensitive")
        #expect(score("GIT", "GIT push") != nil)
    }

    @Test func nonASCIIBytesMatchExactly() {
        #expect(score("日本", "echo 日本語") != nil)
        #expect(score("日語", "echo 日本語") != nil)
        #expect(score("語日", "echo 日本語") == nil)
    }

    /// The best alignment is found, not the first greedy one: `ab` in `a_xb_ab` scores as the run `ab`.
    @Test func bestAlignmentNotGreedy() {
        let both = score("ab", "a xb ab")!
        let runOnly = score("ab", "ab")!
        #expect(both >= runOnly - 10, "\(both) vs \(runOnly)")
        #expect(score("ab", "a xb ab")! > score("ab", "a xb")!)
    }
}
