import Histogram

/// Percentiles of non-negative measurements — latencies and durations in ms, memory in MB — in
/// bounded memory and mergeable: an HDR histogram (Gil Tene's HdrHistogram, hdrhistogram.org,
/// through hdrhistogram-swift), the one place Placer turns values into percentiles.
///
/// Precision kept: values are rounded to a thousandth of their unit (1 µs for ms) and counted to
/// `Digits` significant digits from there up to `highest` (2.16 × 10⁹ units: 25 days in ms).
/// With three digits a value below 2.048 units (2.048 ms) is kept exactly to the thousandth and a
/// larger one in a bucket at most 1/1024 of it wide; with two, below 0.256 units and 1/128. A
/// percentile reads the top of its bucket, clamped to the smallest and largest value recorded:
/// never below the nearest-rank value of the rounded values and at most 1/1024 (under 0.1 %) or
/// 1/128 (under 0.8 %) above it. Values past `highest` count as `highest`.
///
/// Memory: 32,768 counters (256 KB) with three digits, 4,480 (35 KB) with two, however many
/// values, shared with an empty template until the first value. Merging adds counts, so
/// percentiles of merged histograms equal those of one histogram of all the values, in any order
/// (deterministic; what a sharded run's merge needs).
public struct PercentileHistogram: Sendable, Equatable {
    /// Significant decimal digits kept.
    public enum Digits: Sendable {
        /// Buckets at most 1/1024 of their values wide.
        case three
        /// Buckets at most 1/128 of their values wide: a seventh of the counters, so a pass over
        /// them (reading percentiles) is that much shorter. The engine's choice (docs/result.md).
        case two
    }

    /// Units of the value recorded per unit of the value given: thousandths.
    public static let scale = 1_000.0
    /// The largest value kept apart, in the value's unit: 25 days in ms, past the longest call a
    /// target allows (Lambda's 900 s) and hours-long calls where a target sets no timeout.
    public static let highest = 2_160_000_000.0

