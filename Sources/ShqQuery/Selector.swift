/// A parsed SELECTOR: which invocations a command acts on. Produced only by `SelectorParser`.
public struct Selector: Equatable, Sendable {
    public enum Range: Equatable, Sendable {
        /// `~N`: the N-th most recent (1 = newest).
        case nth(Int)
        /// An id or a unique id prefix.
        case id(String)
    }

    public var range: Range

    public init(range: Range) { self.range = range }

    /// The default when no selector is given: the most recent invocation.
    public static let mostRecent = Selector(range: .nth(1))
}

/// A selector that could not be parsed, pointing at the offending character.
public struct SelectorError: Error, CustomStringConvertible, Sendable {
    public let input: String
    /// Offset (in characters) of the offending character.
    public let position: Int
    public let reason: String

    public var description: String {
        "selector '\(input)': \(reason) at character \(position + 1)"
    }
}
