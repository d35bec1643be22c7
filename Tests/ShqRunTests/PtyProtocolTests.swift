import Glibc
@testable import ShqRun
import ShqStore
import Testing

/// The monitor's report records survive the pipe: every kind, negative and large values, and records
/// split across reads.
@Suite struct PtyProtocolTests {
    @Test func reportsRoundTrip() {
        let reports: [PtyReport] = [
            .started(4_194_303), .spawnFailed(ENOENT), .stopped(SIGTSTP), .continued,
            .ended(.exited(0)), .ended(.exited(255)), .ended(.signaled(SIGINT)), .started(-1),
        ]
        var buffer = reports.flatMap(\.bytes)
        #expect(buffer.count == reports.count * PtyReport.size)
        #expect(PtyReport.take(from: &buffer) == reports)
        #expect(buffer.isEmpty)
    }

    @Test func partialRecordsWaitForTheRest() {
        let bytes = PtyReport.stopped(SIGTTIN).bytes + PtyReport.ended(.exited(7)).bytes
        var buffer = Array(bytes[0..<7])
        #expect(PtyReport.take(from: &buffer) == [.stopped(SIGTTIN)])
        #expect(buffer.count == 2)
        buffer += bytes[7...]
        #expect(PtyReport.take(from: &buffer) == [.ended(.exited(7))])
    }

    @Test func monitorArgumentsCarryTheCommandUntouched() {
        let command: [[UInt8]] = [Array("printf".utf8), [0xFF, 0x00, 0x41], Array("--".utf8)]
        let argv = PtyMonitor.arguments(tty: 5, report: 7, control: 9, foreground: true, command: command)
        #expect(argv.map { String(decoding: $0, as: UTF8.self) }.prefix(7) == ["shq", "__pty-monitor", "5", "7", "9", "fg", "--"])
        #expect(Array(argv[7...]) == command)
    }
}
