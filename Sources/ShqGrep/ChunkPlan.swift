import ShqStore

/// Which chunks of one output a search reads, decided from their summaries before any is decompressed
/// (Docs/design/grep.md): those that may hold the literal every match contains, and before them the ones
/// holding the start of its line and the `-B` lines. What follows a match (the rest of its line, `-A`
/// lines) is read on while the scanner asks for it.
///
/// A literal spanning chunks has its trigrams split between their filters, in order: the first ones in
/// one chunk, the rest in the next (a chunk of escapes only, with no text, passes a partial match on).
/// So the plan follows partial matches from chunk to chunk: `reach[k]` says the first k trigrams may lie
/// in the chunks up to this one, ending here, and `origin[k]` where that chain began at the earliest.
struct ChunkPlan {
    let wanted: [Bool]
    /// The number of the line each chunk's text starts in.
    let firstLines: [Int]
    let summaries: [ChunkSummary]
    /// The output is binary: a NUL byte in its first chunk.
    var binary: Bool { summaries.first?.hasNul ?? false }

    /// Trigrams beyond these add little to a filter's answer and cost a pass each; any prefix of the
    /// literal must be present too, so using only the first ones is still exact.
    static let maxKeys = 32

    /// The plan, or nil when the output must be read whole: a chunk without a summary (stored before
    /// summaries existed), a gap in the chunks (a capped output's tail lost its oldest chunks, so the
    /// summaries no longer follow one text), no trigram to look for, or a line that may be longer than
    /// `maxLineBytes` (the scanner cuts those into pieces counted from the line's start).
    static func make(
        _ chunks: [(seq: Int64, summary: ChunkSummary?)], keys allKeys: [UInt32], before: Int, maxLineBytes: Int
    ) -> ChunkPlan? {
        guard !allKeys.isEmpty, !chunks.isEmpty else { return nil }
        var summaries: [ChunkSummary] = []
        summaries.reserveCapacity(chunks.count)
        for (index, chunk) in chunks.enumerated() {
            guard chunk.seq == Int64(index), let summary = chunk.summary else { return nil }
            summaries.append(summary)
        }
        if mayHoldLongLine(summaries, maxLineBytes: maxLineBytes) { return nil }
        let keys = Array(allKeys.prefix(maxKeys))
        let total = keys.count
        var wanted = [Bool](repeating: false, count: chunks.count)
        var reach = [Bool](repeating: false, count: total + 1)
        var origin = [Int](repeating: Int.max, count: total + 1)
        for (index, summary) in summaries.enumerated() {
            if summary.textBytes == 0 { continue }  // no text: partial matches pass through unchanged
            var nextReach = [Bool](repeating: false, count: total + 1)
            var nextOrigin = [Int](repeating: Int.max, count: total + 1)
            // A chain starts here (k = 0), or goes on from one that covered the first k trigrams before.
            for start in 0..<total where start == 0 || reach[start] {
                let from = start == 0 ? index : origin[start]
                var covered = start
                while covered < total && summary.mayHold(keys[covered]) {
                    covered += 1
                    nextReach[covered] = true
                    nextOrigin[covered] = min(nextOrigin[covered], from)
                }
            }
            if nextReach[total] {
                let first = nextOrigin[total]
                for chunk in first...index { wanted[chunk] = true }
                // Back to the chunk holding the newline before the match's line and its -B lines.
                var newlines = 0, chunk = first - 1
                while chunk >= 0 && newlines <= before {
                    wanted[chunk] = true
                    newlines += summaries[chunk].lines
                    chunk -= 1
                }
            }
            nextReach[total] = false
            reach = nextReach
            origin = nextOrigin
        }
        var firstLines: [Int] = []
        firstLines.reserveCapacity(summaries.count)
        var line = 1
        for summary in summaries {
            firstLines.append(line)
            line += summary.lines
        }
        return ChunkPlan(wanted: wanted, firstLines: firstLines, summaries: summaries)
    }

    /// Whether some line may reach `maxLineBytes`: a run of chunks without a newline, with the two
    /// chunks around it (where the line may start and end), holds that much text.
    private static func mayHoldLongLine(_ summaries: [ChunkSummary], maxLineBytes: Int) -> Bool {
        var index = 0
        while index < summaries.count {
            var end = index
            var bytes = summaries[index].textBytes
            while end + 1 < summaries.count && summaries[end].lines == 0 {
                end += 1
                bytes += summaries[end].textBytes
            }
            if index > 0 { bytes += summaries[index - 1].textBytes }
            if bytes >= maxLineBytes { return true }
            index = end + 1
        }
        return false
    }
}
