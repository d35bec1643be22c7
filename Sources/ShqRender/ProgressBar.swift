import Glibc
import ShqStore
import ShqSystem

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
public struct ProgressBar {
    let label: String
    let enabled: Bool
    var drawn = false

    public init(label: String, fd: Int32 = 2) {
        self.label = label
        self.enabled = isatty(fd) == 1
    }

    public mutating func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        _ = writeAll(2, Array("\r\(label) [\(bar)] \(done * 100 / total)% \(done)/\(total)".utf8))
        drawn = true
    }

    /// Clears the bar's line.
    public mutating func finish() {
        if drawn { _ = writeAll(2, Array("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
