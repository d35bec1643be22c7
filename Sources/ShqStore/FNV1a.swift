/// 64-bit FNV-1a: a fast, stable, non-cryptographic hash. Import keys are stored as this hash of their text.
public enum FNV1a {
    public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The hash of `bytes`, continuing from `start` (so parts can be hashed one after the other).
    /// Inlinable: specialised in the caller's module (the picker hashes every command line it loads; the
    /// generic version called across modules cost a witness call per byte).
    @inlinable
    public static func hash<Bytes: Sequence>(_ bytes: Bytes, from start: UInt64 = seed) -> UInt64 where Bytes.Element == UInt8 {
        var hash = start
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// What the store keeps for an import key: its hash as a signed 64-bit integer (8 bytes in the row
    /// and its unique index, against 12–40 for the text). 64 bits make a collision among a million keys
    /// about a 1-in-30-million event.
    public static func storedKey(_ key: String) -> Int64 { Int64(bitPattern: hash(key.utf8)) }
}
