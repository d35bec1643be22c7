import ShqStore

/// What `shq grep` reports for each command.
public enum GrepMode: Sendable, Equatable {
    /// Matching lines, with context.
    case lines
    /// Only which commands match (-l): the search of a command stops at its first match.
    case commandsOnly
    /// How many lines match in each command (-c).
    case count
}

/// Everything but the pattern that shapes a search.
public struct GrepOptions: Sendable {
    public var mode = GrepMode.lines
    public var before = 0
    public var after = 0
    /// -m: matching lines per command at most.
    public var maxPerCommand: Int?
    /// -n: commands with a match at most.
    public var maxCommands: Int?
    /// --stream: only these streams (empty: all).
    public var streams: Set<OutputStream> = []
    /// --raw: match and show the bytes as stored, escape sequences and carriage returns included.
    public var raw = false
    /// -a: search outputs that look binary (a NUL byte in their first chunk).
    public var binary = false
    /// A line longer than this is searched and shown in pieces of this size (memory stays bounded
    /// whatever one output holds); a match spanning two pieces is not found.
    public var maxLineBytes = 4 << 20

    public init() {}
}

/// One line handed to the receiver.
public struct GrepLine {
    /// 1-based, counting the lines of what is stored (after a cap's cut: of the kept head and tail).
    public let number: Int
    /// The line without its newline; cleaned unless --raw.
    public let text: [UInt8]
    /// Where the pattern matched (empty for a context line).
    public let matches: [Range<Int>]
    public var isContext: Bool { matches.isEmpty }
}

/// What a search reports, in order: for each matching command newest first, `command`, then per stream
/// with a match `output`, its lines (and `gap` between non-adjacent groups), `outputEnd`; then
/// `commandEnd`.
public enum GrepEvent {
    case command(Invocation)
    case output(Invocation, StoredOutput)
    case line(GrepLine)
    case gap
    case outputEnd(Invocation, StoredOutput, matchingLines: Int)
    case commandEnd(Invocation, matchingLines: Int)
}
