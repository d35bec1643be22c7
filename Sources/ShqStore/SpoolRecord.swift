/// One line of a hook spool file. The shells write them with builtins only (`printf >>`), one line per
/// record, fields separated by TAB, and `\` `TAB` `LF` inside a field escaped as `\\` `\t` `\n`:
///
///     S <session> <shell> <shell pid> <tty> <host> <user> <session start µs>
///     C <session> <n> <start µs> <duration µs> <exit status> <pipestatus> <cwd> <command line>
///
/// `S` opens every spool file (so each file is self-contained); `n` counts the session's records and
/// makes ingesting the same line twice harmless (it grows, it need not start at 1 nor go up by one).
/// Extra trailing fields are ignored (room to grow). The `C` start may also be written
/// `<µs>+<seconds>[.<fraction>]`, a sum: fish's hook writes its clock offset and the /proc/uptime reading
/// as they are, because adding them in fish (`math`) cost it more than everything else per command.
public enum SpoolRecord: Equatable, Sendable {
    case session(Session)
    case command(Command)

    public struct Session: Equatable, Sendable {
        public var id: String
        public var shell: String
        public var pid: Int32?
        public var tty: String?
        public var host: String?
        public var user: String?
        public var startedAt: Timestamp
    }

    public struct Command: Equatable, Sendable {
        public var session: String
        public var number: Int64
        public var startedAt: Timestamp
        public var durationMicros: Int64
        public var exitStatus: Int32
        public var pipestatus: String?
        public var cwd: [UInt8]
        public var cmd: [UInt8]
    }

    /// Decodes one line (without its newline); nil for anything malformed. Never traps, whatever the bytes.
    public static func decode<Bytes: Collection<UInt8>>(_ line: Bytes) -> SpoolRecord? {
        let fields = Array(line).split(separator: 9, omittingEmptySubsequences: false).map { unescape($0) }
        guard let kind = fields.first else { return nil }
        func text(_ i: Int) -> String { String(decoding: fields[i], as: UTF8.self) }
        func optionalText(_ i: Int) -> String? { fields[i].isEmpty ? nil : text(i) }
        func number(_ i: Int) -> Int64? { parseInteger(fields[i]) }
        switch kind {
        case [UInt8(ascii: "S")]:
            guard fields.count >= 8, !fields[1].isEmpty, let start = number(7) else { return nil }
            return .session(Session(
                id: text(1), shell: text(2), pid: number(3).flatMap { Int32(exactly: $0) }, tty: optionalText(4),
                host: optionalText(5), user: optionalText(6), startedAt: Timestamp(microseconds: start)))
        case [UInt8(ascii: "C")]:
            guard fields.count >= 9, !fields[1].isEmpty, let n = number(2), let start = parseStart(fields[3]),
                  let duration = number(4), let status = number(5).flatMap({ Int32(exactly: $0) }) else { return nil }
            return .command(Command(
                session: text(1), number: n, startedAt: Timestamp(microseconds: start),
                durationMicros: max(0, duration), exitStatus: status, pipestatus: optionalText(6),
                cwd: fields[7], cmd: fields[8]))
        default:
            return nil
        }
    }

    /// The line the hooks write for this record (without the newline); the inverse of `decode`.
    public var encoded: [UInt8] {
        var fields: [[UInt8]]
        switch self {
        case .session(let s):
            fields = [[UInt8(ascii: "S")], Array(s.id.utf8), Array(s.shell.utf8), Array((s.pid.map(String.init) ?? "").utf8),
                      Array((s.tty ?? "").utf8), Array((s.host ?? "").utf8), Array((s.user ?? "").utf8),
                      Array(String(s.startedAt.microseconds).utf8)]
        case .command(let c):
            fields = [[UInt8(ascii: "C")], Array(c.session.utf8), Array(String(c.number).utf8),
                      Array(String(c.startedAt.microseconds).utf8), Array(String(c.durationMicros).utf8),
                      Array(String(c.exitStatus).utf8), Array((c.pipestatus ?? "").utf8), c.cwd, c.cmd]
        }
        return Array(fields.map(Self.escape).joined(separator: [9]))
    }

    static func escape(_ field: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        for b in field {
            switch b {
            case 92: out += [92, 92]
            case 9: out += [92, UInt8(ascii: "t")]
            case 10: out += [92, UInt8(ascii: "n")]
            default: out.append(b)
            }
        }
        return out
    }

    /// `\\` `\t` `\n` back to bytes; any other backslash is kept as written.
    static func unescape<Bytes: Collection<UInt8>>(_ field: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var escaped = false
        for b in field {
            if escaped {
                switch b {
                case 92: out.append(92)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                default: out += [92, b]
                }
                escaped = false
            } else if b == 92 {
                escaped = true
            } else {
                out.append(b)
            }
        }
        if escaped { out.append(92) }
        return out
    }

    /// A `C` line's start: µs, or `<µs>+<seconds>[.<fraction>]` (the fraction cut at µs); nil on anything
    /// else or on overflow.
    static func parseStart(_ field: [UInt8]) -> Int64? {
        guard let plus = field.firstIndex(of: UInt8(ascii: "+")) else { return parseInteger(field) }
        guard let base = parseInteger(Array(field[..<plus])) else { return nil }
        let reading = field[(plus + 1)...].split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(reading[0]), fraction = reading.count > 1 ? Array(reading[1]) : []
        func digitsOnly(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard !whole.isEmpty, digitsOnly(whole), digitsOnly(fraction), let seconds = parseInteger(whole),
              let micros = parseInteger(Array(fraction.prefix(6)) + Array(repeating: UInt8(ascii: "0"), count: 6 - min(6, fraction.count)))
        else { return nil }
        let (scaled, over1) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let (sum, over2) = base.addingReportingOverflow(scaled)
        let (total, over3) = sum.addingReportingOverflow(micros)
        return over1 || over2 || over3 ? nil : total
    }

    /// A decimal integer with an optional leading `-`; nil on anything else or on overflow.
    static func parseInteger(_ digits: [UInt8]) -> Int64? {
        var value: Int64 = 0
        var negative = false
        var index = 0
        if digits.first == UInt8(ascii: "-") { negative = true; index = 1 }
        guard index < digits.count, digits.count - index <= 18 else { return nil }
        while index < digits.count {
            let d = digits[index]
            guard d >= 48, d <= 57 else { return nil }
            value = value * 10 + Int64(d - 48)
            index += 1
        }
        return negative ? -value : value
    }
}
