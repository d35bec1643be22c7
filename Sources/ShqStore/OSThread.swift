import Glibc

/// A dedicated OS thread (not the cooperative pool): readers and the store writer block in system calls,
/// and they inherit the job-control signal mask blocked at the top of main.
public final class OSThread: @unchecked Sendable {
    private var handle = pthread_t()

    /// Starts `body` on a new thread. The corresponding C function is `pthread_create`.
    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let rc = pthread_create(&handle, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Waits for the thread to end. The corresponding C function is `pthread_join`.
    public func join() {
        pthread_join(handle, nil)
    }

    private final class Box {
        let body: @Sendable () -> Void
        public init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
