import CSodium
import Glibc
import ShqStore
import ShqSystem

/// The key that seals records for the server: 32 random bytes in `sync.key` next to the store, owner-only.
/// Made on a machine's first sync, copied to the others as base64 (`shq sync key`, `--import`).
/// Written only once the server has accepted it (`SyncRun`), so a first sync against a server that
/// already holds another key leaves no key behind, and `--import` needs no force.
public struct SyncKey: Sendable, Equatable {
    public let bytes: [UInt8]

    public static let byteCount = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A new random key. The corresponding C function is `randombytes_buf`.
    public static func make() -> SyncKey {
        SodiumLibrary.ready()
        var bytes = [UInt8](repeating: 0, count: byteCount)
        randombytes_buf(&bytes, bytes.count)
        return SyncKey(bytes: bytes)!
    }

    /// The key as a person copies it: standard base64 (44 characters).
    /// The corresponding C function is `sodium_bin2base64`.
    public var text: String {
        SodiumLibrary.ready()
        let length = Int(sodium_base64_encoded_len(bytes.count, sodium_base64_VARIANT_ORIGINAL))
        var out = [CChar](repeating: 0, count: length)
        _ = sodium_bin2base64(&out, length, bytes, bytes.count, sodium_base64_VARIANT_ORIGINAL)
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads a key as `text` prints it (spaces and line breaks ignored); nil if it is not one.
    public init?(text: String) {
        SodiumLibrary.ready()
        let compact = Array(text.utf8.filter { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 })
        var out = [UInt8](repeating: 0, count: Self.byteCount + 8)
        var length = 0
        let rc = compact.map { CChar(bitPattern: $0) }.withUnsafeBufferPointer { input in
            sodium_base642bin(&out, out.count, input.baseAddress, input.count, nil, &length, nil, sodium_base64_VARIANT_ORIGINAL)
        }
        guard rc == 0, length == Self.byteCount else { return nil }
        self.init(bytes: Array(out[0..<length]))
    }

    /// Where a store's key lives: `sync.key` in the store's folder.
    public static func path(for location: StoreLocation) -> String { location.directory + "/sync.key" }

    /// The key saved for this store, or nil if none yet. A file that is not a key is an error.
    public static func load(for location: StoreLocation) throws -> SyncKey? {
        let path = path(for: location)
        try OwnerOnly.checkFile(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SyncError("\(path): cannot read the key: \(errnoDescription(errno))")
        }
        defer { close(fd) }
        let content = (try? readAll(fd: fd, limit: 4096)) ?? []
        guard let key = SyncKey(text: String(decoding: content, as: UTF8.self)) else {
            throw SyncError("\(path): not a sync key (corrupt?); import the right one with `shq sync key --import`")
        }
        return key
    }

    /// Saves the key owner-only, replacing any other atomically (written beside it, then renamed).
    public func save(for location: StoreLocation) throws {
        try location.createDirectory()
        let path = Self.path(for: location)
        let temporary = path + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SyncError("\(temporary): cannot write the key: \(errnoDescription(errno))") }
        let written = writeAll(fd, Array((text + "\n").utf8))
        let synced = fsync(fd)
        close(fd)
        guard written == 0, synced == 0, rename(temporary, path) == 0 else {
            let reason = errnoDescription(errno)
            unlink(temporary)
            throw SyncError("\(path): cannot write the key: \(reason)")
        }
    }
}

/// libsodium must be initialised once before use; `sodium_init` is safe to call again.
enum SodiumLibrary {
    static func ready() {
        _ = sodium_init()
    }
}
