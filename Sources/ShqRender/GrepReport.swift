import ShqGrep
import ShqStore
import ShqSystem

/// How `shq grep` prints what it finds, event by event (ShqGrep's `GrepEvent`), ripgrep-like: a header
/// per command and stream, then `N:line` for a match and `N-line` for context, `--` between groups;
/// JSON records per matching line (-l: per command; -c: with the count).
public struct GrepReport {
    public enum Format: String, Sendable, CaseIterable { case text, json, jsonl }

    public let format: Format
    public let mode: GrepMode
    public let colour: Bool
    /// Short ids for the header (the store's unique prefix); JSON keeps whole ids.
    private let shortID: (String) throws -> String
    private var records = 0
    private var commandsShown = 0

    public init(format: Format, mode: GrepMode, colour: Bool, shortID: @escaping (String) throws -> String) {
        self.format = format
        self.mode = mode
        self.colour = colour
        self.shortID = shortID
    }

    private var current: (invocation: Invocation, output: StoredOutput?)?

    /// The text to print for `event` (empty: nothing).
    public mutating func render(_ event: GrepEvent) throws -> [UInt8] {
        switch format {
        case .text: return try text(event)
        case .json, .jsonl: return json(event)
        }
    }

    /// What ends the output: JSON's closing bracket.
    public func closing() -> [UInt8] {
        guard format == .json else { return [] }
        return Array((records == 0 ? "[]\n" : "\n]\n").utf8)
    }

    private mutating func text(_ event: GrepEvent) throws -> [UInt8] {
        switch event {
        case .command(let invocation):
            current = (invocation, nil)
            guard mode == .lines else { return [] }
            commandsShown += 1
            return commandsShown > 1 ? [10] : []
        case .output(let invocation, let output):
            current = (invocation, output)
            guard mode == .lines else { return [] }
            return Array((try header(invocation, output) + "\n").utf8)
        case .line(let line):
            let number = String(line.number) + (line.isContext ? "-" : ":")
            var out = Array((colour ? ANSIColour.green.wrap(number) : number).utf8)
            var at = 0
            for match in line.matches where colour {
                out += line.text[at..<match.lowerBound]
                out += Array("\u{1B}[1;31m".utf8) + line.text[match] + Array("\u{1B}[0m".utf8)
                at = match.upperBound
            }
            out += line.text[at...]
            out.append(10)
            return out
        case .gap:
            return Array((colour ? ANSIColour.dim.wrap("--") : "--").utf8) + [10]
        case .outputEnd:
            return []
        case .commandEnd(let invocation, let count):
            switch mode {
            case .lines: return []
            case .commandsOnly: return Array((try header(invocation, nil) + "\n").utf8)
            case .count:
                let id = try shortID(invocation.id)
                return Array("\(colour ? ANSIColour.dim.wrap(id) : id)  \(count)  \(invocation.cmdText.singleLine)\n".utf8)
            }
        }
    }

    /// `id  started  exit N  command`, and the stream when it is stderr, and a cut by the capture cap.
    private func header(_ invocation: Invocation, _ output: StoredOutput?) throws -> String {
        let id = try shortID(invocation.id)
        let exit = "exit " + HistoryTable.exitText(invocation)
        var notes = ""
        if let output, output.stream == .stderr { notes += "  [stderr]" }
        if let output, output.truncated { notes += "  [truncated by the capture cap: the middle was not kept, line numbers count what was]" }
        guard colour else { return "\(id)  \(invocation.startedAt.localDisplay)  \(exit)  \(invocation.cmdText.singleLine)\(notes)" }
        let exitText = invocation.isFailure ? ANSIColour.red.wrap(exit) : exit
        return ANSIColour.dim.wrap(id) + "  " + ANSIColour.dim.wrap(invocation.startedAt.localDisplay) + "  " + exitText + "  "
            + "\u{1B}[35m" + invocation.cmdText.singleLine + "\u{1B}[0m" + (notes.isEmpty ? "" : ANSIColour.yellow.wrap(notes))
    }

    private mutating func json(_ event: GrepEvent) -> [UInt8] {
        var fields: [(String, String)]
        switch event {
        case .command(let invocation):
            current = (invocation, nil)
            return []
        case .output(let invocation, let output):
            current = (invocation, output)
            return []
        case .line(let line):
            guard !line.isContext, let current, let output = current.output else { return [] }
            fields = [("id", JSONText.quote(current.invocation.id)), ("cmd", JSONText.quote(current.invocation.cmd)),
                      ("stream", JSONText.quote(output.stream.rawValue)), ("line", String(line.number)),
                      ("text", JSONText.quote(line.text)), ("truncated", output.truncated ? "true" : "false")]
        case .commandEnd(let invocation, let count) where mode != .lines:
            fields = [("id", JSONText.quote(invocation.id)), ("cmd", JSONText.quote(invocation.cmd))]
            if mode == .count { fields.append(("count", String(count))) }
        case .gap, .outputEnd, .commandEnd:
            return []
        }
        let object = "{" + fields.map { "\(JSONText.quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        defer { records += 1 }
        switch format {
        case .jsonl: return Array((object + "\n").utf8)
        default: return Array(((records == 0 ? "[\n  " : ",\n  ") + object).utf8)
        }
    }
}
