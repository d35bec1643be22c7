import CShims
import Glibc
import ShqRun
import ShqStore
import ShqSystem

/// The proxy's one relay thread: keys from the real terminal to the PTY, output from the PTY to the real
/// terminal (the private marks taken out, everything else byte for byte) and, between a command's start
/// and end marks, to the capture queue. Window size changes are copied to the PTY. It never waits on
/// anything but the two terminals: SQLite is the capture thread's business.
final class SessionRelay {
    /// After the shell ended, output quiet this long means it is all relayed (a background job may keep
    /// writing: at most `drainLimitMicros`).
    static let drainQuietMicros: Int64 = 50_000
    static let drainLimitMicros: Int64 = 1_000_000
    /// A held piece of a possible mark goes out as plain output when nothing follows within this.
    static let holdMillis: Int32 = 20
    /// After a hang-up, how long the shell gets to leave before the proxy leaves without it.
    static let hangUpWaitMillis: Int32 = 3_000

    private var terminal: TerminalMode
    private var master: Int32
    private let shell: pid_t
    private let signals: SignalReader
    private let capture: CommandCapture
    private var scanner: MarkScanner

    private var pendingInput: [UInt8] = []
    private var capturing = false
    /// The real terminal is gone: nothing to read from or write to it any more.
    private var hungUp = false
    private var ended: Termination?
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    init(terminal: TerminalMode, master: Int32, shell: pid_t, signals: SignalReader, capture: CommandCapture, nonce: String) {
        self.terminal = terminal
        self.master = master
        self.shell = shell
        self.signals = signals
        self.capture = capture
        scanner = MarkScanner(nonce: nonce)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit { buffer.deallocate() }

    /// Relays until the shell has ended and its output is drained; gives the terminal its settings back
    /// and returns how the shell ended.
    func run() -> Termination {
        // One set of poll entries for the whole session: nothing is allocated per keystroke.
        var fds = [pollfd](repeating: pollfd(), count: 3)
        while ended == nil {
            let readKeys = !hungUp && terminal.isRaw && pendingInput.count < 1 << 16
            fds[0] = pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0)
            fds[1] = pollfd(fd: master, events: Int16(POLLIN | (pendingInput.isEmpty ? 0 : POLLOUT)), revents: 0)
            fds[2] = pollfd(fd: readKeys ? 0 : -1, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, nfds_t(fds.count), scanner.isHolding ? Self.holdMillis : -1)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready == 0 { scanner.flush(handle) }
            if fds[0].revents != 0 { handleSignals() }
            if fds[1].revents & Int16(POLLOUT) != 0 { writeInput() }
            if fds[1].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { relayOutput() }
            if fds[2].revents != 0 { readInput() }
        }
        drain()
        scanner.flush(handle)
        terminal.restore()
        return ended ?? .exited(1)
    }

    // MARK: Output

    private func relayOutput() {
        let count = read(master, buffer.baseAddress, buffer.count)
        if count <= 0 {
            if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
            // EIO: no process holds the PTY any more (the proxy keeps the slave open, so only after a
            // hang-up). Wait for the shell's end.
            if ended == nil { waitForShell(timeoutMillis: Self.hangUpWaitMillis) }
            return
        }
        scanner.scan(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), handle)
    }

    private func handle(_ piece: MarkScanner.Piece) {
        switch piece {
        case .output(let bytes, let captured):
            if !hungUp, writeAll(1, bytes) != 0 { hangUp(terminalGone: true) }
            if capturing && captured { capture.append(bytes) }
        case .mark(.commandStart):
            capturing = true
            capture.begin()
        case .mark(.commandEnd(let key)):
            guard capturing else { return }  // an end without a start: nothing to store
            capturing = false
            capture.end(key: key)
        }
    }

    /// After the shell ended: what it (or a job it left behind) still writes, until quiet.
    private func drain() {
        let start = MonotonicClock.now()
        var last = start
        while !hungUp {
            let now = MonotonicClock.now()
            if now - last >= Self.drainQuietMicros || now - start >= Self.drainLimitMicros { break }
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, Int32((Self.drainQuietMicros - (now - last)) / 1000) + 1) > 0 else { continue }
            let count = read(master, buffer.baseAddress, buffer.count)
            if count <= 0 { break }
            last = MonotonicClock.now()
            scanner.scan(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), handle)
        }
    }

    // MARK: Input

    private func readInput() {
        let count = read(0, buffer.baseAddress, min(buffer.count, (1 << 16) - pendingInput.count))
        if count > 0 {
            var keys = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            if pendingInput.isEmpty {
                // The usual case: straight to the PTY; only what it cannot take now waits.
                let written = write(master, keys.baseAddress, keys.count)
                if written > 0 { keys = UnsafeRawBufferPointer(rebasing: keys[written...]) }
            }
            pendingInput += keys
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            hangUp(terminalGone: true)
        }
    }

    private func writeInput() {
        let written = pendingInput.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        if written > 0 { pendingInput.removeFirst(written) }
    }

    // MARK: Signals and the end

    private func handleSignals() {
        while let received = signals.next() {
            switch received.signal {
            case SIGWINCH:
                terminal.copySize(to: master)
            case SIGCHLD:
                reapShell()
            case SIGHUP:
                hangUp(terminalGone: true)
            case SIGTERM:
                hangUp(terminalGone: false)
            default:
                break  // keys arrive as bytes (raw mode); nothing else is meant for the proxy
            }
        }
    }

    private func reapShell() {
        var status: Int32 = 0
        guard waitpid(shell, &status, WNOHANG) == shell else { return }
        // Without WUNTRACED only an exit or a signal ends the wait.
        ended = shq_wifsignaled(status) != 0 ? .signaled(shq_wtermsig(status)) : .exited(shq_wexitstatus(status))
    }

    /// The real terminal hung up (or the proxy was told to end): the shell gets a hang-up exactly as
    /// when a terminal window closes — the PTY's master is closed, so the kernel sends SIGHUP to its
    /// session — and the proxy waits (bounded) for it to leave.
    private func hangUp(terminalGone: Bool) {
        guard !hungUp else { return }
        hungUp = true
        if terminalGone { terminal.abandonRaw() } else { terminal.restore() }
        capturing = false  // the unfinished command gets no end mark: nothing of it is stored
        close(master)
        master = -1
        waitForShell(timeoutMillis: Self.hangUpWaitMillis)
    }

    private func waitForShell(timeoutMillis: Int32) {
        let deadline = MonotonicClock.now() + Int64(timeoutMillis) * 1000
        while ended == nil {
            reapShell()
            let left = deadline - MonotonicClock.now()
            if ended != nil || left <= 0 { break }
            signals.waitReadable(timeoutMillis: Int32(left / 1000) + 1)
            while signals.next() != nil {}
        }
        if ended == nil { ended = .signaled(SIGHUP) }
    }
}
