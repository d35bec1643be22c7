import Glibc
import ShqStore

/// `shq wait`: blocks until a job's record is final, from any process (the job is not our child, so
/// waitpid cannot be used).
///
/// The wrapper records the end and then exits, so its exit is the moment to look: a pidfd on the wrapper
/// becomes readable then, with no polling. A record still live after its wrapper is gone is orphaned.
/// Without pidfds (Linux < 5.3, seccomp) the record is polled every 50 ms.
public enum JobWait {
    /// The record once it has ended, or nil when `deadline` passed first. Records of another machine
    /// cannot be watched and are refused.
    public static func untilEnded(_ seq: Int64, registry: JobRegistry, deadline: Timestamp?) throws -> Invocation? {
        while true {
            guard let record = try registry.store.invocation(seq: seq) else {
                throw StoreError(registry.store.path, "record \(seq) disappeared")
            }
            if !record.status.isLive { return record }
            guard registry.isLocal(record) else { throw JobKill.Refusal.otherHost(record.host ?? "?") }
            if registry.liveness(of: record) == .gone {
                try registry.markOrphaned(seq)
                continue
            }
            let remaining = deadline.map { $0.microseconds - Timestamp.now().microseconds }
            if let remaining, remaining <= 0 { return nil }
            // Re-check at least every second: a record without a wrapper has nothing to wait on.
            let slice = Int32(min(remaining ?? 1_000_000, 1_000_000) / 1000) + 1
            let watched = Job(invocation: record, events: [], isVerified: true).wrapper
            if let fd = watched?.openDescriptor() {
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&entry, 1, slice)
                close(fd)
            } else {
                usleep(UInt32(min(slice, 50)) * 1000)
            }
        }
    }
}
