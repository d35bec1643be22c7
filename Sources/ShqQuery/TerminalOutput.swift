import Glibc
import ShqStore

/// Where command output goes: on a terminal, with colour (unless NO_COLOR is set or TERM is dumb) and
/// through $PAGER when it is taller than the screen; otherwise plain bytes, no colour, no pager.
public struct TerminalOutput {
    public let isTerminal: Bool
    public let colour: Bool

    public init(fd: Int32 = 1) {
        isTerminal = isatty(fd) == 1
        let term = ProcessEnvironment.value("TERM")
        colour = isTerminal && ProcessEnvironment.value("NO_COLOR").map(\.isEmpty) ?? true && term != "dumb"
    }

    /// Writes `text` to stdout, through the pager when it would not fit on the screen.
    public func write(_ text: String) {
        if isTerminal, Self.lineCount(text) >= Self.screenRows(), let pager = Self.openPager() {
            _ = text.withCString { fputs($0, pager) }
            pclose(pager)
            return
        }
        _ = writeAll(1, Array(text.utf8))
    }

    static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    static func screenRows() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return ProcessEnvironment.nonEmpty("LINES").flatMap(Int.init) ?? 24
    }

    /// `$PAGER` (run by the shell), else `less`; LESS=FRX unless set, so colour passes and short output
    /// exits at once. An empty PAGER means no pager.
    static func openPager() -> UnsafeMutablePointer<FILE>? {
        let pager = ProcessEnvironment.value("PAGER") ?? "less"
        if pager.isEmpty { return nil }
        setenv("LESS", "FRX", 0)
        return popen(pager, "w")
    }
}

/// ANSI SGR colours for table cells.
public enum ANSIColour: String, Sendable {
    case red = "31", green = "32", yellow = "33", blue = "34", dim = "2", bold = "1"

    public func wrap(_ text: String) -> String { "\u{1B}[\(rawValue)m" + text + "\u{1B}[0m" }
}
