import Foundation
import ShqTestSupport
import Testing

/// The selector examples of the README and Docs/queries.md, typed as they are written into real shells
/// whose directory stack has entries: bash after `pushd`, zsh with `setopt autopushd extendedglob`
/// (common in zsh frameworks) after a few `cd`s, and fish. No shell may rewrite them; shq must succeed.
@Suite struct SelectorTypingTests {
    /// The shell, and what gives it a directory stack (so that an unquoted `~1` would be expanded).
    enum Typing: String, CaseIterable, CustomTestStringConvertible {
        case bash, zsh, fish
        var shell: TmuxTerminal.Shell { TmuxTerminal.Shell(rawValue: rawValue)! }
        func rc(_ work: String) -> String {
            let into = TmuxTerminal.shellQuote(work)
            switch self {
            case .bash: return "cd /; pushd /tmp >/dev/null; pushd \(into) >/dev/null"
            case .zsh: return "setopt autopushd extendedglob\ncd /; cd /tmp; cd \(into)"
            case .fish: return "cd /; cd /tmp; cd \(into)"
            }
        }
        var testDescription: String { self == .zsh ? "zsh (autopushd, extendedglob)" : rawValue }
    }

    /// Lines of the docs' shell examples that read records through a selector with `@` (as written,
    /// comment dropped). `forget` and `rerun` are left out: they change the store or run commands.
    static func documentedExamples() throws -> [String] {
        try ["README.md", "Docs/queries.md"].flatMap { name in
            try String(contentsOfFile: ShqProcess.packageRoot + "/" + name, encoding: .utf8)
                .split(separator: "\n").map { String($0.split(separator: "#", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces) }
                .filter { line in
                    ["shq show ", "shq info ", "shq history "].contains { line.hasPrefix($0) } && line.contains("@")
                }
        }
    }

    @Test(arguments: Typing.allCases)
    func documentedSelectorsWorkAsTyped(_ typing: Typing) throws {
        let examples = try Self.documentedExamples()
        #expect(examples.count >= 3, "\(examples)")
        let fixture = StoreFixture()
        let work = TemporaryDirectory("shq-typed")
        let workPath = work.path.replacingOccurrences(of: "//", with: "/")
        try "out\n".write(toFile: work.file("out"), atomically: true, encoding: .utf8)
        for n in 1...6 {
            let saved = try ShqProcess.run(
                ["save", "-c", "echo n\(n)", "--exit", n % 2 == 0 ? "1" : "0", "--stdout", work.file("out"), "--cwd", workPath],
                database: fixture.database)
            try #require(saved.status == 0, "\(saved.stderrText)")
        }
        let terminal = try TmuxTerminal(typing.shell, database: fixture.database, rc: typing.rc(workPath))
        for example in examples {
            try terminal.clear()
            try terminal.run(example)
            let status = try terminal.lastStatus()
            let screen = try terminal.screen()
            #expect(status == 0 && !screen.contains("shq:"), "\(example): \(screen)")
        }
        try terminal.clear()
        try terminal.run("shq info @1")
        try terminal.waitFor("echo n6")
        // Quoted, ~1 is still the most recent command.
        try terminal.clear()
        try terminal.run("shq info '~1'")
        try terminal.waitFor("echo n6")
        #expect(try terminal.lastStatus() == 0)
        // Unquoted, bash and zsh give shq the previous directory, and shq says so; fish leaves ~1 alone.
        try terminal.clear()
        try terminal.run("shq info ~1")
        if typing == .fish {
            try terminal.waitFor("echo n6")
            #expect(try terminal.lastStatus() == 0)
        } else {
            try terminal.waitFor("^shq: selector '/tmp': looks like '~1' expanded by your shell to a directory: write @1 \\(or '~1'\\)")
            #expect(try terminal.lastStatus() == 1)
        }
    }
}
