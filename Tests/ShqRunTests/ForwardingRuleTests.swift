import Glibc
import Testing
@testable import ShqRun

/// The rule that decides which signals shq passes on to the command (design step 7).
@Suite struct ForwardingRuleTests {
    let child: pid_t = 200, own: pid_t = 100

    func action(_ signal: Int32, fromUser: Bool = true, sender: pid_t = 999, group: pid_t? = 999) -> JobSignals.Action {
        JobSignals.action(signal: signal, fromUser: fromUser, senderGroup: group, child: child, sender: sender, ownGroup: own)
    }

    @Test(arguments: [SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2])
    func killFromOutsideIsForwarded(signal: Int32) {
        #expect(action(signal) == .forward)
    }

    @Test(arguments: [SIGINT, SIGTSTP, SIGHUP])
    func terminalSignalsReachedTheCommandAlready(signal: Int32) {
        #expect(action(signal, fromUser: false, sender: 0, group: nil) == .ignore)
    }

    @Test func signalsFromTheCommandOrShqsGroupAreNotForwarded() {
        #expect(action(SIGTSTP, sender: child, group: own) == .ignore)
        #expect(action(SIGTSTP, sender: 300, group: own) == .ignore)  // less, vim: kill(0, SIGTSTP)
    }

    @Test func childStateChangesAndOthersAreNotForwarded() {
        #expect(action(SIGCHLD) == .childChanged)
        #expect(action(SIGCONT) == .ignore)
        #expect(action(SIGWINCH) == .ignore)
        #expect(action(SIGPIPE) == .ignore)
    }
}
