import Histogram

/// Percentiles of non-negative measurements — latencies and durations in ms, memory in MB — in
/// bounded memory and mergeable: an HDR histogram (Gil Tene's HdrHistogram, hdrhistogram.org,
/// through hdrhistogram-swift), the one place Placer turns values into percentiles.
///
/// Precision kept: values are rounded to a thousandth of their unit (1 µs for ms) and counted
/// to 3 significant digits from there up to `highest` (2.16 × 10⁹ units: 25 days in ms), so a
/// value below 2.048 units (2.048 ms) is kept exactly to the thousandth and a larger one in a
/// bucket 1/1024 of it wide at most. A percentile reads the top of its bucket, clamped to the
/// smallest and largest value recorded: never below the nearest-rank value of the rounded values
/// and at most 1/1024 (under 0.1 %) above it. Values past `highest` count as `highest`.
///
/// Memory: 2,048 counters to start, 1,024 more per doubling of the largest value recorded
/// (16 KB up to 2 ms, 90 KB up to 1 s, 256 KB up to 25 days; the array's capacity at most twice
/// that while it grows), however many values. Merging
/// adds counts, so percentiles of merged histograms equal those of one histogram of all the
/// values, in any order (deterministic; what a sharded run's merge needs).
public struct PercentileHistogram: Sendable, Equatable {
    /// Units of the value recorded per unit of the value given: thousandths.
    public static let scale = 1_000.0
    /// The largest value kept apart, in the value's unit: 25 days in ms, past the longest call a
    /// target allows (Lambda's 900 s) and hours-long calls where a target sets no timeout.
    public static let highest = 2_160_000_000.0
    /// Significant decimal digits kept.
    public static let significantDigits = 3

    @usableFromInline var histogram: Histogram<UInt64>

    public init() {
        histogram = Histogram(numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// Values recorded.
    @inlinable public var count: Int { Int(histogram.totalCount) }
    @inlinable public var isEmpty: Bool { histogram.totalCount == 0 }

    /// Records `value` (`count` times); below 0 or NaN counts as 0, past `highest` as `highest`.
    @inlinable @inline(__always)
    public mutating func record(_ value: Double, count: Int = 1) {
        guard count > 0 else { return }
        let units = value > 0 ? UInt64((Swift.min(value, Self.highest) * Self.scale).rounded()) : 0
        histogram.record(units, count: UInt64(count))
    }

    /// Adds every value `other` holds.
    public mutating func merge(_ other: PercentileHistogram) {
        histogram.add(other.histogram)
    }

    /// The `p`-quantile (0…1), nearest rank, to the precision above; 0 when empty.
    public func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        return Double(histogram.valueAtPercentile(Swift.min(Swift.max(p, 0), 1) * 100)) / Self.scale
    }

    /// The `q`-quantile (0…1) interpolated linearly between the two closest ranks (Hyndman & Fan
    /// type 7, numpy's default), each rank's value read as `percentile` reads it; 0 when empty.
    /// What `placer inspect` reports, as it did from sorted values before.
    public func interpolated(_ q: Double) -> Double {
        let n = count
        guard n > 0 else { return 0 }
        let position = Swift.min(Swift.max(q, 0), 1) * Double(n - 1)
        let lower = Int(position.rounded(.down))
        let low = value(atRank: lower + 1), fraction = position - Double(lower)
        guard fraction > 0, lower + 1 < n else { return low }
        return low + (value(atRank: lower + 2) - low) * fraction
    }

    /// The `r`-th smallest value (1-based), as `percentile` reads it: asked for half a rank below
    /// `r`, so that HDR's rounding up of the count lands on `r` whatever the float error.
    func value(atRank r: Int) -> Double {
        percentile((Double(r) - 0.5) / Double(count))
    }

    /// The largest value recorded (to the thousandth); 0 when empty.
    public var max: Double { Double(histogram.maxRecorded) / Self.scale }

    /// Memory the counters take, bytes (an estimate on the high side).
    public var estimatedBytes: Int { histogram.estimatedFootprintInBytes }
}
