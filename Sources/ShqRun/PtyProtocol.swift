import Glibc
import ShqStore
import ShqSystem

/// What the PTY monitor tells `shq run --pty` about the command, over a pipe: 5-byte records, a tag
/// byte and a little-endian Int32.
enum PtyReport: Equatable {
    /// The command runs with this pid (also its process group).
    case started(pid_t)
    /// posix_spawnp failed with this errno.
    case spawnFailed(Int32)
    case stopped(Int32)
    case continued
    case ended(Termination)

    static let size = 5

    var bytes: [UInt8] {
        let (tag, value): (UInt8, Int32) = switch self {
        case .started(let pid): (UInt8(ascii: "P"), pid)
        case .spawnFailed(let error): (UInt8(ascii: "E"), error)
        case .stopped(let signal): (UInt8(ascii: "S"), signal)
        case .continued: (UInt8(ascii: "C"), 0)
        case .ended(.exited(let code)): (UInt8(ascii: "X"), code)
        case .ended(.signaled(let signal)): (UInt8(ascii: "K"), signal)
        }
        let raw = UInt32(bitPattern: value)
        return [tag, UInt8(raw & 0xFF), UInt8(raw >> 8 & 0xFF), UInt8(raw >> 16 & 0xFF), UInt8(raw >> 24)]
    }

    /// Decodes one record; nil for anything malformed.
    init?(_ record: ArraySlice<UInt8>) {
        guard record.count == Self.size, let tag = record.first else { return nil }
        let bytes = Array(record)
        let value = Int32(bitPattern: UInt32(bytes[1]) | UInt32(bytes[2]) << 8 | UInt32(bytes[3]) << 16 | UInt32(bytes[4]) << 24)
        switch tag {
        case UInt8(ascii: "P"): self = .started(value)
        case UInt8(ascii: "E"): self = .spawnFailed(value)
        case UInt8(ascii: "S"): self = .stopped(value)
        case UInt8(ascii: "C"): self = .continued
        case UInt8(ascii: "X"): self = .ended(.exited(value))
        case UInt8(ascii: "K"): self = .ended(.signaled(value))
        default: return nil
        }
    }

    /// Takes every complete record off the front of `buffer`.
    static func take(from buffer: inout [UInt8]) -> [PtyReport] {
        var reports: [PtyReport] = []
        while buffer.count >= size {
            if let report = PtyReport(buffer[0..<size]) { reports.append(report) }
            buffer.removeFirst(size)
        }
        return reports
    }
}

/// What `shq run --pty` asks of the monitor when shq is continued: one byte each.
enum PtyControl: UInt8 {
    /// Make the command's group the PTY's foreground group, then continue it.
    case foreground = 0x46  // "F"
    /// Take the PTY's foreground back (the command stops again if it reads the terminal), then continue it.
    case background = 0x42  // "B"
    /// The real terminal hung up: send the command's group SIGHUP and SIGCONT, as the kernel does when
    /// a terminal's session leader goes away, and keep reporting until it ends.
    case hangUp = 0x48  // "H"
}
