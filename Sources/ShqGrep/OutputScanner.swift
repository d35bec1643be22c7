import CShims
import Glibc
import ShqSystem

/// Searches one stored output as its chunks arrive: cleans them (unless --raw), cuts lines across chunk
/// boundaries, and reports matching lines with their context. Holds one chunk plus the unfinished line
/// (at most `maxLineBytes`), whatever the output's size.
struct OutputScanner {
    enum Event {
        case line(GrepLine)
        case gap
    }

    let pattern: GrepPattern
    let options: GrepOptions
    private var stripper = EscapeStripper(dropCarriageReturns: true)
    /// The unfinished line of the previous chunk, then the new chunk's text.
    private var buffer: [UInt8] = []
    private var folded: [UInt8] = []
    /// The number of the line `buffer` starts with.
    private var firstLine = 1
    private var lastShown = 0
    private var afterLeft = 0
    /// The last `before` lines of earlier buffers not yet shown, for a match at the start of a buffer.
    private var earlier: [(number: Int, text: [UInt8])] = []
    private(set) var matchingLines = 0
    /// Set when the receiver wants no more, or -l has its answer.
    private(set) var finished = false
    private var showsContext: Bool { options.before > 0 || options.after > 0 }

    init(pattern: GrepPattern, options: GrepOptions) {
        self.pattern = pattern
        self.options = options
    }

