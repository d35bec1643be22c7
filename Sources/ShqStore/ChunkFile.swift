import CShims
import Glibc
import ShqSystem

/// The store's chunk file, `<database>-chunks`: the compressed output chunks, appended one after
/// another, each found through its `blob_chunks` row (`file_offset`, `file_length`). Outside SQLite
/// because SQLite writes every byte of a chunk twice (WAL, then checkpoint) and walks ~200 KB overflow
/// chains in its b-tree: a capture costs 0.44× the CPU this way (Docs/design/relay.md, store.md).
///
/// Appends happen only under the store's write lock (inside a write transaction), at the end recorded in
/// `chunk_file` or the file's size, whichever is larger: writers in several processes never overlap, and
/// a chunk file that was deleted is never silently replaced by an empty one (it is not re-created once
/// the store has written to it). A range whose chunk row was deleted is released with a punched hole,
/// or overwritten with zeros where the file system cannot punch: forgetting leaves nothing behind.
final class ChunkFile {
    let path: String
    private var fd: Int32 = -1
    private var writable = false
    /// Appended since the last `sync`.
    private var unsynced = false

    init(path: String) { self.path = path }

    /// The disk is full, or the file reached a size limit: the database write that follows (the chunk
    /// kept in its row) meets the same limit and the recorder says so, once; this one is not said.
    struct OutOfSpace: Error { let error: StoreError }

    deinit { if fd >= 0 { close(fd) } }

    /// Opens for reading and writing. `mayCreate` only while the store has never written a chunk there.
    private func openForWriting(mayCreate: Bool) throws {
        if fd >= 0 && writable { return }
        // Created owner-only like the database (the store's folder is 0700 too).
        let opened = open(path, O_RDWR | O_CLOEXEC | (mayCreate ? O_CREAT : 0), 0o600)
        guard opened >= 0 else {
            let code = errno
            let why = code == ENOENT ? "missing (output stored before is lost)" : errnoDescription(code)
            throw StoreError(path, "cannot write output chunks: \(why)")
        }
        if fd >= 0 { close(fd) }
        fd = opened
        writable = true
    }

    private func openForReading() throws {
        if fd >= 0 { return }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { throw StoreError(path, "cannot read stored output: \(errnoDescription(errno))") }
        fd = opened
    }

    /// Writes `bytes` at the file's end (or at `recordedEnd`, if the file is shorter) and returns where.
    /// Call with the store's write lock held. The corresponding C functions are `fstat` and `pwrite`.
    func append(_ bytes: UnsafeRawBufferPointer, recordedEnd: Int64) throws -> Int64 {
        try openForWriting(mayCreate: recordedEnd == 0)
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StoreError(path, "cannot write output chunks: \(errnoDescription(errno))") }
        let offset = max(Int64(info.st_size), recordedEnd)
        var written = 0
        while written < bytes.count {
            let count = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                let error = StoreError(path, "cannot write output chunks: \(errnoDescription(code))")
                if code == ENOSPC || code == EFBIG || code == EDQUOT { throw OutOfSpace(error: error) }
                throw error
            }
            written += count
        }
        unsynced = true
        return offset
    }

    /// The `length` bytes at `offset`. The corresponding C function is `pread`.
    func read(offset: Int64, length: Int) throws -> [UInt8] {
        try openForReading()
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            while initialized < length {
                let count = pread(fd, buffer.baseAddress! + initialized, length - initialized, off_t(offset) + off_t(initialized))
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    failure = count < 0 ? errno : -1
                    return
                }
                initialized += count
            }
        }
        if failure != 0 {
            let why = failure > 0 ? errnoDescription(failure) : "shorter than the store says (truncated?)"
            throw StoreError(path, "cannot read stored output: \(why)")
        }
        return bytes
    }

    /// Releases the range of a deleted chunk: a punched hole (`fallocate`, the file keeps its size), or
    /// zeros written over it where the file system cannot punch. A missing file has nothing to release.
    func release(offset: Int64, length: Int64) throws {
        guard length > 0 else { return }
        if !writable && access(path, F_OK) != 0 && errno == ENOENT { return }
        try openForWriting(mayCreate: false)
        if shq_punch_hole(fd, offset, length) == 0 { return }
        let code = errno
        guard code == EOPNOTSUPP || code == ENOSYS else {
            throw StoreError(path, "cannot erase deleted output: \(errnoDescription(code))")
        }
        let zeros = [UInt8](repeating: 0, count: 64 * 1024)
        var done: Int64 = 0
        while done < length {
            let piece = Int(min(Int64(zeros.count), length - done))
            let count = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress!, piece, off_t(offset + done)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError(path, "cannot erase deleted output: \(errnoDescription(errno))")
            }
            done += Int64(count)
        }
        unsynced = true
    }

    /// Flushes what was appended to the disk (`fdatasync`): after a capture, as the WAL is at a
    /// checkpoint — not per chunk (the store's commits are not synced either: `synchronous=NORMAL`).
    func sync() {
        guard unsynced, fd >= 0 else { return }
        unsynced = false
        _ = fdatasync(fd)
    }
}
