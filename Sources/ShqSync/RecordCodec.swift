import ShqStore

/// The bytes of a record that travel sealed: every field of an invocation except those the server sees
/// in the clear (id, host, start time: bound to the seal instead, `RecordSeal`) and those that mean
/// something only on the machine that ran it (pids, process start ticks, the wrapper).
///
/// Layout, version 1: each field in a fixed order, as a length-prefixed byte string (4 bytes, big
/// endian; 0xFFFFFFFF for none) or an integer (a presence byte, then 8 bytes big endian).
enum RecordCodec {
    static let version: UInt32 = 1

    static func encode(_ invocation: Invocation) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(invocation.cmd.count + (invocation.cwd?.count ?? 0) + 160)
        func bytes(_ value: [UInt8]?) {
            guard let value else { out += [0xff, 0xff, 0xff, 0xff]; return }
            appendBigEndian(&out, UInt64(value.count), width: 4)
            out += value
        }
        func text(_ value: String?) { bytes(value.map { Array($0.utf8) }) }
        func int(_ value: Int64?) {
            guard let value else { out.append(0); return }
            out.append(1)
            appendBigEndian(&out, UInt64(bitPattern: value), width: 8)
        }
        bytes(invocation.cmd)
        bytes(invocation.cwd)
        text(invocation.session)
        text(invocation.user)
        text(invocation.shell)
        text(invocation.tty)
        text(invocation.source.rawValue)
        int(invocation.endedAt?.microseconds)
        int(invocation.durationMicros)
        int(invocation.exitCode.map(Int64.init))
        int(invocation.signal.map(Int64.init))
        text(invocation.status.rawValue)
        text(invocation.tag)
        text(invocation.pipestatus)
        return out
    }

    /// The invocation `encode` wrote, given the fields the server holds in the clear; nil if the bytes
    /// are not a record.
    static func decode(_ data: [UInt8], id: String, host: String, startedAt: Timestamp) -> Invocation? {
        var reader = Reader(data: data)
        guard let cmd = reader.bytes() ?? nil, let cwd = reader.bytes(), let session = reader.text(),
              let user = reader.text(), let shell = reader.text(), let tty = reader.text(),
              let source = reader.text().flatMap({ $0.flatMap(InvocationSource.init(rawValue:)) }),
              let endedAt = reader.int(), let duration = reader.int(), let exitCode = reader.int(),
              let signal = reader.int(), let status = reader.text().flatMap({ $0.flatMap(InvocationStatus.init(rawValue:)) }),
              let tag = reader.text(), let pipestatus = reader.text(), reader.atEnd
        else { return nil }
        return Invocation(
            id: id, session: session, cmd: cmd, cwd: cwd, host: host, user: user, shell: shell, tty: tty,
            source: source, startedAt: startedAt, endedAt: endedAt.map(Timestamp.init(microseconds:)),
            durationMicros: duration, exitCode: exitCode.map { Int32(truncatingIfNeeded: $0) },
            signal: signal.map { Int32(truncatingIfNeeded: $0) }, status: status, tag: tag, pipestatus: pipestatus)
    }

    /// Reads the fields back; each read is nil when the data ends early (a field that is none is `.some(nil)`).
    private struct Reader {
        let data: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == data.count }

        mutating func bytes() -> [UInt8]?? {
            guard let length = bigEndian(width: 4) else { return nil }
            if length == 0xffff_ffff { return .some(nil) }
            guard data.count - offset >= Int(length) else { return nil }
            defer { offset += Int(length) }
            return .some(Array(data[offset..<offset + Int(length)]))
        }

        mutating func text() -> String?? {
            guard let value = bytes() else { return nil }
            return .some(value.map { String(decoding: $0, as: UTF8.self) })
        }

        mutating func int() -> Int64?? {
            guard offset < data.count else { return nil }
            let present = data[offset]
            offset += 1
            if present == 0 { return .some(nil) }
            guard let value = bigEndian(width: 8) else { return nil }
            return .some(Int64(bitPattern: value))
        }

        private mutating func bigEndian(width: Int) -> UInt64? {
            guard data.count - offset >= width else { return nil }
            var value: UInt64 = 0
            for byte in data[offset..<offset + width] { value = value << 8 | UInt64(byte) }
            offset += width
            return value
        }
    }
}

func appendBigEndian(_ out: inout [UInt8], _ value: UInt64, width: Int) {
    for shift in stride(from: (width - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
}