    /// Adds the next chunk; reports what the lines it completes hold. `budget`: matching lines this
    /// command may still report (-m).
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, budget: inout Int, emit: (Event) throws -> Bool) throws {
        if options.raw {
            buffer.append(contentsOf: chunk)
        } else {
            stripper.append(chunk, to: &buffer)
        }
        var complete = buffer.withUnsafeBufferPointer { bytes -> Int in
            guard let base = bytes.baseAddress, let last = shq_memrchr(base, 10, bytes.count) else { return 0 }
            return UnsafeRawPointer(last) - UnsafeRawPointer(base) + 1
        }
        // A line longer than the limit is searched in pieces (bounded memory).
        if complete == 0 && buffer.count >= options.maxLineBytes { complete = buffer.count }
        try process(upTo: complete, budget: &budget, emit: emit)
    }

    /// The output ended: the last line, if it had no newline.
    mutating func finish(budget: inout Int, emit: (Event) throws -> Bool) throws {
        try process(upTo: buffer.count, budget: &budget, emit: emit)
    }

    /// Whether the scan can stop: the answer is known or nothing more would be reported.
    func isDone(budget: Int) -> Bool { finished || (budget <= 0 && afterLeft == 0) }

    /// Lines after a match are still to be shown (-A): the next chunk must be read.
    var wantsFollowingLines: Bool { afterLeft > 0 }

    /// Text after the last newline is waiting for the rest of its line.
    var hasUnfinishedLine: Bool { !buffer.isEmpty }

    /// Goes on at a chunk further on, the chunks between not read (`ChunkPlan`): what is pending is
    /// dropped (it cannot match: its chunks' summaries said so), lines count on from `line`, and escapes
    /// are stripped from the state that chunk starts in, as a reading from the start would.
    mutating func skip(toLine line: Int, stripperState: UInt8) {
        buffer.removeAll(keepingCapacity: true)
        earlier.removeAll()
        firstLine = line
        stripper = EscapeStripper(dropCarriageReturns: true, stateCode: stripperState)
    }

    private mutating func process(upTo complete: Int, budget: inout Int, emit: (Event) throws -> Bool) throws {
        guard complete > 0 else { return }
        if pattern.needsFoldedBuffer {
            buffer.withUnsafeBufferPointer { GrepPattern.fold(UnsafeBufferPointer(rebasing: $0[0..<complete]), into: &folded) }
        }
        var nextLine = firstLine
        var scanned = 0
        // Local copies (no bytes copied: the arrays are shared until the buffer is cut below), so the
        // scan can read them while the reporting methods change the scanner.
        let snapshot = buffer, foldedSnapshot = folded
        try snapshot.withUnsafeBufferPointer { whole in
            try foldedSnapshot.withUnsafeBufferPointer { foldedWhole in
                let bytes = UnsafeBufferPointer(rebasing: whole[0..<complete])
                let foldedBytes = pattern.needsFoldedBuffer ? UnsafeBufferPointer(rebasing: foldedWhole[0..<complete]) : nil
                var position = 0, line = firstLine
                while position < complete && !finished {
                    if afterLeft == 0 {
                        if budget <= 0 { break }
                        guard let candidate = pattern.nextCandidate(in: bytes, folded: foldedBytes, from: position) else { break }
                        let start = Self.lineStart(bytes, before: candidate, notBefore: position)
                        line += Self.newlines(bytes, from: position, to: start)
                        position = start
                    }
                    let end = Self.lineEnd(bytes, from: position)
                    let text = UnsafeBufferPointer(rebasing: bytes[position..<end])
                    let matches = budget > 0 ? pattern.matches(inLine: text) : []
                    if !matches.isEmpty {
                        try report(line: line, text: text, matches: matches, start: position, in: bytes, emit: emit)
                        budget -= 1
                        afterLeft = options.after
                    } else if afterLeft > 0 {
                        if try !show(line, Array(text), [], emit: emit) { finished = true }
                        afterLeft -= 1
                    }
                    position = end + 1
                    if end < complete { line += 1 }
                }
                scanned = min(position, complete)
                nextLine = line + Self.newlines(bytes, from: scanned, to: complete)
                if options.before > 0 { keepEarlier(bytes, endingAt: complete, nextLine: nextLine) }
            }
        }
        firstLine = nextLine
        buffer.removeSubrange(0..<complete)
    }

    private mutating func report(
        line: Int, text: UnsafeBufferPointer<UInt8>, matches: [Range<Int>], start: Int,
        in bytes: UnsafeBufferPointer<UInt8>, emit: (Event) throws -> Bool
    ) throws {
        matchingLines += 1
        if options.mode == .commandsOnly { finished = true }
        guard options.mode == .lines else { return }
        if options.before > 0 {
            // The lines before, from this buffer and, at its start, from the ones before it.
            var lines: [(Int, [UInt8])] = []
            var cursor = start, number = line
            while lines.count < options.before, cursor > 0, number - 1 > lastShown {
                let previousStart = Self.lineStart(bytes, before: cursor - 1, notBefore: 0)
                number -= 1
                lines.insert((number, Array(bytes[previousStart..<(cursor - 1)])), at: 0)
                cursor = previousStart
            }
            if cursor == 0 {
                let wanted = options.before - lines.count
                let older = earlier.filter { $0.number > lastShown && $0.number < number }.suffix(wanted)
                lines.insert(contentsOf: older.map { ($0.number, $0.text) }, at: 0)
            }
            for (number, context) in lines where try !show(number, context, [], emit: emit) {
                finished = true
                return
            }
        }
        if try !show(line, Array(text), matches, emit: emit) { finished = true }
    }

    private mutating func show(_ number: Int, _ text: [UInt8], _ matches: [Range<Int>], emit: (Event) throws -> Bool) throws -> Bool {
        if showsContext, lastShown > 0, number > lastShown + 1, try !emit(.gap) { return false }
        lastShown = number
        return try emit(.line(GrepLine(number: number, text: text, matches: matches)))
    }

    /// Keeps the last `before` lines of the processed part for the next buffer's first match.
    private mutating func keepEarlier(_ bytes: UnsafeBufferPointer<UInt8>, endingAt complete: Int, nextLine: Int) {
        var lines: [(number: Int, text: [UInt8])] = []
        var end = complete, number = nextLine
        // A piece of a long line (no newline at its end) is not a whole line: not kept.
        if bytes[complete - 1] != 10 { return }
        while lines.count < options.before, end > 0 {
            let start = Self.lineStart(bytes, before: end - 1, notBefore: 0)
            number -= 1
            lines.insert((number, Array(bytes[start..<(end - 1)])), at: 0)
            end = start
        }
        earlier = Array((earlier + lines).suffix(options.before))
    }

    /// The start of the line holding `offset`, not before `floor` (itself a line start).
    static func lineStart(_ bytes: UnsafeBufferPointer<UInt8>, before offset: Int, notBefore floor: Int) -> Int {
        guard offset > floor else { return floor }
        guard let found = shq_memrchr(bytes.baseAddress! + floor, 10, offset - floor) else { return floor }
        return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!) + 1
    }

    /// The offset of the newline ending the line that starts at `offset`, or the end of `bytes`.
    static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int) -> Int {
        guard offset < bytes.count else { return bytes.count }
        let found = memchr(bytes.baseAddress! + offset, 10, bytes.count - offset)
        return found.map { UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!) } ?? bytes.count
    }

    /// Newlines in `bytes[from..<to]`, eight bytes at a time.
    static func newlines(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        var count = 0, index = from
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        let highs: UInt64 = 0x8080_8080_8080_8080
        let newline: UInt64 = 0x0a0a_0a0a_0a0a_0a0a
        while index + 8 <= to {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ newline
            // A zero byte of `word` is a newline; this marks exactly the zero bytes.
            let zeros = ~(((word & ~highs) &+ ~highs) | word) & highs
            count += zeros.nonzeroBitCount
            index += 8
        }
        while index < to {
            if bytes[index] == 10 { count += 1 }
            index += 1
        }
        return count
    }
}
