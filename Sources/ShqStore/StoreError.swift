/// A failure of the history store, worded for the user: `shq: <subject>: <reason>`.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// What failed: usually the database path, sometimes an id or a file.
    public let subject: String
    /// Why, in plain words (SQLite's message, strerror, …).
    public let reason: String
    /// The SQLite result code when SQLite reported the error (lets callers tell "full" from "corrupt").
    public let sqliteCode: Int32?

    public init(_ subject: String, _ reason: String, sqliteCode: Int32? = nil) {
        self.subject = subject
        self.reason = reason
        self.sqliteCode = sqliteCode
    }

    public var description: String { "\(subject): \(reason)" }

    /// Another connection held the lock longer than this connection would wait (SQLITE_BUSY).
    public var isBusy: Bool { sqliteCode.map { $0 & 0xff == 5 } ?? false }
}
