import Glibc
import ShqStore

/// `shq kill`: a signal for the command of a recorded job, from any terminal of the machine.
///
/// The signal goes to the command itself, not to the wrapper: the wrapper sees what happens to its child
/// (stopped, continued, killed) and mirrors it to its shell exactly as it does for terminal signals, and
/// signals the wrapper cannot catch (KILL, STOP) still reach the command.
public enum JobKill {
    /// Why a job was not signalled.
    public enum Refusal: Error, Sendable {
        /// Recorded on another machine: its pids mean nothing here.
        case otherHost(String)
        /// The record has ended (completed, failed, orphaned with its command gone…).
        case ended(Invocation)
        /// The process belongs to another user.
        case otherUser(uid_t)
        /// The signal could not be sent (errno).
        case failed(Int32)
    }

    /// What was done, and what the job looked like shortly after.
    public struct Report: Sendable {
        public var before: Invocation
        public var signal: Int32
        public var target: ProcessIdentity
        /// The job was stopped and the signal needs it running to act: SIGCONT followed, as bash's
        /// `kill %N` does for TERM and HUP.
        public var continued: Bool
        /// The record after the job reacted (or after `settleMicros` without a change).
        public var after: Invocation
    }

    /// Signals that a stopped job must be continued for. bash 5.2 `kill %N` sends SIGCONT after TERM and
    /// HUP (measured: a pending INT then acts too); KILL acts on a stopped process, but the stopped
    /// wrapper must run to reap it and end as the command did; CONT is the resume itself.
    static let continueAfter: Set<Int32> = [SIGTERM, SIGHUP, SIGKILL, SIGCONT]

    public static func send(
        _ signal: Int32, to invocation: Invocation, registry: JobRegistry, settleMicros: Int64 = 2_000_000
    ) throws -> Report {
        guard registry.isLocal(invocation) else { throw Refusal.otherHost(invocation.host ?? "?") }
        let job = Job(invocation: invocation, events: [], isVerified: true)
        // Before the command is spawned only the wrapper exists; it forwards what it is sent (or, for a
        // signal that arrives before the spawn, records it and never starts the command).
        let candidates = invocation.status.isLive ? [job.command ?? job.wrapper] : [job.command]
        guard let target = candidates.compactMap({ $0 }).first, let snapshot = target.snapshot() else {
            throw Refusal.ended(invocation)
        }
        if let owner = ProcessSnapshot.realUserID(of: target.pid), owner != getuid() { throw Refusal.otherUser(owner) }

        let sentAt = Timestamp.now()  // before the wrapper can record what the signal did
        let result = target.send(signal)
        if result == ESRCH { throw Refusal.ended(invocation) }
        if result != 0 { throw result == EPERM ? Refusal.otherUser(ProcessSnapshot.realUserID(of: target.pid) ?? 0) : Refusal.failed(result) }

        let stopped = snapshot.isStopped || invocation.status == .stopped
        let continued = stopped && continueAfter.contains(signal)
        if continued {
            if signal != SIGCONT { _ = target.send(SIGCONT) }
            // The wrapper stopped itself with the command (that is how the shell sees the job stopped).
            if let wrapper = job.wrapper, wrapper != target { _ = wrapper.send(SIGCONT) }
        }
        try registry.store.db.writeTransaction { () throws in
            try registry.store.record(LifecycleEvent(.forwarded, at: sentAt, signal: signal), for: invocation.seq!)
        }
        // A stopped job continued so the signal can act resumes first: its end is what to report.
        let after = try settle(
            invocation, target: target, registry: registry, micros: settleMicros, passThroughResume: continued && signal != SIGCONT)
        return Report(before: invocation, signal: signal, target: target, continued: continued, after: after)
    }

    /// Polls the record until its status changes (the wrapper recorded the stop, resume or end) or
    /// `micros` pass; with `passThroughResume`, a resume is not the change waited for. A record whose
    /// wrapper is gone follows the command's process instead.
    static func settle(
        _ invocation: Invocation, target: ProcessIdentity, registry: JobRegistry, micros: Int64, passThroughResume: Bool = false
    ) throws -> Invocation {
        let deadline = Timestamp.now().microseconds + micros
        var current = invocation
        while true {
            if let fresh = try registry.store.invocation(seq: invocation.seq!) { current = fresh }
            if current.status.isLive, registry.liveness(of: current) == .gone {
                // The wrapper died with the command (it was the one signalled, or was killed alongside).
                try registry.markOrphaned(invocation.seq!)
                continue
            }
            if current.status != invocation.status, !(passThroughResume && current.status == .running) { return current }
            if !current.status.isLive && !target.isAlive { return current }
            if Timestamp.now().microseconds >= deadline { return current }
            usleep(20_000)
        }
    }
}
