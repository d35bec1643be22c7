import Glibc
import ShqStore

/// `shq grep`'s search over the store: the commands matching the conditions that have stored output,
/// newest first, each output streamed chunk by chunk through an `OutputScanner`. Events go to the
/// receiver as they are found, so the first hit prints before the rest of the store is read.
public struct GrepSearch {
    public let pattern: GrepPattern
    public let options: GrepOptions

    /// The trigrams of the literal every match contains, looked up in the chunk summaries; none under
    /// --raw (the summaries describe the text with escapes removed).
    private let keys: [UInt32]
    /// False: every output is read whole, as for chunks stored without summaries (tests compare the two).
    var usesSummaries = true

    public init(pattern: GrepPattern, options: GrepOptions) {
        self.pattern = pattern
        self.options = options
        keys = options.raw ? [] : Trigram.keys(of: pattern.literal)
    }

    /// Runs the search; `receive` returns false to stop (the reader went away). Returns how many
    /// commands matched. `window`: a selector's range (skip the newest `offset`, take `count`), counted
    /// over all the commands the conditions select, with output or not (`@1` is the last command).
    @discardableResult
    public func run(
        in store: Store, where conditions: Conditions, window: (offset: Int, count: Int?) = (0, nil),
        _ receive: (GrepEvent) throws -> Bool
    ) throws -> Int {
        var conditions = conditions
        if window.offset == 0 && window.count == nil { conditions.addHasOutput() }
        var commands = 0
        try store.forEachInvocation(conditions, offset: window.offset, limit: window.count) { invocation in
            guard let seq = invocation.seq else { return true }
            var budget = options.maxPerCommand ?? Int.max
            var announced = false
            var total = 0
            for output in try store.outputs(for: seq) where output.blob != nil {
                if !options.streams.isEmpty && !options.streams.contains(output.stream) { continue }
                let found = try scan(output, of: invocation, in: store, budget: &budget) { event in
                    if !announced {
                        announced = true
                        if try !receive(.command(invocation)) { return false }
                    }
                    return try receive(event)
                }
                guard let found else {
                    commands += 1  // the receiver stopped in the middle of this command's lines
                    return false
                }
                total += found
                if budget <= 0 || (options.mode == .commandsOnly && total > 0) { break }
            }
            if total > 0 {
                commands += 1
                if try !receive(.commandEnd(invocation, matchingLines: total)) { return false }
            }
            return options.maxCommands.map { commands < $0 } ?? true
        }
        return commands
    }

    /// One stream: its matching line count, or nil when the receiver stopped the search.
    private func scan(
        _ output: StoredOutput, of invocation: Invocation, in store: Store, budget: inout Int,
        _ receive: (GrepEvent) throws -> Bool
    ) throws -> Int? {
        guard let blob = output.blob else { return 0 }
        var scanner = OutputScanner(pattern: pattern, options: options)
        var opened = false
        var localBudget = budget
        func emit(_ event: OutputScanner.Event) throws -> Bool {
            if !opened {
                opened = true
                if try !receive(.output(invocation, output)) { return false }
            }
            switch event {
            case .line(let line): return try receive(.line(line))
            case .gap: return try receive(.gap)
            }
        }
        let plan = keys.isEmpty || !usesSummaries ? nil : try ChunkPlan.make(
            store.chunkSummaries(ofBlob: blob), keys: keys, before: options.before, maxLineBytes: options.maxLineBytes)
        if let plan {
            if plan.binary && !options.binary { return 0 }
            let read = try scanPlanned(plan, blob: blob, in: store, scanner: &scanner, budget: &localBudget, emit: emit)
            if read && !scanner.finished { try scanner.finish(budget: &localBudget, emit: emit) }
        } else {
            try scanWhole(blob, in: store, scanner: &scanner, budget: &localBudget, emit: emit)
        }
        budget = localBudget
        if scanner.finished && options.mode != .commandsOnly { return nil }  // the receiver stopped
        if scanner.matchingLines > 0 {
            if !opened, try !receive(.output(invocation, output)) { return nil }
            if try !receive(.outputEnd(invocation, output, matchingLines: scanner.matchingLines)) { return nil }
        }
        return scanner.matchingLines
    }

    /// Every chunk, in order.
    private func scanWhole(
        _ blob: Int64, in store: Store, scanner: inout OutputScanner, budget localBudget: inout Int,
        emit: (OutputScanner.Event) throws -> Bool
    ) throws {
        var first = true
        try store.forEachChunk(ofBlob: blob) { _, bytes in
            if first {
                first = false
                // Binary: a NUL byte in the first chunk, as grep and ripgrep decide.
                if !options.binary, bytes.withUnsafeBytes({ $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }) { return false }
            }
            try bytes.withUnsafeBufferPointer { try scanner.feed($0, budget: &localBudget, emit: emit) }
            return !scanner.isDone(budget: localBudget)
        }
        if !scanner.finished { try scanner.finish(budget: &localBudget, emit: emit) }
    }

    /// The chunks the plan wants, and after each the ones the scanner still needs: the rest of a line
    /// begun in a wanted chunk, and -A lines. Returns whether the last chunk was read (only then does the
    /// output's last, unterminated line belong to the scan).
    private func scanPlanned(
        _ plan: ChunkPlan, blob: Int64, in store: Store, scanner: inout OutputScanner, budget: inout Int,
        emit: (OutputScanner.Event) throws -> Bool
    ) throws -> Bool {
        var last = -1
        var lineFromWanted = false
        for index in plan.wanted.indices {
            if scanner.isDone(budget: budget) { return false }
            let goesOn = last == index - 1 && (lineFromWanted || scanner.wantsFollowingLines)
            guard plan.wanted[index] || goesOn else { continue }
            if last != index - 1 {
                scanner.skip(toLine: plan.firstLines[index], stripperState: plan.summaries[index].startState)
            }
            // Gone since the plan was made: the output was forgotten while it was searched.
            guard let bytes = try store.chunk(ofBlob: blob, seq: Int64(index)) else { return false }
            try bytes.withUnsafeBufferPointer { try scanner.feed($0, budget: &budget, emit: emit) }
            last = index
            if plan.wanted[index] {
                lineFromWanted = scanner.hasUnfinishedLine
            } else if plan.summaries[index].lines > 0 {
                lineFromWanted = false  // that line ended here; what is left began in a chunk not wanted
            }
        }
        return last == plan.wanted.count - 1
    }
}
