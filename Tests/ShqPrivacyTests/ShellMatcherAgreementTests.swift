import Foundation
import ShqPrivacy
import ShqTestSupport
import Testing

/// The hook scripts carry their own copy of the ignore rules (the prompt path cannot call shq). Random
/// lines and pattern lists, multibyte included, must get the same verdict, with the same reason, from
/// bash, zsh, fish and IgnoreRules.
@Suite struct ShellMatcherAgreementTests {
    struct Case { var ignore: String?; var exclude: String; var line: String }

    static func randomCases(count: Int, seed: UInt64) -> [Case] {
        var rng = SeededRandom(seed: seed)
        let lineAlphabet = ["a", "b", "c", "é", "日", " ", "/", "*", "?", "(", ")", "|", "-", "\\", "]", "[", "!", "^", ".", "x"]
        let patternAtoms = ["a", "b", "c", "é", "日", " ", "/", "-", "!", "^", "(", ")", "|", ".", "x",
                            "*", "*", "?", "?", "[ab]", "[!a]", "[^b]", "[a-c]", "[日é]", "[\\(x]", "[|a]", "[]a]", "[[:alpha:]]", "\\*", "\\?", "\\(", "[", "]", ":"]
        func line() -> String {
            (0..<rng.below(9)).map { _ in lineAlphabet[rng.below(lineAlphabet.count)] }.joined()
        }
        func pattern(from line: String) -> String {
            // Half the time derive the pattern from the line (so matches are frequent), else random atoms.
            if rng.below(2) == 0, !line.isEmpty {
                return line.map { c -> String in
                    switch rng.below(6) {
                    case 0: return "?"
                    case 1: return "*"
                    case 2: return "[" + String(c) + "x]"
                    default: return "*?[]\\()|:".contains(c) ? "\\" + String(c) : String(c)
                    }
                }.joined()
            }
            return (0..<rng.below(6)).map { _ in patternAtoms[rng.below(patternAtoms.count)] }.joined()
        }
        return (0..<count).map { _ in
            let text = (rng.below(5) == 0 ? "x" : "") + line()
            let patterns = (0..<(1 + rng.below(3))).map { _ in pattern(from: text) }.joined(separator: ":")
            let ignore: String? = rng.below(4) == 0 ? nil : ""
            return Case(ignore: ignore, exclude: patterns, line: text)
        }
    }

    /// Feeds every case through the shell's `__shq_skip_reason`; returns one reason per case ("" = recorded).
    /// The hook is loaded as users load it, from `shq hook init`, which hands it the default list.
    static func shellVerdicts(_ shell: String, _ cases: [Case]) throws -> [String] {
        var loop = """
            eval "$(\(TmuxTerminal.shellQuote(ShqProcess.binary)) hook init --shell \(shell))"
            while IFS= read -r -d '' mode && IFS= read -r -d '' SHQ_EXCLUDE && IFS= read -r -d '' line; do
                if [[ $mode == default ]]; then unset SHQ_IGNORE; else SHQ_IGNORE=; fi
                if __shq_skip_reason "$line"; then printf '%s\\0' "$__shq_reason"; else printf '\\0'; fi
            done < "$1"
            """
        if shell == "fish" {
            loop = """
                \(TmuxTerminal.shellQuote(ShqProcess.binary)) hook init --shell fish | source
                while read -lz mode; and read -lz exclude; and read -lz line
                    if test "$mode" = default; set -e SHQ_IGNORE; else; set -g SHQ_IGNORE ''; end
                    set -g SHQ_EXCLUDE $exclude
                    if __shq_skip_reason $line; printf '%s\\0' $__shq_reason; else; printf '\\0'; end
                end < $argv[1]
                """
        }
        var input = Data()
        for c in cases {
            for field in [c.ignore == nil ? "default" : "empty", c.exclude, c.line] {
                input.append(contentsOf: Array(field.utf8) + [0])
            }
        }
        let directory = TemporaryDirectory()
        try input.write(to: URL(fileURLWithPath: directory.file("cases")))
        let result = try ShqProcess.run(
            shell == "fish" ? ["-c", loop, directory.file("cases")] : ["-c", loop, shell, directory.file("cases")],
            environment: ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": NSTemporaryDirectory(), "SHQ_DB": directory.file("history.db")],
            executable: "/usr/bin/" + shell)
        #expect(result.stderrText == "", "\(shell) stderr: \(result.stderrText.prefix(2000))")
        var verdicts = result.stdout.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if verdicts.last == "" { verdicts.removeLast() }
        return verdicts
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func shellAgreesWithSwift(_ shell: String) throws {
        let cases = Self.randomCases(count: 3000, seed: 0x5EED)
        let verdicts = try Self.shellVerdicts(shell, cases)
        try #require(verdicts.count == cases.count)
        var disagreements: [String] = []
        for (c, shellVerdict) in zip(cases, verdicts) {
            let swift = IgnoreRules(ignore: c.ignore, exclude: c.exclude).reason(toSkip: Array(c.line.utf8))?.description ?? ""
            if swift != shellVerdict {
                disagreements.append("line «\(c.line)» exclude «\(c.exclude)»: swift «\(swift)» \(shell) «\(shellVerdict)»")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(8).joined(separator: "\n"))")
        // The sample must exercise both outcomes of the pattern lists.
        #expect(verdicts.filter { $0.hasPrefix("matches SHQ_EXCLUDE") }.count > 300)
        #expect(verdicts.filter { $0.isEmpty }.count > 300)
    }
}

