/// Exact percentiles without sorting: at a million durations a sort costs ~70 ms of `shq stats`'
/// 300 ms budget, a selection a few.
enum Percentile {
    /// The nearest-rank `fraction` percentile of `values` (the value at rank ⌈fraction·n⌉ in ascending
    /// order), nil when empty. Reorders `values`.
    static func nearestRank(_ fraction: Double, of values: inout [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let rank = max(1, Int((fraction * Double(values.count)).rounded(.up)))
        return select(rank - 1, in: &values)
    }

    /// The `k`-th smallest value (0-based): Hoare partitioning around a median of three, recursing into
    /// the side that holds `k` only.
    static func select(_ k: Int, in values: inout [Int64]) -> Int64 {
        var low = 0, high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = medianOfThree(values[low], values[middle], values[high])
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] ≤ pivot ≤ values[i...high], and values[j+1..<i] == pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return values[k]
            }
        }
        return values[k]
    }

    private static func medianOfThree(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        max(min(a, b), min(max(a, b), c))
    }
}
