import Glibc
import ShqSystem

/// A whole record kept in a file because another process held the store's write lock when it was made:
/// `shq run` and `shq save` wait at most `Store.startWaitMilliseconds` for the store, then go on
/// without it, and a record the store was still locked against at the end lands here. The next spool
/// ingest writes it (`Store.ingestPendingRecord`) with a `late` event saying when it reached the store.
///
/// `<id>.record` in the spool folder, written as `.<id>.partial` and renamed once complete and synced,
/// so an ingest never sees half a record. Lines of TAB-separated fields escaped as in the hook spool
/// (`SpoolRecord.escape`; an empty field means none), output as raw bytes after a line giving their count:
///
///     shq-record 1
///     A <import key>                            output for an existing record, instead of I (`shq session`)
///     R <fields as I>                           the end of a stored record (a lock taken during its run):
///                                               its row gets the final fields, its output is replaced
///     I <id> <session> <cmd> <cwd> <host> <user> <shell> <tty> <source> <started µs> <ended µs>
///       <duration µs> <exit> <signal> <status> <pid> <pid start> <wrapper pid> <wrapper start> <tag> <pipestatus>
///     E <kind> <at µs> <signal> <exit>          a lifecycle event
///     H <stream> <n> LF <n bytes> LF            head bytes of a stream
///     T <stream> <keep> <n> LF <n bytes> LF     tail bytes: the store keeps the last <keep> of the tail
///     X <stream> <truncated 0|1>                the stream ended
///
/// Output is written already through the privacy filter: bytes the no-save marker refuses never
/// reach the file (`dropOutputs` cuts what was written of them).
public final class PendingRecordFile {
    static let header = "shq-record 1"
    static let suffix = ".record"

    public let path: String
    private let partialPath: String
    private let fd: Int32
    /// Where the output starts: `dropOutputs` cuts the file back to here.
    private var outputStart: Int64 = 0
    private var size: Int64 = 0
    private var wroteOutput = false
    private var failure: Int32 = 0

