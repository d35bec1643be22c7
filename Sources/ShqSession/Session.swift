import CShims
import Glibc
import ShqRun
import ShqStore
import ShqSystem

/// `shq session [-- SHELL [ARGS…]]`: the shell on a new pseudo-terminal, relayed to the real terminal
/// as it is, each command's output stored with the record the hook writes for it (see Docs/session.md).
public enum Session {
    /// Names the terminal a proxy serves (the PTY it made), so that a shell on that terminal starts no
    /// second proxy while a shell on a new terminal (a tmux pane) does.
    public static let terminalVariable = "SHQ_SESSION_TTY"
    /// The secret the hook puts in its private marks; the hook takes it out of the environment.
    public static let nonceVariable = "SHQ_SESSION_NONCE"

    /// Which program to start, with which argv[0]: `-zsh` (a login shell's name) starts `zsh` as a login
    /// shell, as `login` would; no words: `$SHELL`, else /bin/sh.
    public static func shellCommand(_ words: [[UInt8]]) -> (program: [UInt8], arguments: [[UInt8]]) {
        var words = words
        if words.isEmpty { words = [Array((ProcessEnvironment.nonEmpty("SHELL") ?? "/bin/sh").utf8)] }
        let first = words[0]
        guard first.first == UInt8(ascii: "-"), first.count > 1 else { return (first, words) }
        let program = Array(first.dropFirst())
        let name = program.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? program
        return (program, [[UInt8(ascii: "-")] + name] + words.dropFirst())
    }

    /// Never returns: exits as the shell did. `JobSignals.blockAtStartup` must have run first.
    public static func main(_ words: [[UInt8]]) -> Never {
        let (program, arguments) = shellCommand(words)
        var input = stat(), output = stat()
        guard let terminal = TerminalMode(fd: 0), isatty(1) == 1, fstat(0, &input) == 0, fstat(1, &output) == 0,
              input.st_rdev == output.st_rdev
        else {
            // No terminal to serve: the shell (or command) runs as it is.
            execute(program, arguments, environment: ChildEnvironment.current())
        }
        // Children that ended before the program that exec'd this one waited for them are ours now, as
        // zombies no one would wait for (fish restarting from `shq hook init --capture | source` leaves
        // that pipeline's `shq`): reaped before the shell is started, so none of them is taken for it.
        while waitpid(-1, nil, WNOHANG) > 0 {}
        let realTerminal = ttyname(0).map { String(cString: $0) } ?? ""
        func withoutProxy(_ why: String) -> Never {
            _ = writeAll(2, Array("shq: session: \(why); the shell starts without output capture\n".utf8))
            // Marked as served, so the hook in that shell does not try again.
            execute(program, arguments, environment: ChildEnvironment.setting([(terminalVariable, realTerminal)], in: ChildEnvironment.current()))
        }
        let store: Store
        do {
            store = try Store(location: StoreLocation.resolve(explicit: nil))
        } catch {
            withoutProxy("cannot open the store: \(error)")
        }
        guard let signals = SignalReader() else { withoutProxy("cannot read signals: \(errnoDescription(errno))") }
        var master: Int32 = -1, slave: Int32 = -1
        let rc = shq_pty_open(&master, &slave)
        guard rc == 0, let slaveName = ttyname(slave).map({ String(cString: $0) }) else {
            withoutProxy("cannot open a pseudo-terminal: \(errnoDescription(rc == 0 ? errno : rc))")
        }
        let nonce = makeNonce()
        let environment = ChildEnvironment.setting(
            [(terminalVariable, slaveName), (nonceVariable, nonce)], in: ChildEnvironment.current())

        var mode = terminal
        mode.copy(to: master)
        mode.enterRaw()
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        var shell: pid_t = 0
        let spawned = shq_session_spawn(&shell, String(decoding: program, as: UTF8.self), argv.pointers, envp.pointers, slaveName)
        argv.free()
        envp.free()
        guard spawned == 0 else {
            mode.restore()
            _ = writeAll(2, Array("shq: session: cannot start \(String(decoding: program, as: UTF8.self)): \(errnoDescription(spawned))\n".utf8))
            exit(spawned == ENOENT ? 127 : 126)
        }
        // The slave stays open here: the master never reports end of file while the shell's jobs come
        // and go; the shell's own end (SIGCHLD) ends the session.
        let capture = CommandCapture(store: store, settings: .current)
        capture.start()
        let relay = SessionRelay(terminal: mode, master: master, shell: shell, signals: signals, capture: capture, nonce: nonce)
        let termination = relay.run()
        capture.close(timeoutMicros: 2_000_000)
        ExitMirror.leave(termination)
    }

    /// Replaces shq with the program; only returns to report the failure.
    private static func execute(_ program: [UInt8], _ arguments: [[UInt8]], environment: [[UInt8]]) -> Never {
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        let error = shq_exec(String(decoding: program, as: UTF8.self), argv.pointers, envp.pointers)
        _ = writeAll(2, Array("shq: session: cannot run \(String(decoding: program, as: UTF8.self)): \(errnoDescription(error))\n".utf8))
        exit(error == ENOENT ? 127 : 126)
    }

    /// 128 random bits, hex.
    private static func makeNonce() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        _ = shq_getrandom(&bytes, 16)
        return bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
