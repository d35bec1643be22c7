import Foundation

/// Facts about processes from /proc, for tests that check what really happened to a process.
public enum ProcessProbe {
    /// The fields of /proc/PID/stat after the command name: [state, ppid, pgrp, …]; nil when gone.
    public static func statFields(_ pid: Int32) -> [String]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return nil }
        return stat[close.upperBound...].split(separator: " ").map(String.init)
    }

    /// The state letter (R, S, T, Z…), nil when the process is gone.
    public static func state(_ pid: Int32) -> String? { statFields(pid)?.first }

    /// Start time in clock ticks since boot (/proc/PID/stat field 22).
    public static func startTicks(_ pid: Int32) -> Int64? { statFields(pid).flatMap { Int64($0[19]) } }

    /// Polls until `condition` holds or `timeout` seconds pass; returns whether it held.
    @discardableResult
    public static func waitUntil(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// Zombie processes whose parent is `parent` (or any parent when nil), as "pid comm" lines.
    public static func zombies(parent: Int32? = nil) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.compactMap { pid in
            guard let fields = statFields(pid), fields[0] == "Z" else { return nil }
            if let parent, Int32(fields[1]) != parent { return nil }
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "?"
            return "\(pid) \(comm.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }

    /// Starts a program in the background (its own child of the test process).
    public static func spawn(_ executable: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