    /// Creates the file for the record with this id in the spool folder of `location`.
    public init(location: StoreLocation, id: String) throws {
        try location.createSpoolDirectory()
        let directory = location.spoolDirectory
        path = directory + "/" + id + Self.suffix
        partialPath = directory + "/." + id + ".partial"
        fd = open(partialPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw StoreError(partialPath, "cannot create: \(errnoDescription(errno))") }
        line([Array(Self.header.utf8)])
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Instead of a record: output for the record with this import key (a hook record `shq session`
    /// could not attach its output to while the store was locked). Ingested only if that record exists
    /// and has no output yet.
    public func attach(toImportKey key: String) {
        line([[UInt8(ascii: "A")], Array(key.utf8)])
    }

    public func add(_ invocation: Invocation) {
        add(invocation, tag: "I")
    }

    /// Instead of a record: the end of the stored record with `invocation`'s id, whose run found the
    /// store locked at its end. The output that follows replaces what the store holds of it.
    public func complete(_ invocation: Invocation) {
        add(invocation, tag: "R")
    }

    private func add(_ invocation: Invocation, tag: Unicode.Scalar) {
        func text(_ value: String?) -> [UInt8] { Array((value ?? "").utf8) }
        func number<N: BinaryInteger>(_ value: N?) -> [UInt8] { value.map { Array(String($0).utf8) } ?? [] }
        line([
            [UInt8(ascii: tag)], text(invocation.id), text(invocation.session), invocation.cmd, invocation.cwd ?? [],
            text(invocation.host), text(invocation.user), text(invocation.shell), text(invocation.tty),
            text(invocation.source.rawValue), number(invocation.startedAt.microseconds),
            number(invocation.endedAt?.microseconds), number(invocation.durationMicros), number(invocation.exitCode),
            number(invocation.signal), text(invocation.status.rawValue), number(invocation.pid),
            number(invocation.pidStartTicks), number(invocation.wrapperPID), number(invocation.wrapperStartTicks),
            text(invocation.tag), text(invocation.pipestatus),
        ])
    }

    public func add(_ event: LifecycleEvent) {
        line([[UInt8(ascii: "E")], Array(event.kind.rawValue.utf8), Array(String(event.at.microseconds).utf8),
              event.signal.map { Array(String($0).utf8) } ?? [], event.exitCode.map { Array(String($0).utf8) } ?? []])
    }

    /// Head bytes of `stream`, in order.
    public func addHead(_ stream: OutputStream, _ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        markOutput()
        line([[UInt8(ascii: "H")], Array(stream.rawValue.utf8), Array(String(bytes.count).utf8)])
        raw(bytes)
    }

    /// Tail bytes of `stream` (after its head), of which the store keeps the last `keep`.
    public func addTail(_ stream: OutputStream, keep: Int64, _ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        markOutput()
        line([[UInt8(ascii: "T")], Array(stream.rawValue.utf8), Array(String(keep).utf8), Array(String(bytes.count).utf8)])
        raw(bytes)
    }

    /// The end of `stream` (a stream with no bytes is stored empty, as `shq run` stores it).
    public func endStream(_ stream: OutputStream, truncated: Bool) {
        markOutput()
        line([[UInt8(ascii: "X")], Array(stream.rawValue.utf8), [truncated ? UInt8(ascii: "1") : UInt8(ascii: "0")]])
    }

    /// The no-save marker was seen: what was written of the output is cut off, nothing more is added.
    public func dropOutputs() {
        markOutput()  // nothing of the output written yet: cut nothing
        if ftruncate(fd, off_t(outputStart)) != 0, failure == 0 { failure = errno }
        _ = lseek(fd, off_t(outputStart), SEEK_SET)
        size = outputStart
        wroteOutput = true
    }

    /// Syncs the file and gives it its final name: from now on an ingest takes it.
    public func commit() throws {
        if failure == 0, fsync(fd) != 0 { failure = errno }
        if failure == 0, rename(partialPath, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(partialPath)
            throw StoreError(partialPath, "cannot write: \(errnoDescription(failure))")
        }
    }

    /// Removes an unfinished file.
    public func abandon() {
        unlink(partialPath)
    }

    private func markOutput() {
        if !wroteOutput { outputStart = size }
        wroteOutput = true
    }

    private func line(_ fields: [[UInt8]]) {
        var bytes = Array(fields.map(SpoolRecord.escape).joined(separator: [9]))
        bytes.append(10)
        bytes.withUnsafeBytes { raw($0, newline: false) }
    }

    private func raw(_ bytes: UnsafeRawBufferPointer, newline: Bool = true) {
        guard failure == 0 else { return }
        failure = writeAll(fd, bytes)
        if failure == 0, newline { failure = writeAll(fd, [10]) }
        size += Int64(bytes.count) + (newline ? 1 : 0)
    }
}

extension Store {
    /// Writes one pending record file into the store, in one transaction, with a `late` event at the
    /// time of the commit. A record whose id is already stored (an ingest that died after its commit,
    /// before removing the file) adds nothing. Throws on a file that is not a pending record.
    func ingestPendingRecord(_ bytes: UnsafeRawBufferPointer, name: String) throws {
        var reader = PendingRecordReader(bytes: bytes)
        func malformed(_ what: String) -> StoreError { StoreError(name, "not a pending record: \(what)") }
        guard let first = reader.line(), first == [Array(PendingRecordFile.header.utf8)] else { throw malformed("header") }
        try db.writeTransaction { () throws in
            var seq: Int64?
            var writers: [OutputStream: OutputWriter] = [:]
            var tails: Set<OutputStream> = []
            func writer(_ field: [UInt8]) throws -> OutputWriter {
                guard let stream = OutputStream(rawValue: String(decoding: field, as: UTF8.self)), let seq else {
                    throw malformed("output before the record")
                }
                if let existing = writers[stream] { return existing }
                let made = OutputWriter(store: self, invocation: seq, stream: stream)
                writers[stream] = made
                return made
            }
            while let fields = reader.line() {
                switch fields.first {
                case [UInt8(ascii: "I")]?:
                    guard let invocation = PendingRecordReader.invocation(fields) else { throw malformed("record line") }
                    if try hasInvocation(id: invocation.id) { return }  // ingested before
                    seq = try insert(invocation)
                    guard let seq else { throw malformed("duplicate import key") }
                    try record(LifecycleEvent(.late), for: seq)
                case [UInt8(ascii: "R")]?:
                    guard let end = PendingRecordReader.invocation(fields), let endedAt = end.endedAt,
                          let termination = end.termination else { throw malformed("end line") }
                    // Forgotten since, or ended before (an ingest that died before removing the file).
                    guard let target = try runningSeq(id: end.id) else { return }
                    seq = target
                    try discardOutputs(of: target)
                    if let pid = end.pid { try setProcess(pid: pid, startTicks: end.pidStartTicks, for: target) }
                    try finish(target, termination: termination, endedAt: endedAt, durationMicros: end.durationMicros ?? 0)
                    try record(LifecycleEvent(.late), for: target)
                case [UInt8(ascii: "A")]?:
                    guard fields.count >= 2 else { throw malformed("attach line") }
                    guard let target = try self.seq(forImportKey: String(decoding: fields[1], as: UTF8.self)),
                          try !hasOutput(target) else { return }  // its record was not kept, or has output
                    seq = target
                case [UInt8(ascii: "E")]?:
                    guard let seq, fields.count >= 5, let kind = LifecycleEvent.Kind(rawValue: String(decoding: fields[1], as: UTF8.self)),
                          let at = SpoolRecord.parseInteger(fields[2]) else { throw malformed("event line") }
                    // The event's own status change (stopped, resumed) is history: the record line holds the final one.
                    let event = LifecycleEvent(kind, at: Timestamp(microseconds: at),
                        signal: SpoolRecord.parseInteger(fields[3]).map { Int32(truncatingIfNeeded: $0) },
                        exitCode: SpoolRecord.parseInteger(fields[4]).map { Int32(truncatingIfNeeded: $0) })
                    try recordEventOnly(event, for: seq)
                case [UInt8(ascii: "H")]?, [UInt8(ascii: "T")]?:
                    let isTail = fields[0] == [UInt8(ascii: "T")]
                    guard fields.count >= (isTail ? 4 : 3), let count = SpoolRecord.parseInteger(fields[isTail ? 3 : 2]),
                          let bytes = reader.bytes(Int(count)) else { throw malformed("output block") }
                    let output = try writer(fields[1])
                    if isTail, !tails.contains(output.stream) {
                        guard let keep = SpoolRecord.parseInteger(fields[2]) else { throw malformed("tail block") }
                        try output.startTail(keepingLast: keep)
                        tails.insert(output.stream)
                    }
                    try output.append(bytes)
                case [UInt8(ascii: "X")]?:
                    guard fields.count >= 3 else { throw malformed("stream end") }
                    try writer(fields[1]).finish(truncated: fields[2] == [UInt8(ascii: "1")])
                default:
                    throw malformed("unknown line")
                }
            }
        }
    }

    /// The row of the record with this id if it is stored and has not ended.
    func runningSeq(id: String) throws -> Int64? {
        guard let bytes = InvocationID.bytes(id) else { return nil }
        let lookup = try db.prepare("SELECT seq FROM invocation_rows WHERE id = ? AND ended_at IS NULL")
        bytes.withUnsafeBytes { lookup.bindBlob(1, $0) }
        return try lookup.step() ? lookup.int(0) : nil
    }

    /// Whether a record with this id is stored.
    func hasInvocation(id: String) throws -> Bool {
        guard let bytes = InvocationID.bytes(id) else { return false }
        let lookup = try db.cachedStatement("has id") { "SELECT 1 FROM invocation_rows WHERE id = ?" }
        bytes.withUnsafeBytes { lookup.bindBlob(1, $0) }
        defer { lookup.reset() }
        return try lookup.step()
    }
}

/// Reads a pending record file: lines of escaped fields, and counted raw bytes.
struct PendingRecordReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    /// The next line's fields, unescaped; nil at the end (or at a line cut short).
    mutating func line() -> [[UInt8]]? {
        guard offset < bytes.count, let end = bytes[offset...].firstIndex(of: 10) else { return nil }
        let fields = bytes[offset..<end].split(separator: 9, omittingEmptySubsequences: false).map { SpoolRecord.unescape($0) }
        offset = end + 1
        return fields
    }

    /// The next `count` bytes and their closing newline.
    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, offset + count < bytes.count, bytes[offset + count] == 10 else { return nil }
        let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
        offset += count + 1
        return piece
    }

