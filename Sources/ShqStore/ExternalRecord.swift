import Glibc

/// `shq save`: recording an invocation that ran outside shq, with output read from files or a pipe.
extension Store {
    /// Inserts `invocation` and streams each given descriptor into its output stream (one chunk in memory
    /// at a time), through the stream's `OutputFilter` when `filter` gives one. A filter that refuses the
    /// output (the no-save marker) drops everything captured for the invocation; the rest of the input is
    /// still read, so a writer on a pipe never sees EPIPE. Returns the new row number and whether output
    /// was dropped.
    @discardableResult
    public func save(
        _ invocation: Invocation, outputs: [(OutputStream, Int32)], filter: (OutputStream) -> OutputFilter? = { _ in nil }
    ) throws -> (seq: Int64, outputDropped: Bool) {
        let seq = try db.writeTransaction { () throws in try insert(invocation) }
        guard let seq else { throw StoreError(path, "a record with this import key already exists") }
        var dropped = false
        var buffer = [UInt8](repeating: 0, count: OutputWriter.defaultChunkSize)
        for (stream, fd) in outputs {
            let writer = OutputWriter(store: self, invocation: seq, stream: stream)
            let streamFilter = filter(stream)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw StoreError("\(stream.rawValue)", "cannot read: \(errnoDescription(errno))")
                }
                if count == 0 { break }
                if dropped { continue }
                try buffer.withUnsafeBytes { raw in
                    let piece = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                    guard let streamFilter else { return try writer.append(piece) }
                    if let kept = streamFilter.process(piece) { try writer.append(kept) } else { dropped = true }
                }
            }
            if dropped { break }
            if let streamFilter {
                guard let rest = streamFilter.finish() else { dropped = true; break }
                try writer.append(rest)
            }
            try writer.finish()
        }
        if dropped { try discardOutputs(of: seq) }
        return (seq, dropped)
    }
}
