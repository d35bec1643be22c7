/// Short ids for tables: the shortest prefix that names one record, as git abbreviates hashes.
///
/// Ids are UUIDv7, time first: the first 8 hex digits change every 65 s, the first 12 every millisecond,
/// so commands run close together share long prefixes, and two in the same millisecond (or imported
/// from a file with one-second times) share 12 digits or more. A fixed cut would not identify them.
extension InvocationID {
    /// Tables never show fewer digits than this (as git's 7): a prefix stays unique for a while as
    /// the history grows.
    public static let minimumDigits = 8

    /// `id`'s dashed text cut after `digits` hex digits (`0193a2b4-5c6d` for 12).
    public static func abbreviated(_ id: String, digits: Int) -> String {
        var seen = 0
        var end = id.startIndex
        while end < id.endIndex, seen < digits {
            if id[end] != "-" { seen += 1 }
            end = id.index(after: end)
        }
        return String(id[..<end])
    }
}

extension Store {
    /// How many hex digits every id in `ids` needs to be unique in the whole store, at least
    /// `InvocationID.minimumDigits`: one length for a whole table, so its column stays aligned. Each id
    /// is compared with its two neighbours in the id index (two index look-ups per id).
    public func uniqueIDDigits(_ ids: [String]) throws -> Int {
        let before = try db.cachedStatement("id before") { "SELECT id FROM invocation_rows WHERE id < ? ORDER BY id DESC LIMIT 1" }
        let after = try db.cachedStatement("id after") { "SELECT id FROM invocation_rows WHERE id > ? ORDER BY id LIMIT 1" }
        // Reset when done: a statement left open holds its read and would make a later VACUUM fail.
        defer { before.reset(); after.reset() }
        var digits = InvocationID.minimumDigits
        for id in ids {
            guard let bytes = InvocationID.bytes(id) else { continue }
            for statement in [before, after] {
                statement.reset()
                bytes.withUnsafeBytes { statement.bindBlob(1, $0) }
                guard try statement.step() else { continue }
                digits = max(digits, min(32, Self.commonDigits(bytes, statement.bytes(0)) + 1))
            }
        }
        return digits
    }

    /// `id` cut to the digits that make it unique in the store, for a message about one record.
    public func shortID(_ id: String) throws -> String {
        InvocationID.abbreviated(id, digits: try uniqueIDDigits([id]))
    }

    /// How many leading hex digits two 16-byte ids share.
    static func commonDigits(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for (index, (x, y)) in zip(a, b).enumerated() where x != y {
            return index * 2 + (x >> 4 == y >> 4 ? 1 : 0)
        }
        return min(a.count, b.count) * 2
    }
}
