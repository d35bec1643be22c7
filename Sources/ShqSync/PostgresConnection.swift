import CPQ
import Glibc

/// One connection to a PostgreSQL server through libpq, synchronous. Parameters go as text except
/// byte strings (binary); results come back in binary form (`PostgresResult`), so bytea needs no
/// unescaping. Not thread-safe: one sync uses one connection on one thread.
final class PostgresConnection {
    private let handle: OpaquePointer

    /// Seconds libpq waits for each address of the server; the URL's own `connect_timeout` wins. Four,
    /// so a server that does not answer fails `shq sync` within 5 s (Docs/sync.md).
    static let defaultConnectTimeout = "4"

    /// Connects with a connection string as libpq reads it: a `postgresql://` URL or `key=value` words.
    /// The corresponding C function is `PQconnectdbParams` (with `expand_dbname`).
    init(url: String) throws {
        // Later parameters override earlier ones: the defaults come first, then everything in the URL.
        // Notices (CREATE … IF NOT EXISTS) are not for the user; set here, it costs no round trip.
        let keywords = ["connect_timeout", "application_name", "options", "dbname"]
        let values = [Self.defaultConnectTimeout, "shq", "-c client_min_messages=warning", url]
        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw SyncError("cannot reach the server: out of memory") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw SyncError("cannot reach the server: \(reason)")
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// A value bound to `$n`.
    enum Parameter {
        case text(String)
        case bytes([UInt8])
        case int(Int64)
        case null
    }

    /// Runs one statement (with parameters `$1`…) and returns its rows, in binary form.
    /// The corresponding C function is `PQexecParams`.
    @discardableResult
    func query(_ sql: String, _ parameters: [Parameter] = []) throws -> PostgresResult {
        var buffers: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for parameter in parameters {
            switch parameter {
            case .text(let text): buffers.append(Array(text.utf8CString)); lengths.append(0); formats.append(0)
            case .int(let value): buffers.append(Array(String(value).utf8CString)); lengths.append(0); formats.append(0)
            case .bytes(let bytes): buffers.append(bytes.map { CChar(bitPattern: $0) }); lengths.append(Int32(bytes.count)); formats.append(1)
            case .null: buffers.append(nil); lengths.append(0); formats.append(0)
            }
        }
        let result = withBufferPointers(buffers) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, lengths, formats, 1)
        }
        return try check(result, sql: sql)
    }

    /// Runs statements without parameters (several may be separated by `;`).
    /// The corresponding C function is `PQexec`.
    func execute(_ sql: String) throws {
        _ = try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs `COPY … FROM STDIN`: `produce` is called with a function that sends bytes, as many times as
    /// it likes, so rows are made while the server reads the ones before. A throw from `produce` ends
    /// the COPY with an error (the server discards it). The corresponding C functions are
    /// `PQputCopyData` and `PQputCopyEnd`.
    func copyIn(_ sql: String, _ produce: (_ send: ([UInt8]) throws -> Void) throws -> Void) throws {
        let start = PQexec(handle, sql)
        guard PQresultStatus(start) == PGRES_COPY_IN else { _ = try check(start, sql: sql); return }
        PQclear(start)
        do {
            try produce { data in
                let sent = data.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32(buffer.count)) }
                }
                guard sent == 1 else { throw SyncError("the server: \(Self.trimmed(PQerrorMessage(handle)))") }
            }
        } catch {
            _ = PQputCopyEnd(handle, "shq stopped the copy")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw SyncError("the server: \(Self.trimmed(PQerrorMessage(handle)))") }
        while let result = PQgetResult(handle) { _ = try check(result, sql: sql) }
    }

    /// The result if the statement succeeded; otherwise the server's message (with its SQLSTATE).
    private func check(_ result: OpaquePointer?, sql: String) throws -> PostgresResult {
        guard let result else { throw SyncError("the server: \(Self.trimmed(PQerrorMessage(handle)))") }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let message = Self.trimmed(PQresultErrorMessage(result))
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            PQclear(result)
            if PQstatus(handle) != CONNECTION_OK {
                throw SyncError("lost the server: \(message.isEmpty ? Self.trimmed(PQerrorMessage(handle)) : message)")
            }
            throw SyncError("the server refused: \(message)\(state.map { " (SQLSTATE \($0))" } ?? "")", sqlState: state)
        }
        return PostgresResult(result)
    }

    private static func trimmed(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "" }
        var message = String(cString: text)
        while message.last == "\n" || message.last == " " { message.removeLast() }
        // libpq repeats "connection to server … failed:" per address; the last line says why.
        return message.split(separator: "\n")
            .map { $0.drop { $0 == " " || $0 == "\t" } }.filter { !$0.isEmpty }.map(String.init).joined(separator: "; ")
    }
}

/// Rows of a result in binary form. Owns the libpq result.
final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var count: Int { Int(PQntuples(handle)) }

    /// Rows a command changed (`INSERT … ON CONFLICT DO NOTHING`: those really inserted).
    var affected: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) == 1 }

    func bytes(_ row: Int, _ column: Int) -> [UInt8] {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        guard length > 0, let value = PQgetvalue(handle, Int32(row), Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: value, count: length))
    }

    func string(_ row: Int, _ column: Int) -> String { String(decoding: bytes(row, column), as: UTF8.self) }

    /// An integer column (int2, int4 or int8 in network byte order).
    func int(_ row: Int, _ column: Int) -> Int64 {
        let raw = bytes(row, column)
        var value: Int64 = raw.first.map { $0 >= 0x80 ? -1 : 0 } ?? 0
        for byte in raw { value = (value << 8) | Int64(byte) }
        return value
    }
}

/// Calls `body` with C strings for `strings`, valid only inside it.
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeMutableBufferPointer { body(UnsafePointer($0.baseAddress!)) }
}

/// Calls `body` with a pointer per buffer (nil for SQL NULL), valid only inside it.
private func withBufferPointers<T>(_ buffers: [[CChar]?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let copies: [UnsafeMutablePointer<CChar>?] = buffers.map { buffer in
        guard let buffer else { return nil }
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, buffer.count))
        copy.initialize(from: buffer, count: buffer.count)
        return copy
    }
    defer { copies.forEach { $0?.deallocate() } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
