import ShqStore
import ShqSystem

/// The selector compiler: a selector's filters as the store's conditions. The one place that turns
/// selectors into conditions; the SQL of each condition is the store's (`Conditions`).
extension Conditions {
    /// The conditions a selector's filters impose; directories resolve against `currentDirectory`/`home`.
    public init(_ selector: Selector, currentDirectory: [UInt8], home: String) {
        self.init()
        for filter in selector.filters {
            switch filter {
            case .failed: addFailed()
            case .ok: addSucceeded()
            case .exit(let op, let value): addExitCode(op, value)
            case .duration(let op, let value): addDuration(op, value)
            case .commandMatches(let pattern): addCommandMatches(pattern)
            case .directoryMatches(let pattern): addDirectoryMatches(pattern)
            case .tag(let tag): addTag(tag)
            case .directory(let directory):
                addDirectory(Self.resolve(directory, currentDirectory: currentDirectory, home: home))
            }
        }
        if case .id(let prefix) = selector.range { addIDPrefix(prefix) }
    }

    /// An absolute, lexically normalised path (`.`/`..` folded, no trailing slash).
    static func resolve(_ directory: Selector.Directory, currentDirectory: [UInt8], home: String) -> [UInt8] {
        let joined: [UInt8]
        switch directory {
        case .relative(let path): joined = currentDirectory + [UInt8(ascii: "/")] + Array(path.utf8)
        case .home(let path): joined = Array(home.utf8) + Array(path.utf8)
        case .absolute(let path): joined = Array(path.utf8)
        }
        var parts: [ArraySlice<UInt8>] = []
        for part in joined.split(separator: UInt8(ascii: "/")) {
            if part.elementsEqual(".".utf8) { continue }
            if part.elementsEqual("..".utf8) { _ = parts.popLast(); continue }
            parts.append(part)
        }
        if parts.isEmpty { return [UInt8(ascii: "/")] }
        return parts.flatMap { [UInt8(ascii: "/")] + $0 }
    }
}

/// A selector ready to run: conditions plus the window (offset, count) the range picks from the newest
/// match backwards.
public struct SelectorQuery: Sendable {
    public var conditions: Conditions
    public var range: Selector.Range?

    public init(_ selector: Selector, currentDirectory: [UInt8] = ProcessEnvironment.currentDirectory,
                home: String = ProcessEnvironment.home) {
        self.conditions = Conditions(selector, currentDirectory: currentDirectory, home: home)
        self.range = selector.range
    }

    /// How many of the newest matches to skip, and how many to take at most (nil: no limit).
    public var window: (offset: Int, count: Int?) {
        switch range {
        case .nth(let n): return (n - 1, 1)
        case .last(let n): return (0, n)
        case .span(let from, let to): return (to - 1, from - to + 1)
        case .id: return (0, 2)  // two, to notice an ambiguous prefix
        case nil: return (0, nil)
        }
    }
}
