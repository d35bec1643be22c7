import Foundation
import ShqTestSupport
import Testing

/// `shq run` past the capture cap, where the relay tees the command's pipe into the tail's pipe chain
/// and splices the bytes on (Docs/design/relay.md): every destination gets every byte once and in
/// order, stdout and stderr each, and the store keeps the head and the exact tail — including where the
/// destination refuses splice (a file opened `O_APPEND`: the fall back to reading), a reader that goes
/// away (`| head -c`), and the tail committed while the command still runs.
@Suite struct RunRelayTests {
    /// An odd cap, so the head ends inside a read: head 500 001 bytes, tail 500 000.
    static let cap = 1_000_001
    static let head = cap - cap / 2
    static let tail = cap / 2

    enum Destination: String, CaseIterable, Sendable {
        case devNull, pipe, file, appendedFile
    }

    struct Streams {
        let fixture = StoreFixture()
        /// Four pieces: stdout gets a + c, stderr b + d, in that order.
        let pieces: [Data]
        var stdout: Data { pieces[0] + pieces[2] }
        var stderr: Data { pieces[1] + pieces[3] }

        init() throws {
            pieces = [3_000_000, 2_500_017, 2_000_003, 1_500_000].map { Data(RunRelayTests.random($0)) }
            for (index, piece) in pieces.enumerated() { try piece.write(to: URL(fileURLWithPath: fixture.directory.file("piece\(index)"))) }
        }

        var command: String { "cat piece0; cat piece1 >&2; cat piece2; cat piece3 >&2" }

        func stored(_ flag: String) throws -> Data { try fixture.shq("show", flag).stdout }
    }

    static func random(_ count: Int) -> [UInt8] {
        [UInt8](FileHandle(forReadingAtPath: "/dev/urandom")!.readData(ofLength: count))
    }

    static func capped(_ data: Data) -> Data { data.prefix(head) + data.suffix(tail) }

    /// The same data whatever the destination, which decides whether splice is taken (/dev/null, a pipe,
    /// a file) or refused and the relay falls back to reading (`>>`: O_APPEND).
    @Test(arguments: Destination.allCases)
    func everyByteReachesTheDestinationAndTheTailIsExact(destination: Destination) throws {
        let streams = try Streams()
        let fixture = streams.fixture
        let run = "\"$SHQ\" run --capture-cap \(Self.cap) sh -c '\(streams.command)'"
        let before = Data("kept before\n".utf8)
        switch destination {
        case .pipe:
            let result = try ShqProcess.run(
                ["-c", run], database: fixture.database, environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash",
                currentDirectory: fixture.directory.path)
            #expect(result.status == 0)
            #expect(result.stdout == streams.stdout)
            #expect(result.stderr == streams.stderr)
        case .devNull, .file, .appendedFile:
            let redirect = switch destination {
            case .devNull: "> /dev/null 2> /dev/null"
            case .file: "> out 2> err"
            default: ">> out 2>> err"
            }
            if destination == .appendedFile {
                try before.write(to: URL(fileURLWithPath: fixture.directory.file("out")))
                try before.write(to: URL(fileURLWithPath: fixture.directory.file("err")))
            }
            let result = try ShqProcess.run(
                ["-c", "\(run) \(redirect)"], database: fixture.database, environment: ["SHQ": ShqProcess.binary],
                executable: "/bin/bash", currentDirectory: fixture.directory.path)
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            if destination != .devNull {
                let prefix = destination == .appendedFile ? before : Data()
                #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("out"))) == prefix + streams.stdout)
                #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("err"))) == prefix + streams.stderr)
            }
        }
        #expect(try streams.stored("-O") == Self.capped(streams.stdout))
        #expect(try streams.stored("-E") == Self.capped(streams.stderr))
        #expect(try fixture.sqlite("SELECT stream || '=' || bytes || ',' || truncated FROM outputs ORDER BY stream")
            == ["stderr=\(Self.cap),1", "stdout=\(Self.cap),1"])
    }

    /// Under a tight fd limit the tail's pipe chain is not started: the relay reads, as for the head, and
    /// nothing changes for the destination or the store.
    @Test func underATightFdLimitTheRelayReadsAndKeepsEveryByte() throws {
        let streams = try Streams()
        let fixture = streams.fixture
        let result = try ShqProcess.run(
            ["-c", "ulimit -n 64; \"$SHQ\" run --capture-cap \(Self.cap) sh -c '\(streams.command)' > out 2> err"],
            database: fixture.database, environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash",
            currentDirectory: fixture.directory.path)
        #expect(result.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("out"))) == streams.stdout)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file("err"))) == streams.stderr)
        #expect(try streams.stored("-O") == Self.capped(streams.stdout))
        #expect(try streams.stored("-E") == Self.capped(streams.stderr))
    }

    /// The reader goes away past the head: the command dies of SIGPIPE as without shq, the record says so,
    /// and what is stored is the head and a tail that is a piece of the output, in order.
    @Test func aReaderGoneAfterTheHeadEndsTheCommandWithSIGPIPE() throws {
        let fixture = StoreFixture()
        let data = Data(Self.random(12 << 20))
        try data.write(to: URL(fileURLWithPath: fixture.directory.file("big")))
        let result = try ShqProcess.run(
            ["-c", "\"$SHQ\" run --capture-cap \(Self.cap) cat big | head -c 3000000 > /dev/null; echo \"${PIPESTATUS[0]}\""],
            database: fixture.database, environment: ["SHQ": ShqProcess.binary], executable: "/bin/bash",
            currentDirectory: fixture.directory.path)
        #expect(result.stdoutText == "141\n")
        #expect(!result.stderrText.contains("shq:"))
        #expect(try fixture.sqlite("SELECT status || ',' || signal FROM invocations") == ["failed,13"])
        let stored = try fixture.shq("show", "-O").stdout
        #expect(stored.count == Self.cap)
        #expect(stored.prefix(Self.head) == data.prefix(Self.head))
        let tail = stored.suffix(Self.tail)
        let found = try #require(data.range(of: tail))
        #expect(found.lowerBound >= Self.head)
        // `head` took 3 000 000 bytes: all was relayed up to the piece (1 MiB at most) whose relay met EPIPE,
        // which is not stored, as a read chunk whose write failed is not.
        #expect(found.upperBound > 3_000_000 - (1 << 20))
    }

    /// The tail is committed while the command runs (every 5 s): `shq show` sees the head and the exact
    /// tail so far before the command ends, then the final tail.
    @Test func theTailIsCommittedWhileTheCommandRuns() throws {
        let streams = try Streams()
        let fixture = streams.fixture
        let first = streams.pieces[0], last = streams.pieces[2]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ShqProcess.binary)
        process.arguments = ["run", "--capture-cap", "\(Self.cap)", "sh", "-c", "cat piece0; while [ ! -e go ]; do sleep 0.05; done; cat piece2"]
        process.currentDirectoryURL = URL(fileURLWithPath: fixture.directory.path)
        var environment = ProcessInfo.processInfo.environment
        environment["SHQ_DB"] = fixture.database
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try RunCaptureTests.waitUntil(timeout: 60) { try streams.stored("-O").count == Self.cap }
        #expect(try fixture.sqlite("SELECT status FROM invocations") == ["running"])
        #expect(try streams.stored("-O") == Self.capped(first))
        _ = FileManager.default.createFile(atPath: fixture.directory.file("go"), contents: nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try streams.stored("-O") == Self.capped(first + last))
    }
}
