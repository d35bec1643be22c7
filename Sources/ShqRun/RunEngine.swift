import CShims
import Glibc
import ShqPrivacy
import ShqStore
import ShqSystem

/// `shq run`: records the command, spawns it in shq's own process group, relays and captures its
/// output, follows it through stops and continues, and leaves exactly as it did.
/// Requires `JobSignals.blockAtStartup()` to have run first thing in `main`.
public enum RunEngine {
    /// Quiet output for this long after the command ended means it is done, even if a background
    /// grandchild still holds the pipe open (`bash -c 'sleep 9 & echo hi'` must not wait 9 s).
    static let exitQuietMicros: Int64 = 200_000

    public static func run(_ request: RunRequest) -> Never {
        let faults = FaultReporter()
        let startedAt = Timestamp.now()
        let startedMono = MonotonicClock.now()
        // Opening the store takes longer than everything else before the spawn: it starts first. (With
        // SHQ_DISABLED nothing is recorded, and the store is not touched.)
        let opener = IgnoreRules.current.disabled ? nil : StoreOpener(location: request.location)
        guard let signals = SignalReader() else {
            fatal("cannot read signals: \(errnoDescription(errno))")
        }
        let environment = ChildEnvironment.build(forceColor: request.forceColor)
        let pty = PtySetup.prepare(request.settings.pty)

        var recording: RecordTarget?
        if let opener, case .record(let text) = RecordingPolicy.decide(request.commandText, entryPoint: .run, forceCapture: request.forceCapture) {
            recording = RecordTarget.create(text, request: request, opener: opener, startedAt: startedAt, faults: faults)
        }
        handleSignalsBeforeSpawn(signals, recording: recording, startedAt: startedAt, startedMono: startedMono)

        guard let recording else {
            // Nothing to record: become the command, which is as invisible as a wrapper can be.
            opener?.wait()
            let argv = CStringArray(request.arguments)
            let envp = CStringArray(environment)
            let error = shq_exec(argv.pointers[0], argv.pointers, envp.pointers)
            reportSpawnFailure(request.arguments[0], ChildProcess.SpawnFailure(errno: error), recorder: nil)
            exit(ChildProcess.SpawnFailure(errno: error).exitCode)
        }

        if let pty {
            PtyEngine.run(request, setup: pty, recording: recording, signals: signals, environment: environment, faults: faults, startedMono: startedMono)
        }
        let cap = CaptureCap(bytes: request.settings.captureCap)
        let recorder = StoreRecorder(target: recording, cap: cap, faults: faults, redactOutput: request.settings.redactOutput)
        recorder.start()
        let stdoutPipe = makePipe(), stderrPipe = makePipe(), wakePipe = makePipe()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(request.arguments, environment: environment, stdout: stdoutPipe.write, stderr: stderrPipe.write)
        } catch {
            reportSpawnFailure(request.arguments[0], error, recorder: recorder)
            let ended = Timestamp.now()
            recorder.finish(.exited(error.exitCode), endedAt: ended, durationMicros: MonotonicClock.now() - startedMono, truncated: [])
            exit(error.exitCode)
        }
        close(stdoutPipe.write)
        close(stderrPipe.write)
        recorder.submit(.child(pid: child.pid, startTicks: ChildProcess.startTicks(of: child.pid)))

        let relayEnded = Condition()
        let relays = [
            StreamRelay(stream: .stdout, pipe: stdoutPipe.read, target: 1, wake: wakePipe.read, endSignal: relayEnded, recorder: recorder, cap: cap),
            StreamRelay(stream: .stderr, pipe: stderrPipe.read, target: 2, wake: wakePipe.read, endSignal: relayEnded, recorder: recorder, cap: cap),
        ]
        for relay in relays { relay.start() }

        let termination = follow(child, signals: signals, suspend: SuspendSelf(child: child, relays: relays, recorder: recorder), recorder: recorder)
        let endedAt = Timestamp.now()
        let endedMono = MonotonicClock.now()

