/// Why a sync could not be done, worded for the user (`shq: sync: <message>`).
public struct SyncError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The server's SQLSTATE when it refused a statement (42P01: no such table).
    let sqlState: String?

    public init(_ message: String) {
        self.message = message
        sqlState = nil
    }

    init(_ message: String, sqlState: String?) {
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }
}
