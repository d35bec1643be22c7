import ShqPrivacy
import Testing

@Suite struct IgnoreRulesTests {
    private func reason(_ line: String, _ rules: IgnoreRules = IgnoreRules()) -> String? {
        rules.reason(toSkip: Array(line.utf8))?.description
    }

    @Test func rulesApplyInOrder() {
        #expect(reason("make", IgnoreRules(disabled: true)) == "SHQ_DISABLED is set")
        #expect(reason("") == "empty line")
        #expect(reason(" make") == "leading space")
        #expect(reason("\\rm -rf x") == "leading backslash")
        #expect(reason("make") == nil)
        #expect(reason("make", IgnoreRules(exclude: "mak?:*secret*")) == "matches SHQ_EXCLUDE pattern 'mak?'")
        #expect(reason("echo secret", IgnoreRules(exclude: "mak?:*secret*")) == "matches SHQ_EXCLUDE pattern '*secret*'")
        // SHQ_IGNORE is checked before SHQ_EXCLUDE.
        #expect(reason("jobs", IgnoreRules(exclude: "jobs")) == "matches SHQ_IGNORE pattern 'jobs'")
    }

    @Test(arguments: [
        "shq history", "shqr make test", "%1", "%+", "fg", "fg %2", "bg", "bg 1", "jobs", "jobs -l", "exit", "logout",
        "clear", "history", "history 20",
    ])
    func defaultIgnoreListSkips(_ line: String) {
        #expect(reason(line)?.hasPrefix("matches SHQ_IGNORE") == true)
    }

    @Test(arguments: ["shq", "fgrep x", "jobsearch", "exit 1", "history_tool", "echo fg", "clearly", "make shq"])
    func defaultIgnoreListIsWholeLine(_ line: String) {
        #expect(reason(line) == nil)
    }

    @Test func emptyIgnoreListIgnoresNothing() {
        #expect(reason("history", IgnoreRules(ignore: "")) == nil)
        #expect(reason("history", IgnoreRules(ignore: "::")) == nil)
    }

    @Test func globSyntax() {
        func m(_ pattern: String, _ line: String) -> Bool { GlobPattern(pattern).matches(Array(line.utf8)) }
        #expect(m("*", ""))
        #expect(m("a*b", "a/x/b"))  // * crosses slashes: the line is not a path
        #expect(!m("a*b", "a/x/bc"))
        #expect(m("??", "日本"))      // ? is one character, not one byte
        #expect(!m("?", "日本"))
        #expect(m("[a-c]x", "bx"))
        #expect(m("[!a-c]x", "dx"))
        #expect(m("[^a-c]x", "dx"))
        #expect(!m("[!a-c]x", "ax"))
        #expect(m("[]]", "]"))
        #expect(m("[[:digit:]][[:alpha:]]", "1a"))
        #expect(m("\\*", "*"))
        #expect(!m("\\*", "x"))
        #expect(m("[", "["))        // unclosed bracket: literal
        #expect(m("a(b|c)", "a(b|c)"))  // no extglob, no zsh alternation
        #expect(m("*(x)", "*(x)") && !m("*(x)", ""))
        #expect(m("*a*a*a*a*b", String(repeating: "a", count: 40) + "b"))
    }

    @Test func invalidUTF8BytesAreCharactersOfTheirOwn() {
        #expect(GlobPattern("a?c").matches([0x61, 0xFF, 0x63]))
        #expect(GlobPattern("a??c").matches([0x61, 0xE6, 0x97, 0x63]))  // truncated sequence: two bytes
        #expect(!GlobPattern("a?c").matches([0x61, 0xE6, 0x97, 0x63]))
    }
}
