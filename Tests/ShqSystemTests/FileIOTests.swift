import Glibc
import ShqSystem
import ShqTestSupport
import Testing

@Suite struct FileIOTests {
    /// A pipe written in pieces larger than one read: every byte arrives, in order.
    @Test func readAllReadsPastOneBuffer() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writeEnd = ends[1]
        let writer = ThreadResult { () -> Int32 in
            defer { close(writeEnd) }
            return writeAll(writeEnd, bytes)
        }
        defer { close(ends[0]) }
        #expect(try readAll(fd: ends[0]) == bytes)
        #expect(try writer.get() == 0)
    }

    @Test func readAllStopsAtTheLimit() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("big")
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        #expect(writeAll(fd, [UInt8](repeating: 7, count: 300_000)) == 0)
        close(fd)
        let input = open(path, O_RDONLY)
        defer { close(input) }
        let bytes = try readAll(fd: input, limit: 100_000)
        #expect(bytes.count >= 100_000 && bytes.count < 300_000)
    }

    @Test func aFailedReadThrowsItsErrno() {
        #expect(throws: SystemError(EBADF)) { try readAll(fd: -1) }
    }
}
