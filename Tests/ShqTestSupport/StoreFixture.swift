import Foundation

/// A temporary store plus helpers to drive `shq` against it.
public final class StoreFixture: @unchecked Sendable {
    public let directory = TemporaryDirectory()
    public var database: String { directory.databasePath }

    public init() {}

    @discardableResult
    public func shq(_ arguments: String..., input: Data? = nil, environment: [String: String] = [:]) throws -> ShqProcess.Result {
        try ShqProcess.run(arguments, database: database, input: input, environment: environment)
    }

    @discardableResult
    public func shq(arguments: [String], input: Data? = nil, environment: [String: String] = [:]) throws -> ShqProcess.Result {
        try ShqProcess.run(arguments, database: database, input: input, environment: environment)
    }

    /// Runs a read-only query through `sqlite3` and returns its rows as text lines.
    public func sqlite(_ query: String) throws -> [String] {
        let result = try ShqProcess.run([database, query], executable: "/usr/bin/sqlite3")
        return result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}
