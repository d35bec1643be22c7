import ShqQuery
import ShqRender
import ShqStore
import ShqSystem

/// Reads the preview of a line from the store: its newest record's status, duration, time and directory,
/// and the last lines of the newest captured output among its records. Cached per line: moving the
/// selection back and forth reads nothing again.
struct PreviewReader {
    let store: Store
    let withOutput: Set<Int64>
    private var cache: [Int32: PickPreview] = [:]
    static let maxLines = 60
    static let maxBytes = 64 * 1024

    init(store: Store) throws {
        self.store = store
        withOutput = try store.invocationsWithOutput()
    }

    mutating func forget() { cache = [:] }

    mutating func preview(of line: Int32, in model: PickModel, now: Int64) -> PickPreview? {
        if let cached = cache[line] { return cached }
        let latest = model.latestRow(of: line)
        guard let record = try? store.invocation(seq: model.history.rowSeq[latest]) else { return nil }
        var preview = PickPreview(
            status: Self.status(record), failed: record.status == .failed || (record.exitCode ?? 0) != 0 || record.signal != nil,
            duration: record.durationMicros.map { DurationText.format(micros: $0) },
            when: PickFrame.age(micros: now - record.startedAt.microseconds) + " ago",
            directory: record.cwd.map { String(decoding: $0, as: UTF8.self) })
        var source: Int64?
        if withOutput.contains(model.history.rowSeq[latest]) {
            source = model.history.rowSeq[latest]
        } else if !withOutput.isEmpty {
            for row in model.rows(of: line) where withOutput.contains(model.history.rowSeq[row]) {
                source = model.history.rowSeq[row]
                preview.note = "output of the run " + PickFrame.age(micros: now - model.history.rowStarted[row]) + " ago"
                break
            }
        }
        if let source, let lines = try? tail(of: source) {
            preview.output = lines
            if lines.isEmpty { preview.note = "no output" }
        } else {
            preview.note = "no output captured (shq run, or hook init --capture, keeps it)"
        }
        cache[line] = preview
        return preview
    }

    static func status(_ record: Invocation) -> String {
        if record.status.isLive { return record.status.rawValue }
        if let signal = record.signal { return "signal \(signal)" }
        if let code = record.exitCode { return "exit \(code)" }
        return record.status.rawValue
    }

    /// The last lines of a record's output (the terminal stream, else stdout, else stderr), escapes
    /// removed; a line rewritten with `\r` (progress bars) shows its last state.
    private func tail(of seq: Int64) throws -> [String] {
        let outputs = try store.outputs(for: seq).filter { $0.bytes > 0 }
        guard let output = outputs.first(where: { $0.stream != .stderr }) ?? outputs.first, let blob = output.blob else { return [] }
        var chunks: [[UInt8]] = []
        var newlines = 0, bytes = 0
        try store.forEachChunk(ofBlob: blob, reversed: true) { _, chunk in
            chunks.append(chunk)
            newlines += chunk.lazy.filter { $0 == 10 }.count
            bytes += chunk.count
            return newlines <= Self.maxLines && bytes < Self.maxBytes
        }
        var stripper = EscapeStripper()
        let text = stripper.strip(chunks.reversed().joined())
        var lines = text.split(separator: 10, omittingEmptySubsequences: false).suffix(Self.maxLines + 1)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in
            let last = line.lastIndex(of: 13).map { line[($0 + 1)...] } ?? line[...]
            return String(decoding: last, as: UTF8.self)
        }
    }
}
