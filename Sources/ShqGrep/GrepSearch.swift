import Glibc
import ShqStore

/// `shq grep`'s search over the store: the commands matching the conditions that have stored output,
/// newest first, each output streamed chunk by chunk through an `OutputScanner`. Events go to the
/// receiver as they are found, so the first hit prints before the rest of the store is read.
public struct GrepSearch {
    public let pattern: GrepPattern
    public let options: GrepOptions

    public init(pattern: GrepPattern, options: GrepOptions) {
        self.pattern = pattern
        self.options = options
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
        budget = localBudget
        if scanner.finished && options.mode != .commandsOnly { return nil }  // the receiver stopped
        if scanner.matchingLines > 0 {
            if !opened, try !receive(.output(invocation, output)) { return nil }
            if try !receive(.outputEnd(invocation, output, matchingLines: scanner.matchingLines)) { return nil }
        }
        return scanner.matchingLines
    }
}
