/// What `shq session` needs of the store to attach a command's output to the record the hook wrote.
extension Store {
    /// The `seq` of the record with this import key (`hook:<session>:<n>`), if it has been ingested.
    public func seq(forImportKey key: String) throws -> Int64? {
        let lookup = try db.cachedStatement("seq by import key") { "SELECT seq FROM invocation_rows WHERE import_key = ?" }
        lookup.bind(1, FNV1a.storedKey(key))
        defer { lookup.reset() }  // an unfinished statement would keep its read transaction open
        return try lookup.step() ? lookup.int(0) : nil
    }

    /// Tags a record whose own tag is unset (the session's note that a full-screen program ran).
    public func tagIfUntagged(_ seq: Int64, _ tag: String) throws {
        let update = try db.cachedStatement("tag if untagged") { "UPDATE invocation_rows SET tag = ? WHERE seq = ? AND tag IS NULL" }
        update.bind(1, tag)
        update.bind(2, seq)
        try update.run()
    }

    /// True when the record already has output stored (a second attach must not add to it).
    public func hasOutput(_ seq: Int64) throws -> Bool {
        let lookup = try db.cachedStatement("has output") { "SELECT 1 FROM outputs WHERE invocation = ? LIMIT 1" }
        lookup.bind(1, seq)
        defer { lookup.reset() }
        return try lookup.step()
    }
}