    static func invocation(_ fields: [[UInt8]]) -> Invocation? {
        guard fields.count >= 22 else { return nil }
        func text(_ i: Int) -> String? { fields[i].isEmpty ? nil : String(decoding: fields[i], as: UTF8.self) }
        func number(_ i: Int) -> Int64? { SpoolRecord.parseInteger(fields[i]) }
        func small(_ i: Int) -> Int32? { number(i).flatMap { Int32(exactly: $0) } }
        guard let id = text(1), let source = text(9).flatMap(InvocationSource.init(rawValue:)), let started = number(10),
              let status = text(15).flatMap(InvocationStatus.init(rawValue:)) else { return nil }
        var invocation = Invocation(
            id: id, session: text(2), cmd: fields[3], cwd: fields[4].isEmpty ? nil : fields[4], host: text(5),
            user: text(6), shell: text(7), tty: text(8), source: source, startedAt: Timestamp(microseconds: started),
            endedAt: number(11).map(Timestamp.init(microseconds:)), durationMicros: number(12), exitCode: small(13),
            signal: small(14), status: status, pid: small(16), pidStartTicks: number(17), tag: text(20),
            pipestatus: text(21))
        invocation.wrapperPID = small(18)
        invocation.wrapperStartTicks = number(19)
        return invocation
    }
}
