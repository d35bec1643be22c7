import Glibc
import ShqStore
import ShqSystem

/// A job as the registry sees it: a record the table calls live, checked against the OS.
public struct Job: Sendable {
    public var invocation: Invocation
    public var events: [LifecycleEvent]
    /// False for a job recorded on another machine: shown as recorded, its liveness unknowable here.
    public var isVerified: Bool

    /// The `shq run` process watching the command.
    public var wrapper: ProcessIdentity? {
        ProcessIdentity(pid: invocation.wrapperPID, startTicks: invocation.wrapperStartTicks)
    }

    /// The command itself (set once it has been spawned).
    public var command: ProcessIdentity? {
        ProcessIdentity(pid: invocation.pid, startTicks: invocation.pidStartTicks)
    }
}

/// The job registry: every invocation started through shq that is still running or stopped, from any
/// terminal of this machine. The table says what was recorded; the OS (pid + start time) says whether
/// it is still true.
public struct JobRegistry {
    public let store: Store
    let hostName: String

    public init(store: Store, hostName: String = ProcessEnvironment.hostName) {
        self.store = store
        self.hostName = hostName
    }

    /// What the OS says about a record the table calls live.
    public enum Liveness: Equatable, Sendable {
        case alive, gone
        /// Recorded on another machine, or without a process to check.
        case unknown
    }

    /// A record belongs to this machine when it names this host (or no host at all).
    public func isLocal(_ invocation: Invocation) -> Bool {
        invocation.host == nil || invocation.host == hostName
    }

    /// Whether the process watching a record is still there. The wrapper decides (it records the end);
    /// a record without a wrapper falls back to the command's own process.
    public func liveness(of invocation: Invocation) -> Liveness {
        guard isLocal(invocation) else { return .unknown }
        let watcher = ProcessIdentity(pid: invocation.wrapperPID, startTicks: invocation.wrapperStartTicks)
            ?? ProcessIdentity(pid: invocation.pid, startTicks: invocation.pidStartTicks)
        guard let watcher else { return .unknown }
        return watcher.isAlive ? .alive : .gone
    }

    /// Orphan recovery: every live record whose wrapper is gone (SIGKILL, crash, reboot) becomes
    /// `orphaned`, with an `orphaned` event. Output chunks it already committed stay readable. Returns the
    /// records it changed. Cheap when nothing is live: one read of a partial index.
    ///
    /// A command that outlived its wrapper gets SIGHUP (and SIGCONT if stopped), the hangup a terminal
    /// gives a session whose leader died: its shell already reported the job killed, nothing records its
    /// output any more, and no shell lists it, so it would otherwise linger unseen. A command that
    /// ignores SIGHUP (nohup) keeps running and stays listed by `shq jobs --all`.
    @discardableResult
    public func reconcile() throws -> [Invocation] {
        var orphaned: [Invocation] = []
        for record in try liveRecords() where liveness(of: record) == .gone {
            guard try markOrphaned(record.seq!) else { continue }
            orphaned.append(record)
            try hangUp(survivorOf: record)
        }
        return orphaned
    }

    private func hangUp(survivorOf record: Invocation) throws {
        guard let command = ProcessIdentity(pid: record.pid, startTicks: record.pidStartTicks),
              let snapshot = command.snapshot(), ProcessSnapshot.realUserID(of: command.pid) == getuid(),
              command.send(SIGHUP) == 0 else { return }
        if snapshot.isStopped { _ = command.send(SIGCONT) }
        try store.db.writeTransaction { () throws in
            try store.record(LifecycleEvent(.forwarded, signal: SIGHUP), for: record.seq!)
        }
    }

    /// Orphans one record if it is still live; false when its wrapper recorded an end in the meantime.
    @discardableResult
    public func markOrphaned(_ seq: Int64) throws -> Bool {
        try store.db.writeTransaction { () throws -> Bool in
            // Re-read under the write lock: the wrapper may have finished the record after we read it.
            guard let current = try store.invocation(seq: seq), current.status.isLive else { return false }
            try store.record(LifecycleEvent(.orphaned), for: seq)
            return true
        }
    }

    /// The jobs to list, oldest first, after orphan recovery: live records of this machine. With
    /// `everything`, also live records of other machines sharing the store (unverified) and orphaned
    /// records whose command outlived its wrapper and still runs here.
    public func jobs(everything: Bool = false) throws -> [Job] {
        try reconcile()
        var records = try liveRecords().filter { everything || isLocal($0) }
        if everything {
            var orphaned = Conditions()
            orphaned.addOrphanedWithPID()
            records += try store.invocations(orphaned).filter { record in
                isLocal(record) && ProcessIdentity(pid: record.pid, startTicks: record.pidStartTicks)?.isAlive == true
            }
        }
        records.sort { ($0.startedAt, $0.seq ?? 0) < ($1.startedAt, $1.seq ?? 0) }
        return try records.map { record in
            Job(invocation: record, events: try store.events(for: record.seq!), isVerified: isLocal(record))
        }
    }

    /// Most of the time there is none: a look at the index first spares compiling the full read (every
    /// command that shows records reconciles first; that compile was 0.48 M of the ~12 M instructions of
    /// `shq history -n 20`).
    private func liveRecords() throws -> [Invocation] {
        var live = Conditions()
        live.addLive()
        guard try store.hasInvocation(live) else { return [] }
        return try store.invocations(live)
    }
}
