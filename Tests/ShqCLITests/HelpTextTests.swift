import Foundation
import ShqStore
import ShqSystem
import ShqTestSupport
import Testing

/// Help for every subcommand fits 80 columns, wrapped between words; it points to `man shq` and
/// `shq help TOPIC`, never to files of the repository; the config file's keys are in it and in the
/// man page, which renders without warnings.
@Suite struct HelpTextTests {
    /// Every subcommand path, from the root help's list (and hook's own).
    static func subcommands() throws -> [[String]] {
        let root = try ShqProcess.run(["help"], environment: ["COLUMNS": "80"]).stdoutText
        // Each subcommand's line starts with two spaces and its name ("  history, i, list   List …"); the
        // last line ("  See 'shq help <subcommand>' …") names none.
        let list = root.components(separatedBy: "SUBCOMMANDS:\n").last!.split(separator: "\n")
        let names = list.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && !$0.hasPrefix("  See ") }.compactMap { line in
            line.split(separator: " ").first.map { String($0.trimmingCharacters(in: [","])) }
        }
        return [[]] + names.map { [$0] } + ["init", "off", "on", "ingest"].map { ["hook", $0] }
    }

    func help(_ path: [String], columns: Int) throws -> String {
        let result = try ShqProcess.run(["help"] + path, environment: ["COLUMNS": String(columns)])
        #expect(result.status == 0, "\(path): \(result.stderrText)")
        return result.stdoutText
    }

    @Test func everyHelpWrapsCleanlyAt80Columns() throws {
        let paths = try Self.subcommands()
        #expect(paths.count > 20 && paths.contains(["doctor"]) && paths.contains(["selectors"]), "\(paths)")
        for path in paths {
            let text = try help(path, columns: 80)
            // Help is ASCII but for a few one-column symbols (…): characters are columns.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines { #expect(line.count <= 80, "\(path): \(line)") }
            // Wrapping changes only the spaces between words: none is cut in two.
            #expect(text.split(whereSeparator: \.isWhitespace) == (try help(path, columns: 1000)).split(whereSeparator: \.isWhitespace),
                    "\(path)")
            // A paragraph line breaks only where the next word would not fit (no break left in the middle
            // of a sentence from the source text).
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
                guard !line.hasPrefix(" "), !next.hasPrefix(" "), let word = next.split(separator: " ").first else { continue }
                #expect(line.count + 1 + word.count > 79, "\(path): a line broken early: '\(line)' / '\(word)'")
            }
            #expect(!text.contains("Docs/") && !text.contains(".md"), "\(path) points into the repository")
        }
        let root = try help([], columns: 80)
        #expect(root.contains("man shq") && root.contains("shq help"))
    }

    @Test func theConfigFileAndItsKeysAreInTheHelp() throws {
        let root = try help([], columns: 80)
        #expect(root.contains("${XDG_CONFIG_HOME:-~/.config}/shq/config"))
        for key in Settings.keys { #expect(root.contains("  \(key.name) = "), "\(key.name)") }
    }

    static let generator = ShqProcess.packageRoot + "/.build/debug/generate-manual"
    static let toolsPresent = FileManager.default.isExecutableFile(atPath: generator)
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/man") && FileManager.default.isExecutableFile(atPath: "/usr/bin/make")

    /// The man page as `make install` writes it (`make man`, on the shq under test), rendered by man.
    @Test(.enabled(if: toolsPresent, "make test builds generate-manual; man-db renders"))
    func theManPageRendersWithoutWarnings() throws {
        let directory = TemporaryDirectory("shq-man")
        let page = directory.file("shq.1")
        let made = try ShqProcess.run(
            ["-s", "--no-print-directory", "-C", ShqProcess.packageRoot, "man", "MAN_SHQ=" + ShqProcess.binary,
             "MAN_OUT=" + page, "GENERATE_MANUAL=" + Self.generator],
            executable: "/usr/bin/make")
        #expect(made.status == 0, "\(made.stderrText)")
        let rendered = try ShqProcess.run(["--warnings", "-l", page], environment: ["MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"],
                                          executable: "/usr/bin/man")
        #expect(rendered.status == 0)
        #expect(rendered.stderrText.isEmpty, "warnings:\n\(rendered.stderrText)")
        let text = rendered.stdoutText
        #expect(text.contains("doctor") && text.contains("selectors"))
        for key in Settings.keys { #expect(text.contains(key.name + " = "), "\(key.name)") }
        for line in text.split(separator: "\n") { #expect(line.count <= 80, "\(line)") }
    }
}
