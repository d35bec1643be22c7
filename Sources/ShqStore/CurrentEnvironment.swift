import ShqSystem

extension Invocation {
    /// A record of `cmd` run by this process's user, here and now: session (`SHQ_SESSION`), current
    /// directory, host, user, shell (the name of `$SHELL`) and terminal from the process environment.
    /// `shq run` and `shq save` both record this way.
    public static func fromCurrentEnvironment(
        cmd: [UInt8], cwd: [UInt8]? = nil, source: InvocationSource, startedAt: Timestamp, status: InvocationStatus
    ) -> Invocation {
        Invocation(
            session: ProcessEnvironment.nonEmpty("SHQ_SESSION"),
            cmd: cmd,
            cwd: cwd ?? ProcessEnvironment.currentDirectory,
            host: ProcessEnvironment.hostName,
            user: ProcessEnvironment.userName,
            shell: ProcessEnvironment.nonEmpty("SHELL").map { String($0.split(separator: "/").last ?? Substring($0)) },
            tty: ProcessEnvironment.ttyName,
            source: source,
            startedAt: startedAt,
            status: status
        )
    }
}
