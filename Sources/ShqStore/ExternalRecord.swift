import Glibc

/// `shq save`: recording an invocation that ran outside shq, with output read from files or a pipe.
extension Store {
    /// Inserts `invocation` and streams each given descriptor into its output stream (one chunk in memory
    /// at a time). Returns the new row number.
    @discardableResult
    public func save(_ invocation: Invocation, outputs: [(OutputStream, Int32)]) throws -> Int64 {
        let seq = try db.writeTransaction { () throws in try insert(invocation) }
        guard let seq else { throw StoreError(path, "a record with this import key already exists") }
        var buffer = [UInt8](repeating: 0, count: OutputWriter.defaultChunkSize)
        for (stream, fd) in outputs {
            let writer = OutputWriter(store: self, invocation: seq, stream: stream)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StoreError("\(stream.rawValue)", "cannot read: \(errnoDescription(errno))")
                }
                if count == 0 { break }
                try buffer.withUnsafeBytes { raw in
                    try writer.append(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
                }
            }
            try writer.finish()
        }
        return seq
    }
}
