import ShqStore

/// The history as the picker holds it: each distinct command line once (its bytes in one arena), and each
/// record as a handful of integers pointing at its line. Rows arrive newest first, a batch at a time, so a
/// line's first row is its most recent. About 40 bytes a record plus the distinct lines' bytes (a 1M-record
/// history: Docs/design/picker.md).
public struct PickHistory: Sendable {
    /// Distinct lines: the bytes of line `k` are `arena[lineStart[k]..<lineStart[k + 1]]`.
    public private(set) var arena: [UInt8] = []
    public private(set) var lineStart: [Int32] = [0]
    /// Records, newest first.
    public private(set) var rowLine: [Int32] = []
    public private(set) var rowSeq: [Int64] = []
    public private(set) var rowStarted: [Int64] = []
    public private(set) var rowDirectory: [Int32] = []
    public private(set) var rowHost: [Int32] = []
    public private(set) var rowSession: [Int32] = []
    public private(set) var rowFailed: [Bool] = []
    // Dedup: line hash → first line with it; collisions chained through `sameHash`.
    private var byHash: [UInt64: Int32] = [:]
    private var sameHash: [Int32] = []

    public init() {}

    public var lineCount: Int { lineStart.count - 1 }
    public var rowCount: Int { rowLine.count }

    /// Adds a record (older than every record added so far).
    public mutating func append(_ row: PickerRow, command: UnsafeRawBufferPointer) {
        let line = lineIndex(for: command)
        rowLine.append(line)
        rowSeq.append(row.seq)
        rowStarted.append(row.startedAt)
        rowDirectory.append(Int32(truncatingIfNeeded: row.directory))
        rowHost.append(Int32(truncatingIfNeeded: row.host))
        rowSession.append(Int32(truncatingIfNeeded: row.session))
        rowFailed.append(row.failed)
    }

    /// Adds a record from values (tests, and callers that do not read a store).
    public mutating func append(
        _ command: String, seq: Int64, startedAt: Int64 = 0, directory: Int64 = -1, host: Int64 = -1,
        session: Int64 = -1, failed: Bool = false
    ) {
        var bytes = Array(command.utf8)
        bytes.withUnsafeMutableBytes {
            append(PickerRow(seq: seq, startedAt: startedAt, directory: directory, host: host, session: session, failed: failed),
                   command: UnsafeRawBufferPointer($0))
        }
    }

    /// Removes the records at these row indices (after Ctrl-D forgot them). Lines keep their index.
    public mutating func removeRows(_ rows: Set<Int>) {
        func keep<T>(_ array: inout [T]) {
            var index = 0
            array.removeAll { _ in defer { index += 1 }; return rows.contains(index) }
        }
        keep(&rowLine); keep(&rowSeq); keep(&rowStarted); keep(&rowDirectory); keep(&rowHost); keep(&rowSession); keep(&rowFailed)
    }

    /// Calls `body` with the bytes of line `line`.
    @inline(__always)
    public func withLine<T>(_ line: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let start = Int(lineStart[Int(line)]), end = Int(lineStart[Int(line) + 1])
        return arena.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Line `line` as text (invalid UTF-8 repaired), for drawing and for the shell.
    public func text(of line: Int32) -> String {
        withLine(line) { String(decoding: $0, as: UTF8.self) }
    }

    private mutating func lineIndex(for command: UnsafeRawBufferPointer) -> Int32 {
        let bytes = command.bindMemory(to: UInt8.self)
        let hash = FNV1a.hash(bytes)
        var candidate = byHash[hash] ?? -1
        while candidate >= 0 {
            if withLine(candidate, { $0.elementsEqual(bytes) }) { return candidate }
            candidate = sameHash[Int(candidate)]
        }
        let line = Int32(lineCount)
        arena.append(contentsOf: bytes)
        lineStart.append(Int32(truncatingIfNeeded: arena.count))
        sameHash.append(byHash[hash] ?? -1)
        byHash[hash] = line
        return line
    }
}
