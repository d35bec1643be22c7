import Glibc
import ShqSystem

/// Where the store lives: `--db`, else `$SHQ_DB`, else `${XDG_DATA_HOME:-$HOME/.local/share}/shq/history.db`.
public struct StoreLocation: Sendable, Equatable {
    public let databasePath: String

    public init(databasePath: String) { self.databasePath = databasePath }

    public static func resolve(explicit: String? = nil) -> StoreLocation {
        if let explicit, !explicit.isEmpty { return StoreLocation(databasePath: explicit) }
        if let fromEnv = ProcessEnvironment.nonEmpty("SHQ_DB") { return StoreLocation(databasePath: fromEnv) }
        return StoreLocation(databasePath: defaultDataDirectory + "/history.db")
    }

    /// The store's output chunks, beside the database (`ChunkFile`). Part of the store's file set with the
    /// database, its `-wal` and `-shm`: copy or remove them together.
    public var chunkFilePath: String { databasePath + "-chunks" }

    /// `${XDG_DATA_HOME:-$HOME/.local/share}/shq`.
    public static var defaultDataDirectory: String {
        let base = ProcessEnvironment.nonEmpty("XDG_DATA_HOME") ?? (ProcessEnvironment.home + "/.local/share")
        return base + "/shq"
    }

    /// The folder holding the database (and the hook spool).
    public var directory: String {
        guard let slash = databasePath.lastIndex(of: "/") else { return "." }
        let dir = String(databasePath[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Creates the folder (and missing parents) owner-only when absent. An existing folder is left alone.
    public func createDirectory() throws {
        try Self.makeDirectories(directory)
    }

    static func makeDirectories(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        // Only the store's own folder must be 0700; parents like ~/.local/share get it too, which is the
        // XDG recommendation for data directories.
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw StoreError(path, "cannot create directory: \(errnoDescription(errno))")
        }
    }
}
