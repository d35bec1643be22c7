import CShims
import Glibc
import ShqStore
import ShqSystem

/// The caller side of `shq run --pty`, one thread: keys from the real terminal to the PTY master,
/// output from the master to the real terminal and the store (one `pty` stream), the monitor's reports,
/// and the signals that reach shq. The real terminal is raw only while shq's job is in the foreground.
final class PtyRelay {
    /// Output quiet this long before a stop counts as fully relayed (as in pipe mode).
    static let drainQuietMicros: Int64 = 25_000
    static let drainLimitMicros: Int64 = 1_000_000
    /// How often a job running in the background checks whether `fg` gave it the terminal: bash and
    /// zsh send no SIGCONT when `fg` picks a job that is already running.
    static let foregroundCheckMillis: Int32 = 100

    private var terminal: TerminalMode
    private let master: Int32
    private let report: Int32
    private let control: Int32
    private let signals: SignalReader
    private let recorder: StoreRecorder
    private var cap: CaptureCap

    private(set) var child: pid_t?
    private var reportBuffer: [UInt8] = []
    private var pendingInput: [UInt8] = []
    private var readingInput = true
    private var relayingOutput = true
    private var masterOpen = true
    /// The real terminal is gone (SIGHUP, EIO): nothing to relay, restore or stop for any more.
    private var hungUp = false
    private var lastOutput = MonotonicClock.now()
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)

    init(terminal: TerminalMode, master: Int32, report: Int32, control: Int32, signals: SignalReader, recorder: StoreRecorder, cap: CaptureCap) {
        self.terminal = terminal
        self.master = master
        self.report = report
        self.control = control
        self.signals = signals
        self.recorder = recorder
        self.cap = cap
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit { buffer.deallocate() }

    var isTruncated: Bool { cap.isTruncated }

    /// Relays until the command has ended (or could not start); returns how it ended and, for a spawn
    /// failure, the errno.
    func run() -> (Termination?, spawnError: Int32?) {
        while true {
            var fds = [
                pollfd(fd: signals.fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: report, events: Int16(POLLIN), revents: 0),
                pollfd(fd: masterOpen ? master : -1, events: Int16(POLLIN | (pendingInput.isEmpty ? 0 : POLLOUT)), revents: 0),
                pollfd(fd: terminal.isRaw && readingInput && pendingInput.count < 1 << 16 ? terminal.fd : -1, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&fds, nfds_t(fds.count), terminal.isRaw ? -1 : Self.foregroundCheckMillis) < 0 {
                if errno == EINTR { continue }
                return (nil, nil)
            }
            handleSignals()
            if fds[2].revents & Int16(POLLOUT) != 0 { writeInput() }
            if fds[2].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { relayOutput() }
            if fds[3].revents != 0 { readInput() }
            if fds[1].revents != 0 {
                let count = read(report, buffer.baseAddress, 256)
                if count == 0 || (count < 0 && errno != EINTR) { return (nil, nil) }  // the monitor died without a word
                reportBuffer += UnsafeRawBufferPointer(rebasing: buffer[0..<max(count, 0)])
                for message in PtyReport.take(from: &reportBuffer) {
                    switch message {
                    case .started(let pid):
                        child = pid
                        recorder.submit(.child(pid: pid, startTicks: ChildProcess.startTicks(of: pid)))
                    case .spawnFailed(let error): return (nil, error)
                    case .stopped(let signal): suspend(with: signal)
                    case .continued: break
                    case .ended(let termination): return (termination, nil)
                    }
                }
            }
            if !terminal.isRaw, !hungUp, child != nil, terminal.isForeground { takeForeground() }
        }
    }

    /// After the command ended: relay what is left until the PTY has been quiet for `quietMicros` (a
    /// background grandchild may keep it open), then give the user's terminal settings back.
    func finish(quietMicros: Int64) {
        drain(quietMicros: quietMicros, limitMicros: .max)
        terminal.restore()
    }

    /// Relays output until there has been none for `quietMicros` (counted from now at the earliest: the
    /// kernel moves bytes from the PTY's slave side to the master asynchronously), for at most
    /// `limitMicros` (a command that keeps writing from another process must not hold shq forever).
    private func drain(quietMicros: Int64, limitMicros: Int64) {
        let start = MonotonicClock.now()
        while masterOpen {
            let now = MonotonicClock.now()
            let quietFor = now - max(start, lastOutput)
            if quietFor >= quietMicros || now - start >= limitMicros { break }
            var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, Int32((quietMicros - quietFor) / 1000) + 1) > 0 { relayOutput() }
        }
    }

    // MARK: Output and input

    private func relayOutput() {
        let count = read(master, buffer.baseAddress, buffer.count)
        if count < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            masterOpen = false  // EIO: every process closed the PTY
            return
        }
        if count == 0 { masterOpen = false; return }
        lastOutput = MonotonicClock.now()
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
        if relayingOutput, writeAll(1, chunk) != 0 {
            hangUp()  // the screen is gone: keep capturing what is left, stop relaying
        }
        let (head, tail) = cap.split(count)
        if head > 0 { recorder.submit(.output(.pty, Array(chunk[0..<head]))) }
        if tail > 0 { recorder.submitTail(.pty, UnsafeRawBufferPointer(rebasing: chunk[head...])) }
    }

    private func readInput() {
        let count = read(terminal.fd, buffer.baseAddress, min(buffer.count, (1 << 16) - pendingInput.count))
        if count > 0 {
            let keys = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            noteInterruptKeys(in: keys)
            pendingInput += keys
            writeInput()
        } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
            hangUp()
        }
    }

    /// The signal of the last interrupt or quit key typed (as the PTY's settings define them), and when.
    private(set) var typedSignal: (signal: Int32, at: Int64)?

    /// Notes Ctrl-C / Ctrl-\ (or whatever VINTR / VQUIT are) when the PTY turns them into signals.
    private func noteInterruptKeys(in keys: UnsafeRawBufferPointer) {
        var settings = termios()
        guard tcgetattr(master, &settings) == 0, settings.c_lflag & tcflag_t(ISIG) != 0 else { return }
        let (interrupt, quit) = (settings.c_cc.0, settings.c_cc.1)  // VINTR, VQUIT
        if interrupt != 0, keys.contains(interrupt) { typedSignal = (SIGINT, MonotonicClock.now()) }
        if quit != 0, keys.contains(quit) { typedSignal = (SIGQUIT, MonotonicClock.now()) }
    }

    private func writeInput() {
        let written = pendingInput.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        if written > 0 { pendingInput.removeFirst(written) }
    }

    // MARK: Job control

    private func handleSignals() {
        while let received = signals.next() {
            switch received.signal {
            case SIGWINCH:
                terminal.copySize(to: master)
            case SIGCONT:
                // Continued by someone else after a stop shq did not make (kill -STOP, SIGTTOU): if the
                // terminal went back to the shell meanwhile, it holds the shell's settings now.
                if terminal.isRaw && !terminal.isForeground {
                    terminal.abandonRaw()
                    send(.background)
                }
            case SIGHUP:
                // The terminal hung up, or the shell is exiting and hangs up its jobs, or someone hangs
                // up shq: for a command on a terminal, all of these mean the terminal is gone.
                hangUp()
            case SIGINT, SIGQUIT, SIGTSTP:
                // Typed while the real terminal was not raw (a moment after `fg`): the command is on
                // another terminal and did not get it.
                if received.fromUser { forwardIfAimedAtShq(received) } else if let child { kill(-child, received.signal) }
            case SIGCHLD:
                break  // the monitor reports first; its end shows as end of file on the report pipe
            default:
                forwardIfAimedAtShq(received)
            }
        }
    }

    /// `kill PID` of shq is meant for the command (pipe mode's rule, `JobSignals.action`).
    private func forwardIfAimedAtShq(_ received: SignalReader.Received) {
        guard let child else { return }
        let senderGroup = getpgid(received.sender)
        let action = JobSignals.action(
            signal: received.signal, fromUser: received.fromUser, senderGroup: senderGroup == -1 ? nil : senderGroup,
            child: child, sender: received.sender, ownGroup: getpgrp())
        if action == .forward {
            kill(child, received.signal)
            recorder.submit(.event(LifecycleEvent(.forwarded, signal: received.signal)))
        }
    }

    /// The command stopped inside the PTY: show everything it wrote, give the user's settings back, then
    /// stop shq with the same signal so the shell sees the job stopped; when continued, put the command
    /// back in the PTY's foreground or background to match where shq now is.
    private func suspend(with signal: Int32) {
        guard !hungUp else {
            send(.hangUp)  // no job to stop any more: it stopped on its way out, let it go on
            return
        }
        drain(quietMicros: Self.drainQuietMicros, limitMicros: Self.drainLimitMicros)
        terminal.restore()
        recorder.submit(.event(LifecycleEvent(.stopped, signal: signal)))
        recorder.sync(timeoutMicros: 300_000)
        shq_discard_pending(signal)
        // Ctrl-Z stops the whole foreground job (a script that ran shq stops too, as it would have);
        // a stop from reading the terminal in the background stops only the reader.
        if signal == SIGTSTP { shq_stop_job(signal) } else { shq_stop_self(signal) }
        recorder.submit(.event(LifecycleEvent(.resumed)))
        terminal.refreshSaved()
        terminal.copy(to: master)
        if terminal.isForeground {
            terminal.enterRaw()
            send(.foreground)
        } else {
            send(.background)
        }
    }

    /// `fg` gave shq's job the terminal while the command ran in the PTY's background.
    private func takeForeground() {
        terminal.refreshSaved()
        terminal.copy(to: master)
        terminal.enterRaw()
        if terminal.isRaw { send(.foreground) }
    }

    /// The real terminal hung up: have the monitor send the command's group SIGHUP (and SIGCONT), as
    /// a terminal hangup would; then keep capturing until it ends. The terminal's settings died with it.
    private func hangUp() {
        guard !hungUp else { return }
        hungUp = true
        readingInput = false
        relayingOutput = false
        terminal.abandonRaw()
        send(.hangUp)
    }

    private func send(_ request: PtyControl) {
        _ = writeAll(control, [request.rawValue])
    }
}
