@testable import ShqStore
import ShqTestSupport
import Testing

/// The selection behind `shq stats`' median and p90 gives what sorting gives, on every shape of input.
@Suite struct PercentileTests {
    @Test func selectionEqualsSorting() {
        var random = SeededRandom(seed: 7)
        for size in [1, 2, 3, 10, 101, 1_000, 4_096] {
            for shape in 0..<4 {
                let values: [Int64] = (0..<size).map { index in
                    switch shape {
                    case 0: return Int64(random.next() % 1_000_000)
                    case 1: return Int64(random.next() % 3)           // many duplicates
                    case 2: return Int64(index)                        // sorted
                    default: return Int64(size - index)                // reversed
                    }
                }
                let sorted = values.sorted()
                for fraction in [0.01, 0.25, 0.5, 0.9, 0.99, 1.0] {
                    var copy = values
                    let rank = max(1, Int((fraction * Double(size)).rounded(.up)))
                    #expect(Percentile.nearestRank(fraction, of: &copy) == sorted[rank - 1], "size \(size) shape \(shape) \(fraction)")
                }
            }
        }
        var empty: [Int64] = []
        #expect(Percentile.nearestRank(0.5, of: &empty) == nil)
    }
}
