import Testing
@testable import ShqRun

@Suite struct CommandTextTests {
    func text(_ words: [String]) -> String {
        String(decoding: CommandText.quoted(words.map { Array($0.utf8) }), as: UTF8.self)
    }

    @Test func plainWordsStayBare() {
        #expect(text(["ls", "-la", "/usr/bin", "a=b", "x.tar.gz", "user@host:~1"]) == "ls -la /usr/bin a=b x.tar.gz 'user@host:~1'")
    }

    @Test func specialWordsAreSingleQuoted() {
        #expect(text(["echo", "a b", "", "$HOME", "*", "it's", "x\ny"]) == "echo 'a b' '' '$HOME' '*' 'it'\\''s' 'x\ny'")
    }

    @Test func bytesThatAreNotUTF8AreKept() {
        #expect(CommandText.quoted([Array("printf".utf8), [0xFF, 0xFE]]) == Array("printf '".utf8) + [0xFF, 0xFE, 0x27])
    }
}
