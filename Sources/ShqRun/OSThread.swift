import Glibc

/// A dedicated OS thread (not the cooperative pool): readers and the store writer block in system calls,
/// and they inherit the job-control signal mask blocked at the top of main.
final class OSThread: @unchecked Sendable {
    private var handle = pthread_t()

    /// Starts `body` on a new thread. The corresponding C function is `pthread_create`.
    init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Waits for the thread to end. The corresponding C function is `pthread_join`.
    func join() {
        pthread_join(handle, nil)
    }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// A mutex with a condition variable, for the hand-off between readers, the main loop and the writer.
final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(cond, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits (lock held) until signalled or `microseconds` pass (nil: no limit). Returns false on timeout.
    @discardableResult
    func wait(microseconds: Int64? = nil) -> Bool {
        guard let microseconds else {
            pthread_cond_wait(cond, mutex)
            return true
        }
        let deadline = MonotonicClock.now() + microseconds
        var spec = timespec(tv_sec: Int(deadline / 1_000_000), tv_nsec: Int(deadline % 1_000_000) * 1000)
        return pthread_cond_timedwait(cond, mutex, &spec) == 0
    }

    func broadcast() { pthread_cond_broadcast(cond) }
}

/// Microseconds on CLOCK_MONOTONIC: for durations and idle timers, immune to wall-clock jumps.
enum MonotonicClock {
    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
