import Testing
@testable import ShqGrep

/// PATTERN as `shq grep` reads it: regex, literal, case, words, the required literal, bad patterns.
@Suite struct PatternTests {
    func matches(_ pattern: String, _ line: String, _ options: PatternOptions = PatternOptions()) throws -> [String] {
        let compiled = try GrepPattern(pattern, options: options)
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            compiled.matches(inLine: buffer).map { String(decoding: bytes[$0], as: UTF8.self) }
        }
    }

    @Test func regexFindsEveryMatch() throws {
        #expect(try matches("err(or|no)", "error errno erx") == ["error", "errno"])
        #expect(try matches("^a", "aaa") == ["a"])
    }

    @Test func fixedStringsAreLiteral() throws {
        #expect(try matches("a.b[0]", "a.b[0] axb0", PatternOptions(fixed: true)) == ["a.b[0]"])
        #expect(try matches("a.b", "axb", PatternOptions(fixed: true)) == [])
    }

    @Test func caseOptions() throws {
        #expect(try matches("error", "ERROR Error", PatternOptions(ignoreCase: true)) == ["ERROR", "Error"])
        #expect(try matches("error", "ERROR", PatternOptions(smartCase: true)) == ["ERROR"])
        #expect(try matches("Error", "ERROR Error", PatternOptions(smartCase: true)) == ["Error"])
        #expect(try matches("ERR", "err Err", PatternOptions(ignoreCase: true, fixed: true)) == ["err", "Err"])
        #expect(try matches("error", "ERROR") == [])
    }

    @Test func wordsMustStandAlone() throws {
        #expect(try matches("fail", "failed fail _fail fail.", PatternOptions(word: true)) == ["fail", "fail"])
        #expect(try matches("fail", "failfail fail", PatternOptions(fixed: true, word: true)) == ["fail"])
    }

    @Test(arguments: [
        ("undefined reference", "undefined reference"), ("err(or|no)", "err"), ("a|b", ""), ("colou?r", "colo"),
        ("[0-9]+ tests? FAILED", " FAILED"), ("x+yz", "yz"), (#"a\.b"#, "a.b"), ("ab*c", "a"),
    ])
    func requiredLiteral(pattern: String, literal: String) {
        #expect(RequiredLiteral.of(pattern) == Array(literal.utf8))
    }

    @Test(arguments: [("foo(bar", 4), ("(a(b)", 1), ("x[abc", 2), ("*a", 1), ("a{2", 2), (#"ab\"#, 3)])
    func invalidPatternNamesThePosition(pattern: String, position: Int) {
        #expect(throws: PatternError.self) { try GrepPattern(pattern) }
        do {
            _ = try GrepPattern(pattern)
        } catch let error as PatternError {
            #expect(error.position == position, "\(error)")
            #expect(error.description.contains("at character \(position)"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
