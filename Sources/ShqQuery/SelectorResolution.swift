import ShqStore

/// Why a selector matched nothing usable.
public struct ResolutionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Store {
    /// The invocations a selector names, newest first; `limit` caps how many (after the range).
    public func resolve(_ query: SelectorQuery, limit: Int? = nil) throws -> [Invocation] {
        let window = query.window
        let count = [window.count, limit].compactMap { $0 }.min()
        var rows: [Invocation] = []
        try forEachInvocation(query.conditions, offset: window.offset, limit: count) { rows.append($0); return true }
        if case .id(let prefix) = query.range, rows.count > 1 {
            throw ResolutionError("id prefix '\(prefix)' is ambiguous; give more characters")
        }
        return rows
    }

    public func resolve(_ selector: Selector) throws -> [Invocation] {
        try resolve(SelectorQuery(selector))
    }

    /// Exactly one invocation, or a clear error. Without a range, the newest match.
    public func resolveOne(_ selector: Selector, text: String) throws -> Invocation {
        var selector = selector
        if selector.range == nil { selector.range = .nth(1) }
        if case .last = selector.range { throw ResolutionError("'\(text)' names several commands; this needs one") }
        if case .span = selector.range { throw ResolutionError("'\(text)' names several commands; this needs one") }
        guard let first = try resolve(selector).first else {
            throw ResolutionError(text.isEmpty ? "no command recorded yet" : "'\(text)': no matching command")
        }
        return first
    }

    /// One job, for `kill` and `wait`: an id prefix names a live job (running or stopped) first, so a
    /// prefix it shares with ended commands still reaches it; anything else resolves as `resolveOne`.
    public func resolveJob(_ selector: Selector, text: String) throws -> Invocation {
        if case .id = selector.range {
            var query = SelectorQuery(selector)
            query.conditions.addLive()
            if let job = try resolve(query).first { return job }
        }
        return try resolveOne(selector, text: text)
    }
}
