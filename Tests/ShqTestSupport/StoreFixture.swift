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

    /// Creates the store with nothing in it, as the first recording would (reading commands never
    /// create one): an import of an empty file.
    public func createEmptyStore() throws {
        let empty = directory.file("empty-history")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let result = try shq("import", "bash", empty)
        precondition(result.status == 0, result.stderrText)
    }

    /// Runs a read-only query through `sqlite3` and returns its rows as text lines.
    public func sqlite(_ query: String) throws -> [String] {
        let result = try ShqProcess.run([database, query], executable: "/usr/bin/sqlite3")
        guard result.status == 0 else { throw SQLiteFailed(query: query, result: result) }
        return result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// SQL inserting one invocation as shq stores it (into `invocation_rows`), given the `invocations`
    /// view's column names and SQL literals: the id (hex digits, padded with zeros to a whole UUID) as
    /// its 16 bytes, names and the directory interned, the source as its code.
    public static func insertInvocationSQL(_ values: KeyValuePairs<String, String>) -> String {
        let interned = ["session", "host", "user", "shell", "tty"]
        var columns: [String] = [], literals: [String] = [], intern: [String] = []
        for (column, literal) in values {
            switch column {
            case "id":
                let digits = literal.filter(\.isHexDigit)
                columns.append("id")
                literals.append("X'" + digits + String(repeating: "0", count: 32 - digits.count) + "'")
            case "source":
                columns.append("source")
                literals.append("(SELECT code FROM sources WHERE name = \(literal))")
            case "cwd":
                intern.append("INSERT INTO dirs(path) VALUES (\(literal)) ON CONFLICT DO NOTHING;")
                columns.append("dir")
                literals.append("(SELECT id FROM dirs WHERE path = \(literal))")
            case _ where interned.contains(column):
                intern.append("INSERT INTO names(name) VALUES (\(literal)) ON CONFLICT DO NOTHING;")
                columns.append(column)
                literals.append("(SELECT id FROM names WHERE name = \(literal))")
            default:
                columns.append(column)
                literals.append(literal)
            }
        }
        return intern.joined(separator: "\n") + "\nINSERT INTO invocation_rows(\(columns.joined(separator: ", ")))"
            + " VALUES (\(literals.joined(separator: ", ")));"
    }
}

/// `sqlite3` refused a fixture's query: the test fails here, with sqlite3's message, not later on empty rows.
public struct SQLiteFailed: Error, CustomStringConvertible {
    public let query: String
    public let result: ShqProcess.Result

    public init(query: String, result: ShqProcess.Result) {
        self.query = query
        self.result = result
    }

    public var description: String { "sqlite3 exited \(result.status) on `\(query)`: \(result.stderrText)" }

    /// For a poll: a store that shq has not made yet (no file, no tables) means "not yet", not a failure.
    public static func pending(_ condition: () throws -> Bool) throws -> Bool {
        do { return try condition() } catch is SQLiteFailed { return false }
    }
}
