import Glibc
import ShqSystem

/// Output written as it is produced (`shq grep` prints its first hit before the search ends), with the
/// pager `TerminalOutput.write` uses: on a terminal, the first screenful is held back; once the text is
/// taller than the screen, the pager starts with it and gets the rest as it comes. Not on a terminal,
/// every write goes straight out. A reader that went away (`| head`, quitting the pager) makes `write`
/// return false; SIGPIPE is ignored so that is an answer, not a death.
public final class StreamingOutput {
    private let terminal: TerminalOutput
    private var held: [UInt8] = []
    private var heldLines = 0
    private let screenRows: Int
    private var pager: UnsafeMutablePointer<FILE>?
    private var pagerFailed = false
    public private(set) var readerGone = false

    public init(_ terminal: TerminalOutput) {
        self.terminal = terminal
        screenRows = terminal.isTerminal ? TerminalOutput.screenRows() : 0
        signal(SIGPIPE, SIG_IGN)
    }

    /// Writes `bytes`; false once the reader is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        if readerGone { return false }
        if let pager {
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, pager) }
            if written < bytes.count { readerGone = true }
            return !readerGone
        }
        guard terminal.isTerminal, !pagerFailed else { return direct(bytes) }
        held += bytes
        heldLines += bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        if heldLines >= screenRows { startPager() }
        return !readerGone
    }

    public func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Flushes what is held, waits for the pager to end.
    public func finish() {
        if let pager {
            pclose(pager)
            self.pager = nil
        } else if !held.isEmpty {
            _ = direct(held)
        }
        held = []
    }

    private func startPager() {
        guard let command = TerminalOutput.pagerCommand(ProcessEnvironment.value("PAGER"), fromEnd: false) else {
            pagerFailed = true
            _ = direct(held)
            held = []
            return
        }
        setenv("LESS", "FRX", 0)
        guard let opened = popen(command, "w") else {
            pagerFailed = true
            _ = direct(held)
            held = []
            return
        }
        pager = opened
        let pending = held
        held = []
        _ = write(pending)
        fflush(opened)
    }

    private func direct(_ bytes: [UInt8]) -> Bool {
        if writeAll(1, bytes) != 0 { readerGone = true }
        return !readerGone
    }
}
