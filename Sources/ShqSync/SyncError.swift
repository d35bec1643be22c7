/// Why a sync could not be done, worded for the user (`shq: sync: <message>`).
public struct SyncError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
