import Glibc
import ShqStore
import ShqSystem

/// `shq show --follow`: prints a command's output as the store receives it, until the command has ended.
///
/// `shq run` commits output chunks as they fill and at least every ~200 ms, so polling the chunks every
/// 100 ms shows output within about a third of a second. Progress is kept per stream as (blob, last chunk,
/// bytes printed): when the blob is replaced at the end (an identical output already stored), printing
/// resumes by byte offset in the twin.
public struct OutputFollower {
    public static let pollMicros: UInt32 = 100_000

    private let store: Store
    private let seq: Int64
    private var progress: [OutputStream: (blob: Int64, lastChunk: Int64, printed: Int64)] = [:]
    private var strippers: [OutputStream: EscapeStripper] = [:]
    private let stripEscapes: Bool

    public init(store: Store, seq: Int64, stripEscapes: Bool = false) {
        self.store = store
        self.seq = seq
        self.stripEscapes = stripEscapes
    }

    /// The invocation to follow when none is named: the newest one still running or stopped, else the
    /// newest of all.
    public static func defaultTarget(in store: Store) throws -> Invocation? {
        var live = Conditions()
        live.addLive()
        return try store.invocations(live, limit: 1).first ?? store.invocations(limit: 1).first
    }

    /// Prints until the command ends (or its wrapper is gone). `route` gives the fd for a stream, nil to
    /// skip it. Returns false if writing failed (the reader went away).
    public mutating func follow(route: (OutputStream) -> Int32?) throws -> Bool {
        while true {
            // Read the status before the output: when it is final, everything was committed before it.
            let current = try store.invocation(seq: seq)
            let live = current.map { $0.status.isLive && Self.wrapperAlive($0) } ?? false
            for output in try store.outputs(for: seq) {
                guard let blob = output.blob, let fd = route(output.stream) else { continue }
                if try !printNew(output.stream, blob: blob, to: fd) { return false }
            }
            if !live { return true }
            usleep(Self.pollMicros)
        }
    }

    private mutating func printNew(_ stream: OutputStream, blob: Int64, to fd: Int32) throws -> Bool {
        var state = progress[stream] ?? (blob, -1, 0)
        var skip: Int64 = 0
        if state.blob != blob {
            skip = state.printed
            state = (blob, -1, state.printed)
        }
        var ok = true
        var stripper = strippers[stream] ?? EscapeStripper()
        try store.forEachChunk(ofBlob: blob, after: state.lastChunk) { chunkSeq, bytes in
            state.lastChunk = chunkSeq
            var slice = bytes[...]
            if skip > 0 {
                let drop = Int(min(skip, Int64(slice.count)))
                slice = slice.dropFirst(drop)
                skip -= Int64(drop)
            }
            guard !slice.isEmpty else { return true }
            state.printed += Int64(slice.count)
            let out = stripEscapes ? stripper.strip(slice) : Array(slice)
            if writeAll(fd, out) != 0 { ok = false }
            return ok
        }
        progress[stream] = state
        strippers[stream] = stripper
        return ok
    }

    /// A record still says running but the `shq run` that owned it is gone (killed, crashed): nothing
    /// more will come.
    static func wrapperAlive(_ invocation: Invocation) -> Bool {
        guard let pid = invocation.wrapperPID else { return true }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
