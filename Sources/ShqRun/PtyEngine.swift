import CShims
import Glibc
import ShqStore
import ShqSystem

/// What `--pty` needs: shq's controlling terminal on stdin and stdout, and a fresh PTY pair.
struct PtySetup {
    var terminal: TerminalMode
    let master: Int32
    let slave: Int32

    /// Nil when the command should run with pipes: not asked for, or not possible (with a note when
    /// it was asked for explicitly). Stdout must be the terminal too: `shq run --pty ls | less` must
    /// give `ls` a pipe, as without shq, and must not read keys that belong to `less`.
    static func prepare(_ choice: PtyChoice) -> PtySetup? {
        guard choice != .off else { return nil }
        func fallback(_ why: String) -> PtySetup? {
            if choice == .requested { _ = writeAll(2, Array("shq: note: --pty: \(why); capturing through pipes\n".utf8)) }
            return nil
        }
        guard let terminal = TerminalMode(fd: 0) else { return fallback("stdin is not the controlling terminal") }
        var input = stat(), output = stat()
        guard isatty(1) == 1, fstat(0, &input) == 0, fstat(1, &output) == 0, input.st_rdev == output.st_rdev else {
            return fallback("stdout is not the terminal")
        }
        var master: Int32 = -1, slave: Int32 = -1
        let rc = shq_pty_open(&master, &slave)
        guard rc == 0 else { return fallback("cannot open a pseudo-terminal: \(errnoDescription(rc))") }
        return PtySetup(terminal: terminal, master: master, slave: slave)
    }
}

/// `shq run --pty`: the command runs on a PTY owned by a monitor process (see `PtyMonitor`), shq relays
/// between the PTY and the real terminal (see `PtyRelay`), records one merged `pty` stream, and leaves
/// as the command did. Recording, spawn-failure wording and exit mirroring are `RunEngine`'s.
enum PtyEngine {
    /// Output quiet this long after the command ended means it is done (as in pipe mode).
    static let exitQuietMicros: Int64 = 200_000
    /// A command that dies of SIGINT/SIGQUIT this soon after the key was typed died of the key.
    static let typedSignalWindowMicros: Int64 = 5_000_000

    static func run(
        _ request: RunRequest, setup: PtySetup, recording: RecordTarget, signals: SignalReader, environment: [[UInt8]],
        faults: FaultReporter, startedMono: Int64
    ) -> Never {
        let cap = CaptureCap(bytes: request.settings.captureCap)
        let recorder = StoreRecorder(target: recording, cap: cap, faults: faults, streams: [.pty], redactOutput: request.settings.redactOutput)
        recorder.start()
        var terminal = setup.terminal
        terminal.copy(to: setup.master)
        let foreground = terminal.isForeground
        // Raw before the command starts, so keys typed at once are not echoed by the real terminal.
        terminal.enterRaw()

        var report: [Int32] = [-1, -1], control: [Int32] = [-1, -1]
        guard shq_pipe_cloexec(&report) == 0, shq_pipe_cloexec(&control) == 0 else {
            terminal.restore()
            RunEngine.fatal("cannot create a pipe: \(errnoDescription(errno))")
        }
        let monitor = spawnMonitor(
            PtyMonitor.arguments(tty: setup.slave, report: report[1], control: control[0], foreground: foreground, command: request.arguments),
            environment: environment, keep: [setup.slave, report[1], control[0]])
        guard let monitor else {
            let error = errno
            terminal.restore()
            _ = writeAll(2, Array("shq: cannot start the PTY monitor: \(errnoDescription(error))\n".utf8))
            recorder.finish(.exited(125), endedAt: .now(), durationMicros: MonotonicClock.now() - startedMono, truncated: [])
            exit(125)
        }
        // Only the monitor and the command may hold the slave: the master then reports end of file
        // (EIO) once they and every process they started are gone.
        for fd in [setup.slave, report[1], control[0]] { close(fd) }

        let relay = PtyRelay(
            terminal: terminal, master: setup.master, report: report[0], control: control[1], signals: signals,
            recorder: recorder, cap: cap)
        let (ended, spawnError) = relay.run()
        let endedAt = Timestamp.now()
        let endedMono = MonotonicClock.now()
        relay.finish(quietMicros: exitQuietMicros)
        var status: Int32 = 0
        while waitpid(monitor, &status, 0) < 0 && errno == EINTR {}

        let termination: Termination
        if let ended {
            termination = ended
        } else if let spawnError {
            let failure = ChildProcess.SpawnFailure(errno: spawnError)
            RunEngine.reportSpawnFailure(request.arguments[0], failure, recorder: recorder, stream: .pty)
            termination = .exited(failure.exitCode)
        } else {
            _ = writeAll(2, Array("shq: the PTY monitor ended before the command\n".utf8))
            termination = .exited(125)
        }
        recorder.finish(termination, endedAt: endedAt, durationMicros: endedMono - startedMono, truncated: relay.isTruncated ? [.pty] : [])
        if case .signaled(let signal) = termination, let typed = relay.typedSignal, typed.signal == signal,
           endedMono - typed.at < typedSignalWindowMicros {
            // Typed at a terminal, Ctrl-C reaches the whole foreground job; in raw mode only the command
            // got it. A script that ran shq must get it too, or it goes on after the command died (T09).
            // Blocked here, it stays pending and kills shq itself in ExitMirror.
            kill(0, signal)
        }
        ExitMirror.leave(termination)
    }

    /// Starts `/proc/self/exe __pty-monitor …` in a new session; nil (errno set) on failure.
    private static func spawnMonitor(_ arguments: [[UInt8]], environment: [[UInt8]], keep: [Int32]) -> pid_t? {
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        let rc = keep.withUnsafeBufferPointer { fds in
            shq_pty_spawn_monitor(&pid, "/proc/self/exe", argv.pointers, envp.pointers, fds.baseAddress, Int32(fds.count))
        }
        guard rc == 0 else {
            errno = rc
            return nil
        }
        return pid
    }
}
