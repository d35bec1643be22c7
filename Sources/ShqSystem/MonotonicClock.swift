import Glibc

/// Microseconds on CLOCK_MONOTONIC: for durations and idle timers, immune to wall-clock jumps.
public enum MonotonicClock {
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
