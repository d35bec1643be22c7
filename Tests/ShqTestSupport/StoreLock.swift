import Foundation
import Glibc

/// A second, real process holding a store's write lock: `sqlite3 DB 'BEGIN EXCLUSIVE'` kept open until
/// `release()`. (In WAL mode EXCLUSIVE is the write lock; readers go on reading.)
public final class StoreLock: @unchecked Sendable {
    private let process: SpawnedProcess
    private let releaseFile: String

    /// Returns once the lock is held (sqlite3 has written in its transaction and touched a file).
    public init(database: String, directory: TemporaryDirectory) throws {
        let ready = directory.file("lock-ready-\(UUID().uuidString)")
        releaseFile = directory.file("lock-release-\(UUID().uuidString)")
        process = try ProcessProbe.spawn("/usr/bin/sqlite3", [
            database, "BEGIN EXCLUSIVE;", "INSERT INTO names(name) VALUES ('lock holder ' || random());", ".shell touch '\(ready)'",
            ".shell while [ ! -e '\(releaseFile)' ]; do sleep 0.01; done", "COMMIT;",
        ])
        let locked = ProcessProbe.waitUntil(timeout: 30) { FileManager.default.fileExists(atPath: ready) || !process.isRunning }
        guard locked, process.isRunning else {
            process.stop()
            throw StoreLockFailed()
        }
    }

    /// True while sqlite3 still holds the lock (it ends only after `release()`).
    public var isHeld: Bool { process.isRunning }

    /// Lets sqlite3 commit and exit; returns once it has.
    public func release() {
        _ = FileManager.default.createFile(atPath: releaseFile, contents: Data())
        process.wait(timeout: 30)
    }

    /// The release file first: killing sqlite3 alone would leave its `.shell` loop running.
    deinit {
        _ = FileManager.default.createFile(atPath: releaseFile, contents: Data())
        process.stop()
    }
}

public struct StoreLockFailed: Error {}
