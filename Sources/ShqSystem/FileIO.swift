import Glibc

/// `strerror` as a Swift string.
public func errnoDescription(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Returns errno on failure, 0 on success.
@discardableResult
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return 0
}

@discardableResult
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32 {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}

/// Reads `fd` to its end, handing each piece read to `body` (one buffer of `chunkSize` in memory), retrying
/// EINTR; stops early when `body` returns false. Throws the errno of a failed read.
public func readChunks(
    fd: Int32, chunkSize: Int = 1 << 16, _ body: (UnsafeRawBufferPointer) throws -> Bool
) throws -> Void {
    var buffer = [UInt8](repeating: 0, count: chunkSize)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw SystemError(errno)
        }
        if count == 0 { return }
        let more = try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        if !more { return }
    }
}

/// Reads `fd` to its end, or until at least `limit` bytes arrived. Throws the errno of a failed read.
public func readAll(fd: Int32, limit: Int = .max, sizeHint: Int = 0) throws -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(sizeHint)
    try readChunks(fd: fd) { piece in
        bytes.append(contentsOf: piece)
        return bytes.count < limit
    }
    return bytes
}

/// A failed system call's errno; its description is `strerror`'s text.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }
    public var description: String { errnoDescription(code) }
}
