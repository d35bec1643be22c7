import Glibc
import ShqSystem

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
        for (stream, fd) in outputs {
            let writer = OutputWriter(store: self, invocation: seq, stream: stream)
            let streamFilter = filter(stream)
            do {
                try readChunks(fd: fd, chunkSize: OutputWriter.defaultChunkSize) { piece in
                    if dropped { return true }
                    guard let streamFilter else { try writer.append(piece); return true }
                    if let kept = streamFilter.process(piece) { try writer.append(kept) } else { dropped = true }
                    return true
                }
            } catch let error as SystemError {
                throw StoreError("\(stream.rawValue)", "cannot read: \(error)")
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
