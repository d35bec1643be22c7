import ShqSystem
import Synchronization

/// Matches view lines against the query (fuzzy, prefix or substring; regex stays in `PickModel`) and
/// gives each match its sort key: high 32 bits the inverted score, low 32 its view rank, so ascending keys
/// are best first, ties newest first.
///
/// Large inputs are matched on two threads (the machine's cores): the ranks are cut into chunks that
/// both threads take from one atomic counter, so a helper thread that the scheduler runs late only costs
/// the chunk it holds, not half the work. Results are joined in chunk order, so the keys come back in the
/// order of `ranks` (the non-fuzzy modes rely on that: their keys are kept in rank order, unsorted).
struct LineMatching: Sendable {
    let history: PickHistory
    let viewLines: [Int32]
    let mode: MatchMode
    let matcher: FuzzyMatcher

    /// Below this many candidates one thread does it: starting a thread costs more than it saves.
    static let parallelFrom = 16_384
    static let chunk = 4_096

    @inline(__always) static func key(rank: Int32, score: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: Int32.max - score)) << 32 | UInt64(UInt32(bitPattern: rank))
    }

    /// The keys of the lines at these view ranks that match, in the order of `ranks`.
    func keys(_ ranks: [Int32]) -> [UInt64] {
        if ranks.count < Self.parallelFrom {
            var matcher = self.matcher
            return ranks.withUnsafeBufferPointer { match($0, with: &matcher) }
        }
        let shared = Chunks(ranks: ranks)
        let helper = OSThread { [self] in shared.work(self) }
        shared.work(self)
        helper.join()
        return shared.joined()
    }

    /// One thread's share: the matches among `ranks`.
    func match(_ ranks: UnsafeBufferPointer<Int32>, with matcher: inout FuzzyMatcher) -> [UInt64] {
        var keys: [UInt64] = []
        let fuzzy = mode == .fuzzy, anywhere = mode == .substring
        history.arena.withUnsafeBufferPointer { arena in
            history.lineStart.withUnsafeBufferPointer { starts in
                viewLines.withUnsafeBufferPointer { lines in
                    for rank in ranks {
                        let line = Int(lines[Int(rank)])
                        let text = UnsafeBufferPointer(rebasing: arena[Int(starts[line])..<Int(starts[line + 1])])
                        if fuzzy {
                            if let score = matcher.score(text) { keys.append(Self.key(rank: rank, score: score)) }
                        } else if PickModel.contains(matcher, in: text, anywhere: anywhere) {
                            keys.append(Self.key(rank: rank, score: 0))
                        }
                    }
                }
            }
        }
        return keys
    }
}

/// The chunks of one parallel match: a counter both threads take the next chunk from, and one result
/// slot per chunk (each written by exactly one thread; read after the helper is joined).
private final class Chunks: @unchecked Sendable {
    let ranks: [Int32]
    let count: Int
    private let next = Atomic<Int>(0)
    private let results: UnsafeMutablePointer<[UInt64]>

    init(ranks: [Int32]) {
        self.ranks = ranks
        count = (ranks.count + LineMatching.chunk - 1) / LineMatching.chunk
        results = .allocate(capacity: count)
        results.initialize(repeating: [], count: count)
    }

    deinit {
        results.deinitialize(count: count)
        results.deallocate()
    }

    func work(_ matching: LineMatching) {
        var matcher = matching.matcher  // its scratch rows are this thread's own
        ranks.withUnsafeBufferPointer { all in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                let start = index * LineMatching.chunk
                let part = UnsafeBufferPointer(rebasing: all[start..<min(start + LineMatching.chunk, all.count)])
                results[index] = matching.match(part, with: &matcher)
            }
        }
    }

    func joined() -> [UInt64] {
        var all: [UInt64] = []
        all.reserveCapacity((0..<count).reduce(0) { $0 + results[$1].count })
        for index in 0..<count { all += results[index] }
        return all
    }
}

/// Keeps only the front of a key array in order: the `k` smallest keys sorted at the start, the rest
/// after them in no order (selection, then a sort of `k` keys, instead of sorting every match).
enum TopKeys {
    /// Rearranges `keys[from...]` so that its `k` smallest keys come first, sorted.
    static func order(_ keys: inout [UInt64], from: Int, count k: Int) {
        let end = keys.count
        let want = min(from + k, end)
        guard want > from else { return }
        keys.withUnsafeMutableBufferPointer { buffer in
            select(buffer, low: from, high: end - 1, nth: want - 1)
            var front = UnsafeMutableBufferPointer(rebasing: buffer[from..<want])
            front.sort()
        }
    }

    /// Quickselect (median of three, Hoare partition): afterwards every key in `low...nth` is ≤ every key
    /// in `nth + 1...high`.
    private static func select(_ a: UnsafeMutableBufferPointer<UInt64>, low: Int, high: Int, nth: Int) {
        var low = low, high = high
        while high - low > 16 {
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { a.swapAt(mid, low) }
            if a[high] < a[low] { a.swapAt(high, low) }
            if a[high] < a[mid] { a.swapAt(high, mid) }
            let pivot = a[mid]
            var i = low, j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if nth <= j { high = j } else if nth >= i { low = i } else { return }
        }
        // A short range: sorting it settles the nth place.
        if high > low {
            var rest = UnsafeMutableBufferPointer(rebasing: a[low...high])
            rest.sort()
        }
    }
}
