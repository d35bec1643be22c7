/// Updates `shq run` makes to its own record while the command runs.
extension Store {
    /// Records the spawned command's pid and start time (/proc/PID/stat field 22), which with the pid
    /// identifies the process even after the pid is reused.
    public func setProcess(pid: Int32, startTicks: Int64?, for seq: Int64) throws {
        let update = try db.prepare("UPDATE invocation_rows SET pid = ?, pid_start = ? WHERE seq = ?")
        update.bind(1, Int64(pid))
        update.bind(2, startTicks)
        update.bind(3, seq)
        try update.run()
    }
}
