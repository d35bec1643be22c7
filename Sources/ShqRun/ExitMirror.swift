import CShims
import Glibc
import ShqStore
import ShqSystem

/// Leaving exactly as the command did, so callers can't tell shq was there: the same exit code, or death
/// by the same signal. A shell only breaks out of a loop on Ctrl-C, and a script only dies with its
/// command, when the process really died of SIGINT; `exit(130)` is not equivalent.
public enum ExitMirror {
    public static func leave(_ termination: Termination) -> Never {
        switch termination {
        case .exited(let code):
            exit(code)
        case .signaled(let signal):
            shq_die_of(signal)  // no core file: the command's own crash already wrote one if wanted
            exit(128 + signal)
        }
    }
}