        // Let the relays finish: end of file on both pipes, or quiet since the command ended.
        relayEnded.locked {
            while !relays.allSatisfy({ $0.isQuiet(for: exitQuietMicros, since: endedMono) }) {
                // Woken as soon as a relay ends (usually both pipes reach end of file right after the
                // exit); the timeout is for the quiet check.
                relayEnded.wait(microseconds: 1_000)
            }
        }
        _ = writeAll(wakePipe.write, [1])
        for relay in relays { relay.join() }
        let truncated = Set(relays.filter(\.isTruncated).map(\.stream))
        recorder.finish(termination, endedAt: endedAt, durationMicros: endedMono - startedMono, truncated: truncated)
        ExitMirror.leave(termination)
    }

    /// The main loop: reads signals until the command has ended. Stops shq with the command, forwards
    /// signals aimed at shq alone, records every transition.
    static func follow(_ child: ChildProcess, signals: SignalReader, suspend: SuspendSelf, recorder: StoreRecorder) -> Termination {
        let ownGroup = getpgrp()
        // After suspend() the command's one "continued" report is expected; any other one means a stop
        // shq did not see coming.
        var expectContinued = false
        while true {
            while let received = signals.next() {
                let senderGroup = received.fromUser ? getpgid(received.sender) : nil
                let action = JobSignals.action(
                    signal: received.signal, fromUser: received.fromUser, senderGroup: senderGroup == -1 ? nil : senderGroup,
                    child: child.pid, sender: received.sender, ownGroup: ownGroup)
                if action == .forward {
                    kill(child.pid, received.signal)
                    recorder.submit(.event(LifecycleEvent(.forwarded, signal: received.signal)))
                }
            }
            // Checked on every wake-up, not only on SIGCHLD: signals of one kind coalesce.
            while let change = child.poll() {
                switch change {
                case .stopped(let signal):
                    suspend.suspend(with: signal)
                    expectContinued = true
                case .continued where expectContinued:
                    expectContinued = false
                case .continued:
                    // Not stopped through suspend(): the kernel stopped shq's whole group at once (a
                    // background read or, with tostop, write), so shq could not record the stop before it
                    // happened. Record it now, its signal unknown.
                    recorder.submit(.event(LifecycleEvent(.stopped)))
                    recorder.submit(.event(LifecycleEvent(.resumed)))
                case .ended(let termination):
                    return termination
                }
            }
            signals.waitReadable(timeoutMillis: -1)
        }
    }

    /// Signals that arrived before the command started: Ctrl-C and friends mean "don't run it";
    /// Ctrl-Z means "not yet".
    static func handleSignalsBeforeSpawn(_ signals: SignalReader, recording: RecordTarget?, startedAt: Timestamp, startedMono: Int64) {
        while let received = signals.next() {
            switch received.signal {
            case SIGINT, SIGQUIT, SIGHUP, SIGTERM:
                recording?.markInterrupted(by: received.signal, durationMicros: MonotonicClock.now() - startedMono)
                ExitMirror.leave(.signaled(received.signal))
            case SIGTSTP:
                shq_stop_self(SIGTSTP)
            default:
                break
            }
        }
    }

    static func reportSpawnFailure(_ program: [UInt8], _ failure: ChildProcess.SpawnFailure, recorder: StoreRecorder?, stream: OutputStream = .stderr) {
        let reason = failure.errno == ENOENT ? "command not found" : errnoDescription(failure.errno)
        let message = Array("shq: ".utf8) + program + Array(": \(reason)\n".utf8)
        _ = writeAll(2, message)
        recorder?.submit(.output(stream, message))
    }

    static func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        guard shq_pipe_cloexec(&fds) == 0 else { fatal("cannot create a pipe: \(errnoDescription(errno))") }
        _ = shq_set_pipe_size(fds[0], Int32(StreamRelay.readSize))
        return (fds[0], fds[1])
    }

    static func fatal(_ message: String) -> Never {
        _ = writeAll(2, Array("shq: \(message)\n".utf8))
        exit(125)
    }
}
