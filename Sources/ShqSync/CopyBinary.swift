/// Rows in PostgreSQL's binary `COPY … FROM STDIN (FORMAT binary)` form: a signature and header, then
/// per row a field count and each field as a 4-byte length (-1 for NULL) and its bytes in the type's
/// binary form (bytea and text: the bytes themselves; bigint, integer: big endian), then a trailer.
/// Against the text format it replaced: bytea travels as itself rather than as twice as many hex digits,
/// and the server parses no digits (Docs/design/sync.md, "Speed").
struct CopyBinary {
    private(set) var bytes: [UInt8] = []

    /// The header opens the first batch of a COPY; later batches of the same COPY continue it.
    init(header: Bool, reserving capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
        if header {
            // "PGCOPY\n\377\r\n\0", flags (no OIDs), header extension length.
            bytes += [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]
            bytes += [0, 0, 0, 0, 0, 0, 0, 0]
        }
    }

    /// The trailer that ends the COPY's data.
    static let trailer: [UInt8] = [0xff, 0xff]

    mutating func row(fields: Int) { append(UInt64(fields), width: 2) }

    mutating func bytea(_ value: [UInt8]) {
        append(UInt64(value.count), width: 4)
        bytes += value
    }

    /// Text in the database's encoding (UTF-8): a NUL byte cannot be stored in text, so it is dropped
    /// (the exact bytes travel in the payload).
    mutating func text<Bytes: Collection>(_ value: Bytes) where Bytes.Element == UInt8 {
        let lengthAt = bytes.count
        append(0, width: 4)
        var length = 0
        for byte in value where byte != 0 {
            bytes.append(byte)
            length += 1
        }
        for index in 0..<4 { bytes[lengthAt + index] = UInt8(truncatingIfNeeded: length >> (24 - 8 * index)) }
    }

    mutating func bigint(_ value: Int64) {
        append(8, width: 4)
        append(UInt64(bitPattern: value), width: 8)
    }

    mutating func integer(_ value: Int32) {
        append(4, width: 4)
        append(UInt64(UInt32(bitPattern: value)), width: 4)
    }

    mutating func null() { append(0xffff_ffff, width: 4) }

    var count: Int { bytes.count }

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    private mutating func append(_ value: UInt64, width: Int) {
        appendBigEndian(&bytes, value, width: width)
    }
}
