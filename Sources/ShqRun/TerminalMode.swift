import CShims
import Glibc

/// The user's real terminal as `shq run --pty` sees it: its settings (saved, made raw while shq relays
/// keys to the PTY, restored exactly), its size, and whether shq's job owns it right now.
///
/// tcsetattr from a background process stops it with SIGTTOU, so nothing here changes the terminal
/// unless shq is in the foreground; reading settings and size is allowed from the background.
public struct TerminalMode {
    public let fd: Int32
    /// The settings the user had (the shell hands them over cooked); what the terminal returns to.
    public private(set) var saved = termios()
    public private(set) var isRaw = false

    /// The terminal on `fd` when it is shq's controlling terminal (so job control applies), else nil.
    public init?(fd: Int32) {
        guard isatty(fd) == 1, tcgetpgrp(fd) > 0 else { return nil }
        self.fd = fd
        guard tcgetattr(fd, &saved) == 0 else { return nil }
    }

    /// True when shq's process group is the terminal's foreground group.
    public var isForeground: Bool { tcgetpgrp(fd) == getpgrp() }

    /// Re-reads the user's settings (they may have run `stty` while shq was stopped). Only meaningful
    /// while not raw: in raw mode the terminal holds shq's settings, not the user's.
    public mutating func refreshSaved() {
        guard !isRaw else { return }
        var current = termios()
        if tcgetattr(fd, &current) == 0 { saved = current }
    }

    /// Raw mode: every byte (Ctrl-C, Ctrl-Z included) reaches shq, which passes it to the PTY, whose own
    /// line discipline then acts on it with the program's settings. No-op unless in the foreground.
    public mutating func enterRaw() {
        guard !isRaw, isForeground else { return }
        var raw = saved
        cfmakeraw(&raw)  // also VMIN 1, VTIME 0: a read returns as soon as one byte is there
        if tcsetattr(fd, TCSADRAIN, &raw) == 0 { isRaw = true }
    }

    /// Back to the user's settings. TCSADRAIN, not TCSAFLUSH: keys typed ahead stay for the shell,
    /// as they would without shq. Does nothing to a terminal shq no longer owns.
    public mutating func restore() {
        guard isRaw else { return }
        isRaw = false
        guard isForeground else { return }
        _ = tcsetattr(fd, TCSADRAIN, &saved)
    }

    /// Forgets raw mode without touching the terminal: shq lost the foreground while raw (stopped by
    /// someone else, continued with `bg`); the shell has since put its own settings back.
    public mutating func abandonRaw() { isRaw = false }

    /// Gives the PTY (through its master) the user's settings and this terminal's size.
    public func copy(to master: Int32) {
        var settings = saved
        _ = tcsetattr(master, TCSANOW, &settings)
        copySize(to: master)
    }

    /// Copies the window size; the kernel sends SIGWINCH to the PTY's foreground group when it changed.
    public func copySize(to master: Int32) {
        var size = winsize()
        if shq_pty_get_size(fd, &size) == 0 { _ = shq_pty_set_size(master, &size) }
    }
}
