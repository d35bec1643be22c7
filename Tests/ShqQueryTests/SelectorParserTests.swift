import Foundation
import ShqQuery
import ShqTestSupport
import Testing

@Suite struct SelectorParserTests {
    typealias S = Selector

    static let valid: [(String, Selector)] = [
        ("", S()),
        ("~1", S(range: .nth(1))),
        ("~12", S(range: .nth(12))),
        ("~5:", S(range: .last(5))),
        ("~10:~6", S(range: .span(10, 6))),
        ("~6:~10", S(range: .span(10, 6))),
        ("0193a2f1", S(range: .id("0193a2f1"))),
        ("0193A2F1-7", S(range: .id("0193a2f1-7"))),
        (":deploy", S(filters: [.tag("deploy")])),
        ("%failed", S(filters: [.failed])),
        ("%ok", S(filters: [.ok])),
        ("%exit<>0", S(filters: [.exit(.notEqual, 0)])),
        ("%exit!=0", S(filters: [.exit(.notEqual, 0)])),
        ("%exit=2", S(filters: [.exit(.equal, 2)])),
        ("%exit==2", S(filters: [.exit(.equal, 2)])),
        ("%exit<3", S(filters: [.exit(.less, 3)])),
        ("%exit>3", S(filters: [.exit(.greater, 3)])),
        ("%exit<=3", S(filters: [.exit(.lessOrEqual, 3)])),
        ("%exit>=128", S(filters: [.exit(.greaterOrEqual, 128)])),
        ("%duration>500", S(filters: [.duration(.greater, 500_000)])),
        ("%duration>=2s", S(filters: [.duration(.greaterOrEqual, 2_000_000)])),
        ("%duration<1.5m", S(filters: [.duration(.less, 90_000_000)])),
        ("%duration<250us", S(filters: [.duration(.less, 250)])),
        ("%duration<250µs", S(filters: [.duration(.less, 250)])),
        ("%duration=1h", S(filters: [.duration(.equal, 3_600_000_000)])),
        ("%duration>20ms", S(filters: [.duration(.greater, 20_000)])),
        ("%/^git (push|pull)/", S(filters: [.commandMatches("^git (push|pull)")])),
        ("%/a\\/b/", S(filters: [.commandMatches("a/b")])),
        ("%cmd~=make.*test", S(filters: [.commandMatches("make.*test")])),
        ("%cmd~=100\\%%ok", S(filters: [.commandMatches("100%"), .ok])),
        ("%cmd~=a\\.b", S(filters: [.commandMatches("a\\.b")])),
        ("%cwd~=^/srv/", S(filters: [.directoryMatches("^/srv/")])),
        (".", S(filters: [.directory(.relative("."))])),
        ("./sub", S(filters: [.directory(.relative("./sub"))])),
        ("..", S(filters: [.directory(.relative(".."))])),
        ("../other/x", S(filters: [.directory(.relative("../other/x"))])),
        ("~", S(filters: [.directory(.home(""))])),
        ("~/src/app", S(filters: [.directory(.home("/src/app"))])),
        ("/etc/", S(filters: [.directory(.absolute("/etc/"))])),
        ("/no/such/directory", S(filters: [.directory(.absolute("/no/such/directory"))])),
        ("./a\\:b", S(filters: [.directory(.relative("./a:b"))])),
        ("./héllo wörld", S(filters: [.directory(.relative("./héllo wörld"))])),
        // Combinations.
        (".%failed~5:", S(range: .last(5), filters: [.directory(.relative(".")), .failed])),
        ("%failed~5:", S(range: .last(5), filters: [.failed])),
        ("~5:%failed", S(range: .last(5), filters: [.failed])),
        ("~3%ok", S(range: .nth(3), filters: [.ok])),
        ("~/src:build~2", S(range: .nth(2), filters: [.directory(.home("/src")), .tag("build")])),
        (":build~/src", S(filters: [.tag("build~/src")])),
        (":build~10:~2", S(range: .span(10, 2), filters: [.tag("build")])),
        ("0193%failed:ci", S(range: .id("0193"), filters: [.failed, .tag("ci")])),
        ("%exit>0%exit<100%duration>1s", S(filters: [.exit(.greater, 0), .exit(.less, 100), .duration(.greater, 1_000_000)])),
        ("%/x/%cwd~=^/tmp%ok", S(filters: [.commandMatches("x"), .directoryMatches("^/tmp"), .ok])),
        ("/var/log%failed~1", S(range: .nth(1), filters: [.directory(.absolute("/var/log")), .failed])),
        ("~2:%/ssh/", S(range: .last(2), filters: [.commandMatches("ssh")])),
        ("~5:.", S(range: .last(5), filters: [.directory(.relative("."))])),
        // @N: the same ranges in the form no shell expands.
        ("@1", S(range: .nth(1))),
        ("@12", S(range: .nth(12))),
        ("@5:", S(range: .last(5))),
        ("@10:@6", S(range: .span(10, 6))),
        ("@6:~10", S(range: .span(10, 6))),
        (".%failed@5:", S(range: .last(5), filters: [.directory(.relative(".")), .failed])),
        ("@5:%failed", S(range: .last(5), filters: [.failed])),
        ("~/src:build@2", S(range: .nth(2), filters: [.directory(.home("/src")), .tag("build")])),
        (":build@10:@2", S(range: .span(10, 2), filters: [.tag("build")])),
        ("./a\\@1", S(filters: [.directory(.relative("./a@1"))])),
        (":user@host", S(filters: [.tag("user@host")])),
        ("/var/log%failed@1", S(range: .nth(1), filters: [.directory(.absolute("/var/log")), .failed])),
    ]

