import Glibc
import ShqSystem

/// Owner-only storage, checked on every open: the store's folder and files belong to the current user
/// and nobody else can change them. History is a target (commands, paths, output), so a store another
/// user could read or swap is refused rather than used.
///
/// - Owned by another user, or writable by group/others: refused, with `shq: <path>: <why>`.
/// - Readable by group/others (a copy made under umask 022, a spool file appended by the shell):
///   tightened to 0600 (files) or 0700 (shq's own data folder). A folder the user chose with
///   `--db`/`SHQ_DB` is not chmod-ed; a shared sticky folder such as /tmp is accepted, since the files
///   themselves are checked.
public enum OwnerOnly {
    /// The files SQLite keeps next to the database, and the store's chunk file (`ChunkFile`).
    static let companionSuffixes = ["", "-wal", "-shm", "-journal", "-chunks"]

    /// Checks the store's folder and every database file that exists. In shq's own data folder every
    /// file is checked, so hook spool files (appended by the shell under the user's umask) are covered too.
    static func check(_ location: StoreLocation) throws {
        let ownFolder = location.directory == StoreLocation.defaultDataDirectory
        try checkDirectory(location.directory, tighten: ownFolder)
        var files = companionSuffixes.map { location.databasePath + $0 }
        if ownFolder { files += regularFiles(in: location.directory) }
        for file in files { try checkFile(file) }
    }

    /// The paths of the folder's regular files.
    /// The corresponding C functions are `opendir` and `readdir`.
    private static func regularFiles(in directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var paths: [String] = []
        while let entry = readdir(stream) {
            let type = entry.pointee.d_type
            guard type == UInt8(DT_REG) || type == UInt8(DT_UNKNOWN) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            paths.append(directory + "/" + name)
        }
        return paths
    }

    /// A file of the store (database, WAL, shared memory, a spool file): if it exists it must be a regular
    /// file of ours not writable by others; group/other read bits are removed.
    public static func checkFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw StoreError(path, "cannot check permissions: \(errnoDescription(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw StoreError(path, "not a regular file; refusing to use it") }
        try checkOwner(path, info)
        let mode = info.st_mode & 0o7777
        if mode & 0o022 != 0 {
            throw StoreError(path, "writable by other users (mode \(octal(mode))); refusing to use it. Fix: chmod 600 \(path)")
        }
        if mode & 0o077 != 0 && chmod(path, 0o600) != 0 {
            throw StoreError(path, "readable by other users (mode \(octal(mode))) and cannot be fixed: \(errnoDescription(errno))")
        }
    }

    static func checkDirectory(_ path: String, tighten: Bool) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreError(path, "cannot check permissions: \(errnoDescription(errno))") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw StoreError(path, "not a directory") }
        let mode = info.st_mode & 0o7777
        let sharedSticky = mode & UInt32(S_ISVTX) != 0 && info.st_uid == 0
        if !sharedSticky {
            try checkOwner(path, info)
            if mode & 0o022 != 0 {
                throw StoreError(path, "writable by other users (mode \(octal(mode))); refusing to keep history here. Fix: chmod 700 \(path)")
            }
        }
        if tighten && mode & 0o077 != 0 && chmod(path, 0o700) != 0 {
            throw StoreError(path, "readable by other users (mode \(octal(mode))) and cannot be fixed: \(errnoDescription(errno))")
        }
    }

    private static func checkOwner(_ path: String, _ info: stat) throws {
        let me = geteuid()
        guard info.st_uid != me else { return }
        let owner = getpwuid(info.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "uid \(info.st_uid)"
        throw StoreError(path, "owned by \(owner), not by you; refusing to use another user's history")
    }

    private static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
