/// Sums of seconds (and MB-s, GB-s) kept as integers, so that adding the same terms in any
/// order gives the same total: a run split into shards (`placer simulate --shard`) merges to the
/// bytes of the whole run, and the result never depends on how apps were chunked among threads.
///
/// Each term is rounded once, half away from zero, to its grid: per-minute series to 2⁻²⁴ of
/// their unit (60 ns of an instance-second; an entry holds up to 5.5 × 10¹¹ units, e.g. 900,000
/// instances of 10 GB for a whole minute), the target's totals to 2⁻³² (Int128, no practical
/// bound). Rounding moves a term by at most half a grid step, far below the result's printed
/// precision (a thousandth of a second or GB-s, a tenth of an MB).
enum FixedPoint {
    static let minuteScale = 16_777_216.0
    static let totalScale = 4_294_967_296.0

    /// `x` on the per-minute grid.
    @inline(__always) static func minute(_ x: Double) -> Int64 {
        let v = x * minuteScale
        guard v < 9.2e18, v > -9.2e18 else { return v > 0 ? .max / 2 : .min / 2 }
        return Int64(v + (v < 0 ? -0.5 : 0.5))
    }

    @inline(__always) static func value(minute units: Int64) -> Double { Double(units) / minuteScale }

    /// `x` on the totals' grid.
    @inline(__always) static func total(_ x: Double) -> Int128 {
        let v = x * totalScale
        guard v.isFinite else { return 0 }
        guard abs(v) < 1.7e38 else { return v > 0 ? .max / 2 : .min / 2 }
        return Int128(v + (v < 0 ? -0.5 : 0.5))
    }

    static func value(total units: Int128) -> Double { Double(units) / totalScale }
}

/// A target's instance-seconds, GB-s held and billed GB-s, summed exactly (`FixedPoint`).
struct TotalSums: Equatable {
    var instanceSeconds: Int128 = 0
    var memoryGBSeconds: Int128 = 0
    var billedGBSeconds: Int128 = 0

    mutating func add(instanceSeconds s: Double, memoryGBSeconds gbs: Double) {
        instanceSeconds &+= FixedPoint.total(s)
        memoryGBSeconds &+= FixedPoint.total(gbs)
    }

    mutating func add(billedGBSeconds gbs: Double) { billedGBSeconds &+= FixedPoint.total(gbs) }

    mutating func add(_ other: TotalSums) {
        instanceSeconds &+= other.instanceSeconds
        memoryGBSeconds &+= other.memoryGBSeconds
        billedGBSeconds &+= other.billedGBSeconds
    }

    /// Writes the sums into `total`'s figures.
    func store(in total: inout Outcome) {
        total.instanceSeconds = FixedPoint.value(total: instanceSeconds)
        total.memoryGBSeconds = FixedPoint.value(total: memoryGBSeconds)
        total.billedGBSeconds = FixedPoint.value(total: billedGBSeconds)
    }
}
