import CShims
import Glibc
import ShqStore
import ShqSystem

/// What shq does when the command stops: make the shell see shq stopped, with the same signal, after all
/// of the command's output is on the screen — then continue the command when shq is continued.
///
/// The shell waits only on shq, so a job is "Stopped" only when shq is; zsh words its message after the
/// signal ("suspended (tty input)" for SIGTTIN), which is why shq stops with the command's own signal.
struct SuspendSelf {
    /// Output quiet this long counts as fully relayed (design: 20–30 ms).
    static let drainQuietMicros: Int64 = 25_000
    /// A command that keeps writing from another process while stopped must not delay the stop forever.
    static let drainLimitMicros: Int64 = 1_000_000

    let child: ChildProcess
    let relays: [StreamRelay]
    let recorder: StoreRecorder?

    func suspend(with signal: Int32) {
        // (a) Relay what the command wrote before stopping, or it lands after the shell's "Stopped" line.
        let deadline = MonotonicClock.now() + Self.drainLimitMicros
        while !relays.allSatisfy({ $0.isQuiet(for: Self.drainQuietMicros) }) && MonotonicClock.now() < deadline {
            usleep(2_000)
        }
        // (b) Commit the output and the event, so `shq show` and `shq jobs` are current while stopped.
        recorder?.submit(.event(LifecycleEvent(.stopped, signal: signal)))
        recorder?.sync(timeoutMicros: 300_000)
        // (c) A terminal Ctrl-Z also sent shq a SIGTSTP, still pending: delivered after the resume it
        // would stop shq a second time.
        shq_discard_pending(signal)
        // (d) Stop here; returns when the shell continues shq (fg/bg send SIGCONT to the whole group).
        shq_stop_self(signal)
        // (e) A no-op when the shell continued the group; needed when only shq was continued.
        kill(child.pid, SIGCONT)
        recorder?.submit(.event(LifecycleEvent(.resumed)))
    }
}
