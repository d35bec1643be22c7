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
        return (seq, try saveOutputs(of: seq, outputs: outputs, filter: filter))
    }

    /// The output part of `save`, for a row already inserted. Returns whether output was dropped.
    public func saveOutputs(
        of seq: Int64, outputs: [(OutputStream, Int32)], filter: (OutputStream) -> OutputFilter? = { _ in nil }
    ) throws -> Bool {
        var writers: [OutputStream: OutputWriter] = [:]
        func writer(_ stream: OutputStream) -> OutputWriter {
            if let existing = writers[stream] { return existing }
            let made = OutputWriter(store: self, invocation: seq, stream: stream)
            writers[stream] = made
            return made
        }
        let dropped = try Self.readOutputs(
            outputs, filter: filter, append: { try writer($0).append($1) }, end: { try writer($0).finish() })
        if dropped { try discardOutputs(of: seq) }
        return dropped
    }

    /// Saves into a pending record file instead (the store was locked): the same reading and filtering
    /// as `saveOutputs`. Returns the file's path and whether output was dropped.
    public static func saveLater(
        _ invocation: Invocation, location: StoreLocation, outputs: [(OutputStream, Int32)],
        filter: (OutputStream) -> OutputFilter? = { _ in nil }
    ) throws -> (path: String, outputDropped: Bool) {
        let file = try PendingRecordFile(location: location, id: invocation.id)
        do {
            file.add(invocation)
            let dropped = try readOutputs(
                outputs, filter: filter, append: { file.addHead($0, $1) }, end: { file.endStream($0, truncated: false) })
            if dropped { file.dropOutputs() }
            try file.commit()
            return (file.path, dropped)
        } catch {
            file.abandon()
            throw error
        }
    }

    /// Reads each descriptor to its end, in order, handing `append` what its stream's filter keeps and
    /// calling `end` when a stream is done. Returns true when a filter refused the output: nothing more
    /// is handed on, but the input is still read to its end.
    static func readOutputs(
        _ outputs: [(OutputStream, Int32)], filter: (OutputStream) -> OutputFilter?,
        append: (OutputStream, UnsafeRawBufferPointer) throws -> Void, end: (OutputStream) throws -> Void
    ) throws -> Bool {
        var dropped = false
        for (stream, fd) in outputs {
            let streamFilter = filter(stream)
            do {
                try readChunks(fd: fd, chunkSize: OutputWriter.defaultChunkSize) { piece in
                    if dropped { return true }
                    guard let streamFilter else { try append(stream, piece); return true }
                    if let kept = streamFilter.process(piece) { try kept.withUnsafeBytes { try append(stream, $0) } } else { dropped = true }
                    return true
                }
            } catch let error as SystemError {
                throw StoreError("\(stream.rawValue)", "cannot read: \(error)")
            }
            if dropped { break }
            if let streamFilter {
                guard let rest = streamFilter.finish() else { dropped = true; break }
                try rest.withUnsafeBytes { try append(stream, $0) }
            }
            try end(stream)
        }
        return dropped
    }
}
