import CShims
import Glibc

/// The job-control signals `shq run` reads synchronously instead of letting them act on it.
public enum JobSignals {
    /// Blocks {CHLD, INT, QUIT, TSTP, CONT, WINCH, HUP, TERM, USR1, USR2, PIPE}. Must be the first thing
    /// `main` does, before any thread exists: threads inherit the mask, and a signal delivered to a thread
    /// that doesn't block it would act before shq decides what to do with it.
    public static func blockAtStartup() {
        shq_block_job_signals()
    }

    /// What the main loop does with a signal that arrived at shq.
    enum Action: Equatable {
        case childChanged
        case forward
        case ignore
    }

    /// The forwarding rule. Terminal-generated signals (not SI_USER) reached the whole foreground group,
    /// the command included; signals sent by the command or by a process of shq's own group (vim and
    /// less send `kill(0, SIGTSTP)`) already reached it too. Anything else was aimed at shq alone
    /// (`kill PID`, `shq kill`) and is meant for the command.
    static func action(signal: Int32, fromUser: Bool, senderGroup: pid_t?, child: pid_t, sender: pid_t, ownGroup: pid_t) -> Action {
        switch signal {
        case SIGCHLD: return .childChanged
        case SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2:
            if !fromUser || sender == child || senderGroup == ownGroup { return .ignore }
            return .forward
        default:
            // CONT: the shell continues the group, the command included. WINCH: the terminal told the
            // whole foreground group. PIPE: shq's own writes report EPIPE instead.
            return .ignore
        }
    }
}

/// The signalfd over the blocked set: signals become readable records with their sender.
public struct SignalReader {
    public struct Received {
        public var signal: Int32
        public var fromUser: Bool
        public var sender: pid_t
    }

    public let fd: Int32

    public init?() {
        fd = shq_signalfd_open()
        if fd < 0 { return nil }
    }

    /// The next pending signal, or nil when none is pending.
    public func next() -> Received? {
        var info = shq_signal_info()
        guard shq_signalfd_read(fd, &info) == 1 else { return nil }
        return Received(signal: info.signo, fromUser: shq_signal_from_user(info.code) != 0, sender: info.pid)
    }

    /// Waits until a signal is pending or `timeoutMillis` passes (-1: no limit).
    public func waitReadable(timeoutMillis: Int32) {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, timeoutMillis)
    }
}
