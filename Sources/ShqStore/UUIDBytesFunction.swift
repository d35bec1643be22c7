import CSQLite

extension Database {
    /// Defines `shq_uuid_bytes(text)` on this connection: the 16 bytes of an id's text, for the migration
    /// that stores ids as bytes (SQLite 3.40 has no `unhex`). Text that is not an id (only raw SQL could
    /// have written one) gets a fresh id rather than stopping the migration.
    func installUUIDBytes() throws {
        let rc = sqlite3_create_function_v2(
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
    }
}
