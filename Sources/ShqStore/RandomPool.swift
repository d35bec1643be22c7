import CShims
import Synchronization

/// Random bytes from the kernel, drawn 4 KiB at a time: an id needs 10, and one `getrandom` call per id
/// was 6% of a 100k-command import.
enum RandomPool {
    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 4096
    }

    private static let pool = Mutex(Pool())

    /// Fills `buffer` with random bytes. The corresponding C function is `getrandom`.
    static func fill(_ buffer: inout ArraySlice<UInt8>) {
        pool.withLock { pool in
            for index in buffer.indices {
                if pool.used == pool.bytes.count { refill(&pool) }
                buffer[index] = pool.bytes[pool.used]
                pool.used += 1
            }
        }
    }

    private static func refill(_ pool: inout Pool) {
        let count = pool.bytes.count
        let filled = pool.bytes.withUnsafeMutableBytes { shq_getrandom($0.baseAddress, UInt(count)) }
        // getrandom only fails without a kernel that has it (before Linux 3.17); Swift's generator then.
        if filled != count {
            for i in 0..<count { pool.bytes[i] = UInt8.random(in: 0...255) }
        }
        pool.used = 0
    }
}
