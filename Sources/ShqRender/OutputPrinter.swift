import ShqStore
import ShqSystem

/// Prints captured output: byte-exact by default, optionally only the first or last lines, optionally
/// with terminal escape sequences removed. Streams chunk by chunk.
public struct OutputPrinter {
    public var headLines: Int?
    public var tailLines: Int?
    public var stripEscapes = false

    public init(headLines: Int? = nil, tailLines: Int? = nil, stripEscapes: Bool = false) {
        self.headLines = headLines
        self.tailLines = tailLines
        self.stripEscapes = stripEscapes
    }

    /// Writes one stored stream to `fd`. Returns false if writing failed (e.g. the reader went away).
    @discardableResult
    public func print(_ output: StoredOutput, from store: Store, to fd: Int32) throws -> Bool {
        guard let blob = output.blob else { return true }
        var stripper = EscapeStripper()
        var linesLeft = headLines
        var ok = true
        let start = try tailLines.map { try tailStart(blob: blob, lines: $0, store: store) } ?? (chunk: -1, offset: 0)
        try store.forEachChunk(ofBlob: blob, after: start.chunk - 1) { seq, bytes in
            var slice = bytes[...]
            if seq == start.chunk { slice = bytes[start.offset...] }
            if let remaining = linesLeft {
                var cut = slice.endIndex
                var seen = 0
                for index in slice.indices where slice[index] == 10 {
                    seen += 1
                    if seen == remaining { cut = index + 1; break }
                }
                linesLeft = remaining - seen
                slice = slice[slice.startIndex..<cut]
            }
            let out = stripEscapes ? stripper.strip(slice) : Array(slice)
            if writeAll(fd, out) != 0 { ok = false; return false }
            return linesLeft.map { $0 > 0 } ?? true
        }
        return ok
    }

    /// Where the last `lines` lines start: scans chunks from the end. A final newline does not count as
    /// the start of an empty line.
    private func tailStart(blob: Int64, lines: Int, store: Store) throws -> (chunk: Int64, offset: Int) {
        var result: (chunk: Int64, offset: Int) = (0, 0)
        guard lines > 0 else { return (Int64.max, 0) }
        var newlines = 0
        var isLastByte = true
        try store.forEachChunk(ofBlob: blob, reversed: true) { seq, bytes in
            for index in bytes.indices.reversed() {
                defer { isLastByte = false }
                guard bytes[index] == 10, !isLastByte else { continue }
                newlines += 1
                if newlines == lines {
                    result = (seq, index + 1)
                    return false
                }
            }
            return true
        }
        return result
    }
}
