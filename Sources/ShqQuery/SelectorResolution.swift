import ShqStore

/// Why a selector matched nothing usable.
public struct ResolutionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Store {
    /// The invocations a selector names, newest first.
    public func resolve(_ selector: Selector) throws -> [Invocation] {
        switch selector.range {
        case .nth(let n):
            let rows = try invocations(where: "1", limit: n)
            return rows.count == n ? [rows[n - 1]] : []
        case .id(let prefix):
            let rows = try invocations(
                where: "i.id >= ?1 AND i.id < ?1 || X'7F'", bind: { $0.bind(1, prefix) }, limit: 2)
            if rows.count > 1 { throw ResolutionError("id prefix '\(prefix)' is ambiguous; give more characters") }
            return rows
        }
    }

    /// Exactly one invocation, or a clear error.
    public func resolveOne(_ selector: Selector, text: String) throws -> Invocation {
        guard let first = try resolve(selector).first else {
            throw ResolutionError(text.isEmpty ? "no command recorded yet" : "'\(text)': no matching command")
        }
        return first
    }
}
