import CSQLite

extension Database {
    /// Defines, on this connection, the SQL functions migration 3 needs to convert rows in place:
    /// - `shq_uuid_bytes(text)`: the 16 bytes of an id's text (SQLite 3.40 has no `unhex`). Text that is
    ///   not an id (only raw SQL could have written one) gets a fresh id rather than stopping the migration;
    /// - `shq_key_hash(text)`: an import key as the store now keeps it (`FNV1a.storedKey`), NULL for NULL.
    func installMigrationFunctions() throws {
        var rc = sqlite3_create_function_v2(
            handle, "shq_uuid_bytes", 1, SQLITE_UTF8, nil,
            { context, _, argv in
                guard let context, let argv, let value = argv[0] else { return }
                let text = sqlite3_value_text(value).map { String(cString: $0) } ?? ""
                let bytes = InvocationID.bytes(text) ?? InvocationID.bytes(InvocationID.make())!
                bytes.withUnsafeBytes { buffer in
                    sqlite3_result_blob(context, buffer.baseAddress, 16, transientDestructor)
                }
            }, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
        rc = sqlite3_create_function_v2(
            handle, "shq_key_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, argv in
                guard let context, let argv, let value = argv[0] else { return }
                guard sqlite3_value_type(value) != SQLITE_NULL, let text = sqlite3_value_text(value) else {
                    return sqlite3_result_null(context)
                }
                let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value)))
                sqlite3_result_int64(context, Int64(bitPattern: FNV1a.hash(bytes)))
            }, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }
}
