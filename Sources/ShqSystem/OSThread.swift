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

/// A value computed on an `OSThread` of its own; `get` joins the thread.
public final class ThreadResult<Value>: @unchecked Sendable {
    private var result: Result<Value, any Error>?
    private var thread: OSThread?

    public init(_ body: @escaping @Sendable () throws -> Value) {
        thread = OSThread { [self] in result = Result { try body() } }
    }

    /// Waits for the thread to end.
    public func wait() {
        thread?.join()
        thread = nil
    }

    /// The value, or the error the body threw.
    public func get() throws -> Value {
        wait()
        return try result!.get()
    }
}
