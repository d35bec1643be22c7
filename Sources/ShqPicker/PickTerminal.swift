import CShims
import Glibc
import ShqRun
import ShqSystem

/// The picker's terminal: `/dev/tty` in raw mode, drawn on inline below the prompt line (like
/// `fzf --height`) or on the alternate screen. Every way out goes through `close()`, which clears what was
/// drawn and gives the terminal its settings back exactly.
///
/// Inline drawing: `height` newlines reserve the rows below the cursor (the terminal scrolls when the
/// prompt is near the bottom), the cursor goes back up to the prompt line and is saved there (DECSC);
/// frames are drawn relative to it, and leaving restores it (DECRC) and clears below. Raw mode leaves
/// OPOST off, so `\n` only moves down (the column stays) and lines end in `\r\n`.
public final class PickTerminal {
    public let fd: Int32
    private var mode: TerminalMode
    /// The share of the terminal's rows to use inline (percent), or a number of rows (`heightRows`).
    private let heightPercent: Int?
    private let heightRows: Int?
    private let forceFullScreen: Bool
    public private(set) var columns = 80
    public private(set) var rows = 24
    public private(set) var height = 8
    public private(set) var fullScreen = false
    private var drawn = false

    /// Opens the controlling terminal; nil (with the reason) when there is none.
    public init(heightPercent: Int?, heightRows: Int?, fullScreen: Bool) throws {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw PickFailure("cannot open the terminal (/dev/tty): \(errnoDescription(errno))") }
        guard let mode = TerminalMode(fd: fd) else {
            Glibc.close(fd)
            throw PickFailure("/dev/tty is not this process's controlling terminal")
        }
        self.fd = fd
        self.mode = mode
        self.heightPercent = heightPercent
        self.heightRows = heightRows
        self.forceFullScreen = fullScreen
    }

    /// Raw mode and the space to draw in.
    public func start() {
        mode.enterRaw()
        measure()
        if fullScreen {
            write("\u{1B}[?1049h\u{1B}[H\u{1B}[2J")
        } else {
            write(String(repeating: "\n", count: height) + "\u{1B}[\(height)A\u{1B}7")
        }
        drawn = true
    }

    /// The window's size and the height drawn in; full screen when the inline height does not fit.
    private func measure() {
        var size = winsize()
        if shq_pty_get_size(fd, &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            columns = Int(size.ws_col)
            rows = Int(size.ws_row)
        }
        let wanted = heightRows ?? max(rows * (heightPercent ?? 40) / 100, 8)
        fullScreen = forceFullScreen || wanted > rows - 1
        height = fullScreen ? rows : wanted
    }

    /// Draws a frame: `lines` (at most `height`), the cursor on line 0 at `cursorColumn`.
    public func draw(_ lines: [String], cursorColumn: Int) {
        var out = "\u{1B}[?25l"
        if fullScreen {
            out += "\u{1B}[H"
            for (index, line) in lines.enumerated() { out += (index > 0 ? "\r\n" : "") + "\u{1B}[2K" + line }
            out += "\u{1B}[H"
        } else {
            out += "\u{1B}8"
            for line in lines { out += "\r\n\u{1B}[2K" + line }
            out += "\u{1B}8\r\n"
        }
        if cursorColumn > 0 { out += "\u{1B}[\(cursorColumn)C" }
        out += "\u{1B}[?25h"
        write(out)
    }

    /// The window changed size: clear what was drawn, measure again, take the space again.
    public func resized() {
        clearDrawn()
        start()
    }

    /// Clears the picker's rows and returns the cursor where it was; the terminal stays raw.
    private func clearDrawn() {
        guard drawn else { return }
        drawn = false
        write(fullScreen ? "\u{1B}[?1049l" : "\u{1B}8\r\n\u{1B}[J\u{1B}8\u{1B}[?25h")
    }

    /// Clears and restores the terminal's settings (for Ctrl-Z, before stopping; `start()` after).
    public func suspend() {
        clearDrawn()
        mode.restore()
    }

    /// Back to the user's terminal, exactly as it was.
    public func close() {
        clearDrawn()
        mode.restore()
        Glibc.close(fd)
    }

    /// Reads what the terminal has (after poll said it is readable); empty at end of file or error.
    public func read() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(fd, &buffer, buffer.count)
            if count > 0 { return Array(buffer[0..<count]) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            return []
        }
    }

    private func write(_ text: String) { _ = writeAll(fd, Array(text.utf8)) }
}

/// Why the picker could not run: `shq: pick: <message>`.
public struct PickFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
