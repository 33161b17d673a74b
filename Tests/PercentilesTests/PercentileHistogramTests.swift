import Foundation
@testable import Percentiles
import Testing

/// The precision `PercentileHistogram` states, checked against sorted values.
struct PercentileHistogramTests {
    /// The nearest-rank `p`-quantile of ascending `sorted` values.
    static func rank(_ sorted: [Double], _ p: Double) -> Double {
        sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
    }

    /// Log-normal values around `median` (Box–Muller on a fixed linear congruential stream).
    static func logNormal(_ n: Int, median: Double, sigma: Double, seed: UInt64) -> [Double] {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<n).map { _ in median * exp(sigma * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())) }
    }

    /// A bucket's width relative to its values, at most.
    static func width(_ digits: PercentileHistogram.Digits) -> Double { digits == .three ? 1.0 / 1024 : 1.0 / 128 }

    @Test(arguments: [PercentileHistogram.Digits.three, .two])
    func withinABucketAboveTheNearestRankNeverBelow(_ digits: PercentileHistogram.Digits) {
        for (seed, n) in [(1, 1), (2, 7), (3, 100), (4, 4_097), (5, 50_000)] as [(UInt64, Int)] {
            let values = Self.logNormal(n, median: 300, sigma: 1.5, seed: seed).map { ($0 * 1000).rounded() / 1000 }
            var h = PercentileHistogram(digits)
            for v in values { h.record(v) }
            let sorted = values.sorted()
            for p in [0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1] {
                let got = h.percentile(p), want = Self.rank(sorted, p)
                #expect(got >= want && got <= want * (1 + Self.width(digits)), "\(digits) n \(n) p \(p): \(got) vs \(want)")
            }
            #expect(h.count == n && h.max == sorted[n - 1] && h.digits == digits)
        }
    }

    @Test(arguments: [PercentileHistogram.Digits.three, .two])
    func answersAsTheLibrarysValueAtPercentile(_ digits: PercentileHistogram.Digits) {
        // One pass of the iterator for several levels gives what valueAtPercentile gives for each.
        for (seed, n) in [(11, 1), (12, 2), (13, 3), (14, 99), (15, 1_000), (16, 33_333)] as [(UInt64, Int)] {
            var h = PercentileHistogram(digits)
            for v in Self.logNormal(n, median: 40, sigma: 2.5, seed: seed) { h.record(v) }
            let levels = [0.99, 0, 0.5, 1e-9, 0.01, 0.25, 0.75, 0.9, 0.95, 0.999, 1, 0.5]
            let got = h.percentiles(levels)
            for (level, value) in zip(levels, got) {
                #expect(value == h.libraryPercentile(level), "n \(n) level \(level)")
            }
        }
        #expect(PercentileHistogram().percentiles([0.5, 0.99]) == [0, 0])
    }

    @Test func exactToTheMicrosecondBelowTwoMilliseconds() {
        var h = PercentileHistogram()
        for v in [0.001, 0.5, 1.25, 2.047] { h.record(v) }
        #expect(h.percentile(0.25) == 0.001 && h.percentile(0.5) == 0.5 && h.percentile(0.75) == 1.25 && h.percentile(1) == 2.047)
        // Two digits: exact below 0.256.
        var two = PercentileHistogram(.two)
        for v in [0.001, 0.1, 0.2, 0.255] { two.record(v) }
        #expect(two.percentile(0.25) == 0.001 && two.percentile(0.5) == 0.1 && two.percentile(0.75) == 0.2 && two.percentile(1) == 0.255)
    }

    @Test func interpolatesBetweenTheClosestRanksAsNumpyDoes() {
        // Hyndman & Fan type 7: exact where the values are (below 2.048), within 0.1 % above elsewhere.
        func of(_ values: [Double], _ q: Double) -> Double {
            var h = PercentileHistogram()
            for v in values { h.record(v) }
            return h.interpolated(q)
        }
        #expect(of([0.4, 0.1, 0.3, 0.2], 0.5) == 0.25)
        #expect(of([1], 0.99) == 1 && of([], 0.5) == 0)
        #expect(of([0, 1], 0.25) == 0.25)
        let values = Self.logNormal(1_001, median: 500, sigma: 2, seed: 8).map { ($0 * 1000).rounded() / 1000 }
        let sorted = values.sorted()
        for q in [0.01, 0.25, 0.5, 0.9, 0.99] {
            let position = q * 1000, lower = Int(position)
            let want = sorted[lower] + (sorted[min(lower + 1, 1000)] - sorted[lower]) * (position - Double(lower))
            let got = of(values, q)
            #expect(got >= want * (1 - 1e-12) && got <= want * (1 + 1.0 / 1024), "q \(q): \(got) vs \(want)")
        }
    }

    @Test(arguments: [PercentileHistogram.Digits.three, .two])
    func longCallsKeepBucketsOfTheirOwn(_ digits: PercentileHistogram.Digits) {
        // Lambda's 900 s, Azure Consumption's 10 min, an hour (targets without a timeout), a day
        // and 25 days each read back within a bucket, above their neighbours.
        var previous = 0.0
        for ms in [376_000.0, 600_000, 900_000, 3_600_000, 86_400_000, 2_160_000_000] {
            var h = PercentileHistogram(digits)
            h.record(ms * 0.98)
            h.record(ms, count: 3)
            let got = h.percentile(0.5)
            #expect(got >= ms && got <= ms * (1 + Self.width(digits)) && got > previous, "\(digits) \(ms): \(got)")
            previous = got
        }
    }

    @Test func valuesOutsideTheRangeAreClamped() {
        var h = PercentileHistogram()
        h.record(-5)
        h.record(.nan)
        h.record(1e12)
        #expect(h.count == 3 && h.percentile(0.5) == 0 && h.percentile(1) == PercentileHistogram.highest)
        h.record(7, count: 0)
        #expect(h.count == 3)
        #expect(PercentileHistogram().percentile(0.99) == 0 && PercentileHistogram().isEmpty)
    }

    @Test func mergingAcrossDigitsLosesAtMostTheCoarserBucket() {
        // Two-digit counts merged into a three-digit histogram are recorded at their buckets'
        // tops: never below the nearest rank, at most a two-digit bucket above.
        let values = Self.logNormal(5_000, median: 80, sigma: 2, seed: 21).map { ($0 * 1000).rounded() / 1000 }
        var two = PercentileHistogram(.two), three = PercentileHistogram()
        for v in values { two.record(v) }
        three.merge(two)
        let sorted = values.sorted()
        #expect(three.count == values.count && three.digits == .three)
        for p in [0.5, 0.95, 0.99] {
            let got = three.percentile(p), want = Self.rank(sorted, p)
            #expect(got >= want && got <= want * (1 + 1.0 / 128) * (1 + 1.0 / 1024), "p \(p): \(got) vs \(want)")
        }
    }

    @Test func mergingEqualsOneHistogramOfEveryValueInAnyOrder() {
        let values = Self.logNormal(30_000, median: 80, sigma: 2, seed: 9)
        var whole = PercentileHistogram()
        for v in values { whole.record(v) }
        var parts = [PercentileHistogram](repeating: PercentileHistogram(), count: 4)
        for (i, v) in values.enumerated() { parts[(i * 7) % 4].record(v) }
        var forward = PercentileHistogram(), backward = PercentileHistogram()
        for p in parts { forward.merge(p) }
        for p in parts.reversed() { backward.merge(p) }
        #expect(forward == whole && backward == whole)
        for p in [0.5, 0.95, 0.99] { #expect(forward.percentile(p) == whole.percentile(p)) }
    }

    @Test func memoryStaysBoundedHoweverManyValues() {
        // A million values up to 25 days take the counters a few take: 32,768 (256 KB) with
        // three digits, 4,480 (35 KB) with two.
        for (digits, counters) in [(PercentileHistogram.Digits.three, 32_768), (.two, 4_480)] {
            var h = PercentileHistogram(digits)
            for v in Self.logNormal(1_000_000, median: 200, sigma: 3, seed: 3) { h.record(v) }
            h.record(PercentileHistogram.highest)
            #expect(h.count == 1_000_001)
            #expect(h.estimatedBytes < 512 + (counters + 32) * 8, "\(digits): \(h.estimatedBytes) bytes")
        }
    }
}
