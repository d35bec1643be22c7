import ArgumentParser
import Glibc
import ShqGrep
import ShqQuery
import ShqRender
import ShqRun
import ShqStore

struct GrepCommand: ParsableCommand {
    static let name = "grep"
    static let configuration = CommandConfiguration(
        commandName: name,
        _superCommandName: Shq.name,
        abstract: "Search what commands printed: the commands whose stored output matches PATTERN, newest first.",
        usage: "shq grep <pattern> [<selector> ...] [<options>]",
        discussion: """
            PATTERN is a POSIX extended regex (grep -E), or a literal with -F. Each matching command gets a \
            header (id, start, exit, command line), then its matching lines as N:text, with context lines \
            as N-text and -- between groups. Terminal escape sequences and carriage returns are removed \
            before matching and printing (--raw keeps them); outputs holding a NUL byte are binary and \
            skipped (-a searches them). An output cut by the capture cap says so in its header.

            SELECTOR and the filter options narrow the commands searched, as in `shq history`; several \
            selectors combine (one range at most):

              shq grep 'undefined reference'
              shq grep -i error %failed .          failures in this directory
              shq grep -w FAILED --since 2d -l     which commands, not the lines
              shq grep -F 'a.b[0]' @10: -C 2       the last ten, 2 lines of context

            Exit status as grep's: 0 when something matched, 1 when nothing did, 2 on an error.
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "What to find: a POSIX extended regex, or a literal with -F.")
    var pattern: String

    @Argument(help: "Which commands to search (default: all with stored output; see `shq help selectors`).")
    var selectors: [String] = []

    @OptionGroup var filters: FilterOptions

    @Flag(name: [.customShort("i"), .customLong("ignore-case")], help: "Ignore case (ASCII letters).")
    var ignoreCase = false

    @Flag(name: [.customShort("S"), .customLong("smart-case")], help: "Ignore case unless PATTERN has an upper-case letter.")
    var smartCase = false

    @Flag(name: [.customShort("F"), .customLong("fixed-strings")], help: "PATTERN is a literal string.")
    var fixed = false

    @Flag(name: [.customShort("w"), .customLong("word-regexp")], help: "Only matches with no letter, digit or _ right before or after.")
    var word = false

    @Flag(name: [.customShort("l"), .customLong("files-with-matches")], help: "Only list the commands that match.")
    var commandsOnly = false

    @Flag(name: [.customShort("c"), .customLong("count")], help: "Count the matching lines of each command.")
    var count = false

    @Option(name: [.customShort("m", allowingJoined: true), .customLong("max-count")], help: ArgumentHelp("At most N matching lines per command.", valueName: "N"))
    var maxCount: Int?

    @Option(name: .customShort("n", allowingJoined: true), help: ArgumentHelp("At most N commands.", valueName: "N"))
    var n: Int?

    @Option(name: [.customShort("C", allowingJoined: true), .customLong("context")], help: ArgumentHelp("N lines before and after each match.", valueName: "N"))
    var context: Int?

    @Option(name: [.customShort("A", allowingJoined: true), .customLong("after-context")], help: ArgumentHelp("N lines after each match.", valueName: "N"))
    var after: Int?

    @Option(name: [.customShort("B", allowingJoined: true), .customLong("before-context")], help: ArgumentHelp("N lines before each match.", valueName: "N"))
    var before: Int?

    @Option(name: .customLong("stream"), help: ArgumentHelp("Only this stream: stdout, stderr or pty (repeatable).", valueName: "stream"))
    var streams: [OutputStream] = []

    @Option(help: "text, json or jsonl (json: one record per matching line: id, cmd, stream, line, text, truncated).")
    var format: GrepReport.Format = .text

    @Flag(help: "Match and print the bytes as stored: escape sequences and carriage returns included.")
    var raw = false

    @Flag(name: [.customShort("a"), .customLong("text")], help: "Search binary outputs too.")
    var binary = false

    @Option(name: .customLong("color"), help: "auto (a terminal, unless NO_COLOR), always or never.")
    var colour: ColourChoice = .auto

    static func isNamed(_ word: String) -> Bool { word == name }

    func validate() throws {
        for (value, flag) in [(maxCount, "-m"), (n, "-n")] {
            if let value, value < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
        for (value, flag) in [(context, "-C"), (after, "-A"), (before, "-B")] {
            if let value, value < 0 { throw ValidationError("\(flag) must be at least 0") }
        }
        if commandsOnly && count { throw ValidationError("-l and -c exclude each other") }
    }

    func run() throws {
        let compiled: GrepPattern
        do {
            compiled = try GrepPattern(pattern, options: PatternOptions(ignoreCase: ignoreCase, smartCase: smartCase, fixed: fixed, word: word))
        } catch let error as PatternError {
            throw CommandFailure("grep: \(error)", exitCode: 2)
        }
        let query = try selectorQuery()
        var options = GrepOptions()
        options.mode = commandsOnly ? .commandsOnly : count ? .count : .lines
        options.before = before ?? context ?? 0
        options.after = after ?? context ?? 0
        options.maxPerCommand = maxCount
        options.maxCommands = n
        options.streams = Set(streams)
        options.raw = raw
        options.binary = binary
        let opened = try store.openExisting().ingestingHookSpool()
        let terminal = TerminalOutput(colour: colour)
        let output = StreamingOutput(terminal)
        var report = GrepReport(format: format, mode: options.mode, colour: terminal.colour && format == .text) { try opened.shortID($0) }
        let found = try GrepSearch(pattern: compiled, options: options).run(in: opened, where: query.conditions, window: query.window) { event in
            output.write(try report.render(event))
        }
        output.write(report.closing())
        output.finish()
        Glibc.exit(found > 0 ? 0 : 1)
    }

    /// The selectors, each parsed on its own, as one query: every filter, and the one range given.
    private func selectorQuery() throws -> SelectorQuery {
        var merged = Selector()
        for text in selectors {
            let selector = try SelectorParser.parse(text)
            merged.filters += selector.filters
            if let range = selector.range {
                if merged.range != nil { throw ValidationError("selectors '\(selectors.joined(separator: "' '"))': more than one range") }
                merged.range = range
            }
        }
        var query = SelectorQuery(merged)
        query.conditions.add(filters.conditions)
        return query
    }
}

extension OutputStream: ExpressibleByArgument {}
extension GrepReport.Format: ExpressibleByArgument {}
