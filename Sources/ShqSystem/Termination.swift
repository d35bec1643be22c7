/// How a command ended.
public enum Termination: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)

    /// The status a shell would show in `$?`.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): return code
        case .signaled(let signal): return 128 + signal
        }
    }
}
