import ShqStore
import ShqSystem

/// A parsed SELECTOR: which invocations a command acts on. Produced only by `SelectorParser`; turned into
/// SQL only by `SelectorQuery`. Every part is applied: filters narrow the whole history, then the range
/// counts back from the newest match.
public struct Selector: Equatable, Sendable {
    public enum Range: Equatable, Sendable {
        /// `@N` (or `~N`): the N-th most recent (1 = newest).
        case nth(Int)
        /// `@N:`: the N most recent.
        case last(Int)
        /// `@N:@M`: from the N-th to the M-th most recent, both included (N ≥ M after normalising).
        case span(Int, Int)
        /// An id or a unique id prefix.
        case id(String)
    }

    /// `=`, `!=` (also written `<>`), `<`, `>`, `<=`, `>=`: the store's comparisons.
    public typealias Comparison = ShqStore.Comparison

    /// A directory as written: resolved against the current directory or $HOME when the query runs.
    public enum Directory: Equatable, Sendable {
        /// `.`, `./sub`, `..`, `../x`: relative to the current directory.
        case relative(String)
        /// `~` or `~/dir`.
        case home(String)
        /// `/abs/path`.
        case absolute(String)

        /// A path as the user wrote it: `~` or `~/…` is under $HOME, `/…` absolute, anything else relative.
        public init(written path: String) {
            if path == "~" || path.hasPrefix("~/") {
                self = .home(String(path.dropFirst()))
            } else if path.hasPrefix("/") {
                self = .absolute(path)
            } else {
                self = .relative(path)
            }
        }
    }

    public enum Filter: Equatable, Sendable {
        /// `%failed`: non-zero exit, killed by a signal, or status failed.
        case failed
        /// `%ok`: exited 0.
        case ok
        /// `%exit<>0`, `%exit>=2`, …
        case exit(Comparison, Int64)
        /// `%duration>500` (milliseconds), `%duration>=2s`; stored in microseconds.
        case duration(Comparison, Int64)
        /// `%/regex/` or `%cmd~=regex`: POSIX extended regex on the command line.
        case commandMatches(String)
        /// `%cwd~=regex`.
        case directoryMatches(String)
        /// `:tag`.
        case tag(String)
        /// `.`, `./sub`, `~/dir`, `/abs`: commands run in exactly that directory.
        case directory(Directory)
    }

    public var range: Range?
    public var filters: [Filter]

    public init(range: Range? = nil, filters: [Filter] = []) {
        self.range = range
        self.filters = filters
    }
}

/// A selector that could not be parsed, pointing at the offending character.
public struct SelectorError: Error, CustomStringConvertible, Sendable, Equatable {
    public let input: String
    /// Offset (in characters) of the offending character.
    public let position: Int
    public let reason: String

    public init(input: String, position: Int, reason: String) {
        self.input = input
        self.position = position
        self.reason = reason
    }

    /// The message, then the selector with a caret under the offending character.
    public var description: String {
        "selector '\(input)': \(reason) at character \(position + 1)\n  \(input.singleLine)\n"
            + String(repeating: " ", count: 2 + position) + "^"
    }
}
