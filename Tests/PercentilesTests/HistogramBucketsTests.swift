import Foundation
@testable import Percentiles
import Testing

/// A histogram rebuilt from its `buckets` (what a sharded run's partial carries) answers and
/// merges as the original does.
struct HistogramBucketsTests {
    @Test(arguments: [PercentileHistogram.Digits.three, .two])
    func rebuiltFromBucketsAnswersAndMergesAsTheOriginal(_ digits: PercentileHistogram.Digits) {
        let levels = [0, 0.001, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]
        for (seed, n) in [(11, 1), (12, 2), (13, 9), (14, 3_000), (15, 40_000)] as [(UInt64, Int)] {
            let values = PercentileHistogramTests.logNormal(n, median: 120, sigma: 2, seed: seed)
            var whole = PercentileHistogram(digits)
            var parts = [PercentileHistogram(digits), PercentileHistogram(digits), PercentileHistogram(digits)]
            for (i, v) in values.enumerated() {
                whole.record(v)
                parts[(i * 7 + Int(seed)) % 3].record(v)
            }
            let rebuilt = PercentileHistogram(digits, buckets: whole.buckets)
            #expect(rebuilt.percentiles(levels) == whole.percentiles(levels), "seed \(seed)")
            #expect(rebuilt.count == whole.count && rebuilt.max == whole.max)
            // Partials rebuilt and merged in another order give the whole's percentiles.
            var merged = PercentileHistogram(digits)
            for part in parts.reversed() { merged.merge(PercentileHistogram(digits, buckets: part.buckets)) }
            #expect(merged.percentiles(levels) == whole.percentiles(levels), "seed \(seed) merged")
        }
    }

    @Test func zerosAndASingleBucketSurvive() {
        var h = PercentileHistogram(.two)
        h.record(0, count: 3)
        h.record(5)
        let r = PercentileHistogram(.two, buckets: h.buckets)
        #expect(r.percentiles([0, 0.5, 0.8, 1]) == h.percentiles([0, 0.5, 0.8, 1]))
        var one = PercentileHistogram(.two)
        one.record(700.25); one.record(700.75)
        let r1 = PercentileHistogram(.two, buckets: one.buckets)
        #expect(r1.percentiles([0, 0.5, 1]) == one.percentiles([0, 0.5, 1]))
        #expect(PercentileHistogram(.two, buckets: []).isEmpty)
    }
}