    @Test(arguments: valid.indices)
    func parsesEachForm(_ index: Int) throws {
        let (text, expected) = Self.valid[index]
        #expect(try SelectorParser.parse(text) == expected, "\(text)")
    }

    /// (input, position of the offending character, words the message must contain)
    static let invalid: [(String, Int, String)] = [
        ("~0", 1, "counts from 1"),
        ("~x", 1, "after '~'"),
        ("~5:build", 3, "unexpected 'b'"),
        ("~5:6", 3, "unexpected '6'"),
        ("~99999999999999999999", 1, "too large"),
        ("~1~2", 2, "only one range"),
        ("abc~2", 3, "only one range"),
        ("~2abc", 2, "id prefix must come first"),
        ("%", 1, "expected a filter"),
        ("%faild", 1, "unknown filter '%faild'"),
        ("%failedx", 1, "unknown filter '%failedx'"),
        ("deadbeefx", 8, "unexpected 'x'"),
        ("%exit", 5, "expected a comparison"),
        ("%exit>", 6, "expected a number"),
        ("%exit>x", 6, "expected a number"),
        ("%exit>99999999999", 6, "too large"),
        ("%duration>", 10, "expected a duration"),
        ("%duration>5parsecs", 11, "unknown duration unit"),
        ("%duration>9999999999999h", 10, "too large"),
        ("%/unclosed", 1, "unterminated"),
        ("%//", 2, "expected a regular expression"),
        ("%/a(/", 2, "invalid regular expression"),
        ("%cmd=x", 4, "expected '~='"),
        ("%cmd~=", 6, "expected a regular expression"),
        ("%cwd~=[z-a]", 6, "invalid regular expression"),
        (":", 1, "expected a tag name"),
        (":a:b", 2, "only one tag"),
        ("./a%ok/b", 6, "only one directory"),
        ("~foo", 1, "after '~'"),
        ("git", 0, "unexpected 'g'"),
        ("zz", 0, "unexpected 'z'"),
        ("%ok!", 3, "unexpected '!'"),
        ("é", 0, "unexpected 'é'"),
        ("%ok🙂", 3, "unexpected '🙂'"),
        ("@0", 1, "'@N' counts from 1"),
        ("@x", 0, "unexpected '@'"),
        ("@5:build", 3, "unexpected 'b' after '@5:'"),
        ("@1~2", 2, "only one range"),
    ]

    @Test(arguments: invalid.indices)
    func reportsEachErrorWithItsPosition(_ index: Int) {
        let (text, position, words) = Self.invalid[index]
        do {
            let parsed = try SelectorParser.parse(text)
            Issue.record("'\(text)' parsed as \(parsed)")
        } catch let error as SelectorError {
            #expect(error.position == position, "\(text): \(error)")
            #expect(error.reason.contains(words), "\(text): \(error)")
            #expect(error.description.contains("at character \(position + 1)"))
        } catch {
            Issue.record("'\(text)' threw \(error)")
        }
    }

    @Test func errorMessagePointsAtTheCharacter() {
        #expect(throws: SelectorError.self) { try SelectorParser.parse(".%faild") }
        do { _ = try SelectorParser.parse(".%faild") } catch let error as SelectorError {
            let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3)
            #expect(lines[1] == "  .%faild")
            #expect(lines[2] == "    ^")
        } catch {}
    }

    /// What `~3` becomes when the shell expands it: an existing directory, refused with the way out.
    @Test func refusesAnExistingDirectoryTakenForAnExpandedTilde() throws {
        let temporary = TemporaryDirectory()
        let directory = temporary.path.replacingOccurrences(of: "//", with: "/")
        do {
            let parsed = try SelectorParser.parse(directory)
            Issue.record("'\(directory)' parsed as \(parsed)")
        } catch let error as ExpandedDirectoryStackEntry {
            #expect(error.description == "selector '\(directory)': looks like '~N' expanded by your shell to a"
                + " directory: write @N (or '~N'); for the commands run in that directory, write '\(directory)/'")
        }
        #expect(try SelectorParser.parse(directory + "/") == S(filters: [.directory(.absolute(directory + "/"))]))
    }
}