    /// Empty histograms over the whole range, made once. A new histogram shares its counters
    /// until its first value, then copies them (one memcpy): `Histogram`'s initialiser and its
    /// auto-resizing are generic code that runs unspecialised from another module (resizing a
    /// few thousand counters element by element cost more than the replay itself).
    @usableFromInline static let emptyThree = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: UInt64(highest * scale),
                                                                 numberOfSignificantValueDigits: .three)
    @usableFromInline static let emptyTwo = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: UInt64(highest * scale),
                                                               numberOfSignificantValueDigits: .two)

    @usableFromInline var histogram: Histogram<UInt64>

    public init(_ digits: Digits = .three) {
        switch digits {
        case .three: histogram = Self.emptyThree
        case .two: histogram = Self.emptyTwo
        }
    }

    /// The digits kept.
    public var digits: Digits { histogram.numberOfSignificantValueDigits == .two ? .two : .three }

    /// Values recorded.
    @inlinable public var count: Int { Int(histogram.totalCount) }
    @inlinable public var isEmpty: Bool { histogram.totalCount == 0 }

    /// Records `value` (`count` times); below 0 or NaN counts as 0, past `highest` as `highest`
    /// (so every value fits the counters: nothing is dropped, nothing resizes).
    @inlinable @inline(__always)
    public mutating func record(_ value: Double, count: Int = 1) {
        guard count > 0 else { return }
        // Rounded half up by truncation (`rounded()` calls libm's round, not inlined).
        let units = value > 0 ? UInt64(Swift.min(value, Self.highest) * Self.scale + 0.5) : 0
        histogram.record(units, count: UInt64(count))
    }

    /// Adds every value `other` holds. With the same digits the counters add (the same range,
    /// so they always fit); with other digits each of its buckets is recorded here at its top
    /// value (so at most this histogram's precision is lost again).
    public mutating func merge(_ other: PercentileHistogram) {
        guard !other.isEmpty else { return }
        guard other.histogram.numberOfSignificantValueDigits == histogram.numberOfSignificantValueDigits else {
            for step in other.histogram.recordedValues() { histogram.record(step.value, count: step.count) }
            return
        }
        histogram.add(other.histogram)
    }

    /// The `p`-quantile (0…1), nearest rank, to the precision above; 0 when empty.
    public func percentile(_ p: Double) -> Double {
        percentiles([p])[0]
    }

    /// The `levels`-quantiles (each 0…1), nearest rank, to the precision above; 0s when empty.
    /// Each is what `Histogram.valueAtPercentile` answers (`PercentileHistogramTests` holds them
    /// equal), read in one pass of the histogram's inlinable iterator: `valueAtPercentile` is not
    /// inlinable, so from here its loop runs unspecialised, several times slower, once per level.
    public func percentiles(_ levels: [Double]) -> [Double] {
        let total = histogram.totalCount
        guard total > 0 else { return levels.map { _ in 0 } }
        let low = histogram.min, high = histogram.maxRecorded
        var found = [UInt64](repeating: 0, count: levels.count)
        // valueAtPercentile's rank: the count at the level less one ulp, rounded up, at least 1.
        var wanted: [(rank: UInt64, slot: Int)] = []
        for (slot, level) in levels.enumerated() {
            let percent = Swift.min(Swift.max(level, 0), 1) * 100
            if percent == 0 {
                found[slot] = low
            } else if percent >= 100 {
                found[slot] = high
            } else {
                let share = (Swift.min(Swift.max(percent.nextDown, 0), 100) * Double(total)) / 100
                wanted.append((Swift.max(1, UInt64(share.rounded(.up))), slot))
            }
        }
        wanted.sort { $0.rank < $1.rank }
        var next = 0
        for step in histogram.recordedValues() where next < wanted.count {
            while next < wanted.count, step.totalCountToThisValue >= wanted[next].rank {
                found[wanted[next].slot] = Swift.max(Swift.min(step.value, high), low)
                next += 1
            }
            if next == wanted.count { break }
        }
        return found.map { Double($0) / Self.scale }
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

    /// `Histogram.valueAtPercentile` itself, for the test that `percentiles` answers the same.
    func libraryPercentile(_ p: Double) -> Double {
        isEmpty ? 0 : Double(histogram.valueAtPercentile(Swift.min(Swift.max(p, 0), 1) * 100)) / Self.scale
    }

    /// The counts as a list that rebuilds this histogram exactly (`init(digits:buckets:)`): each
    /// non-empty bucket as (value in thousandths, count), the lowest bucket's values at the
    /// smallest value recorded and the highest's at the largest, so a rebuilt histogram keeps
    /// the same counts, total, smallest and largest value, hence the same percentiles and merges.
    /// What a sharded run's partial result carries (`placer simulate --shard`).
    public var buckets: [(units: UInt64, count: UInt64)] {
        guard !isEmpty else { return [] }
        let steps = histogram.recordedValues().map { (units: $0.value, count: $0.count) }
        let low = histogram.min, high = histogram.maxRecorded
        var out: [(units: UInt64, count: UInt64)] = []
        for (i, step) in steps.enumerated() {
            if steps.count == 1 {
                out.append((low, 1))
                if step.count > 1 { out.append((high, step.count - 1)) }
            } else if i == 0 {
                out.append((low, step.count))
            } else if i == steps.count - 1 {
                out.append((high, step.count))
            } else {
                out.append(step)
            }
        }
        return out
    }

    /// A histogram of `digits` holding `buckets` (from `buckets`); values past `highest` count as
    /// `highest`, as `record` does.
    public init(_ digits: Digits, buckets: [(units: UInt64, count: UInt64)]) {
        self.init(digits)
        let top = UInt64(Self.highest * Self.scale)
        for b in buckets where b.count > 0 { _ = histogram.record(Swift.min(b.units, top), count: b.count) }
    }

    /// The largest value recorded (to the thousandth); 0 when empty.
    public var max: Double { Double(histogram.maxRecorded) / Self.scale }

    /// Memory the counters take, bytes (an estimate on the high side).
    public var estimatedBytes: Int { histogram.estimatedFootprintInBytes }
}
