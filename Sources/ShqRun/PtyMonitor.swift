import CShims
import Glibc
import ShqStore
import ShqSystem

/// The PTY's session leader: shq re-executed as `shq __pty-monitor TTY REPORT CONTROL fg|bg -- CMD…`,
/// in a new session (spawned with POSIX_SPAWN_SETSID). It makes the PTY its controlling terminal and
/// spawns the command in a process group of its own on it.
///
/// Why a separate process: the command's group must have a parent in the same session but another
/// group, or it is orphaned and the kernel discards Ctrl-Z (why `script` ignores Ctrl-Z); and only a
/// process of the PTY's session may call tcsetpgrp on it. The monitor reports every change of the
/// command's state and moves it to the PTY's foreground or background when shq asks.
public enum PtyMonitor {
    public static let subcommand = "__pty-monitor"

    /// The argv that starts the monitor (after the program path).
    static func arguments(tty: Int32, report: Int32, control: Int32, foreground: Bool, command: [[UInt8]]) -> [[UInt8]] {
        [Array("shq".utf8), Array(subcommand.utf8)]
            + [String(tty), String(report), String(control), foreground ? "fg" : "bg", "--"].map { Array($0.utf8) }
            + command
    }

    /// `arguments` is shq's whole raw argv. Never returns.
    public static func main(_ arguments: [[UInt8]]) -> Never {
        let numbers = arguments.dropFirst(2).prefix(3).compactMap { Int32(String(decoding: $0, as: UTF8.self)) }
        guard arguments.count > 7, numbers.count == 3, arguments[6] == Array("--".utf8) else {
            _ = writeAll(2, Array("shq: \(subcommand) is internal to `shq run --pty`\n".utf8))
            exit(125)
        }
        let (tty, report, control) = (numbers[0], numbers[1], numbers[2])
        let foreground = arguments[5] == Array("fg".utf8)
        let command = Array(arguments[7...])

        let childSignals = shq_pty_monitor_signals()
        for fd in [tty, report, control] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        func send(_ message: PtyReport) {
            if writeAll(report, message.bytes) != 0 { exit(0) }  // shq is gone: nobody to tell
        }
        guard shq_pty_make_controlling(tty) == 0 else {
            send(.spawnFailed(errno))
            exit(0)
        }
        let argv = CStringArray(command)  // lives as long as the monitor
        var pid: pid_t = 0
        let rc = shq_pty_spawn_command(&pid, argv.pointers[0], argv.pointers, environ, tty, foreground ? 1 : 0)
        guard rc == 0 else {
            send(.spawnFailed(rc))
            exit(0)
        }
        send(.started(pid))
        follow(ChildProcess(pid: pid), tty: tty, childSignals: childSignals, control: control, send: send)
    }

    /// Reports the command's changes until it ends; obeys shq's requests meanwhile.
    private static func follow(_ child: ChildProcess, tty: Int32, childSignals: Int32, control: Int32, send: (PtyReport) -> Void) -> Never {
        var fds = [pollfd(fd: childSignals, events: Int16(POLLIN), revents: 0), pollfd(fd: control, events: Int16(POLLIN), revents: 0)]
        var scratch = [UInt8](repeating: 0, count: 1024)
        while true {
            while let change = child.poll() {
                switch change {
                case .stopped(let signal): send(.stopped(signal))
                case .continued: send(.continued)
                case .ended(let termination):
                    send(.ended(termination))
                    exit(0)
                }
            }
            fds[0].revents = 0
            fds[1].revents = 0
            if poll(&fds, 2, -1) < 0 { continue }
            if fds[0].revents != 0 {
                while read(childSignals, &scratch, scratch.count) > 0 {}  // only a wake-up; waitpid tells
            }
            guard fds[1].revents != 0 else { continue }
            let count = read(control, &scratch, scratch.count)
            if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
                // shq died: hang up on the command as a closed terminal window would.
                kill(-child.pid, SIGHUP)
                kill(-child.pid, SIGCONT)
                exit(0)
            }
            for byte in scratch.prefix(max(count, 0)) {
                switch PtyControl(rawValue: byte) {
                case .foreground?: _ = tcsetpgrp(tty, child.pid)
                case .background?: _ = tcsetpgrp(tty, getpgrp())
                case .hangUp?: kill(-child.pid, SIGHUP)
                case nil: continue
                }
                kill(-child.pid, SIGCONT)
            }
        }
    }
}
