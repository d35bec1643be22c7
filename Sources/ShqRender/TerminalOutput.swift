import Glibc
import ShqStore
import ShqSystem

/// `--color`: `auto` colours a terminal unless NO_COLOR is set or TERM is dumb; the others decide.
public enum ColourChoice: String, Sendable, CaseIterable {
    case auto, always, never
}

/// Where command output goes: on a terminal, with colour (unless NO_COLOR is set or TERM is dumb, or
/// `--color` says otherwise) and through $PAGER when it is taller than the screen; otherwise plain
/// bytes, no pager.
public struct TerminalOutput {
    public let isTerminal: Bool
    public let colour: Bool

    public init(fd: Int32 = 1, colour choice: ColourChoice = .auto) {
        isTerminal = isatty(fd) == 1
        let term = ProcessEnvironment.value("TERM")
        switch choice {
        case .always: colour = true
        case .never: colour = false
        case .auto: colour = isTerminal && ProcessEnvironment.value("NO_COLOR").map(\.isEmpty) ?? true && term != "dumb"
        }
    }

    /// Whether the terminal's character set draws Unicode block elements: the locale names UTF-8
    /// (LC_ALL, else LC_CTYPE, else LANG, as setlocale reads them).
    public static var unicode: Bool {
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { ProcessEnvironment.nonEmpty($0) }.first ?? ""
        return locale.uppercased().filter { $0 != "-" }.contains("UTF8")
    }

    /// Writes `text` to stdout, through the pager when it would not fit on the screen. `fromEnd`: the pager
    /// opens at the end of the text (the newest rows of a table), where the text would have ended on screen.
    public func write(_ text: String, fromEnd: Bool = false) {
        if isTerminal, Self.lineCount(text) >= Self.screenRows(),
           let command = Self.pagerCommand(ProcessEnvironment.value("PAGER"), fromEnd: fromEnd) {
            setenv("LESS", "FRX", 0)
            if let pager = popen(command, "w") {
                _ = text.withCString { fputs($0, pager) }
                pclose(pager)
                return
            }
        }
        _ = writeAll(1, Array(text.utf8))
    }

    /// The terminal's width, for cutting table lines; nil when stdout is not a terminal (pipes get everything).
    public var columns: Int? {
        guard isTerminal else { return nil }
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessEnvironment.nonEmpty("COLUMNS").flatMap(Int.init) ?? 80
    }

    static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    static func screenRows() -> Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return ProcessEnvironment.nonEmpty("LINES").flatMap(Int.init) ?? 24
    }

    /// The pager to run (by the shell): `$PAGER`, else `less`; an empty PAGER means none. When the pager is
    /// less (LESS=FRX unless set: colour passes, short output exits at once), `fromEnd` adds `+G`, which
    /// starts at the last line; other pagers get the text as it is.
    static func pagerCommand(_ pager: String?, fromEnd: Bool) -> String? {
        let command = pager ?? "less"
        let program = command.split(separator: " ").first?.split(separator: "/").last
        if command.allSatisfy(\.isWhitespace) { return nil }
        return fromEnd && program == "less" ? command + " +G" : command
    }
}

/// ANSI SGR colours for table cells.
public enum ANSIColour: String, Sendable {
    case red = "31", green = "32", yellow = "33", blue = "34", dim = "2", bold = "1"

    public func wrap(_ text: String) -> String { "\u{1B}[\(rawValue)m" + text + "\u{1B}[0m" }
}
