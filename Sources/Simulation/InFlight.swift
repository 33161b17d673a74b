import Foundation

/// The calls a packed unit has in flight through each minute, those still running from earlier
/// minutes included, for the per-minute path's busy time and active periods (`FastPlan.packed`).
///
/// A binned minute's n calls arrive as the exact path draws them (`ArrivalExpansion`): the first at
/// the minute's start, the others spread as uniform points over it. Given the counts, the calls
/// are in flight independently of each other, but for the first calls of an app's functions in one
/// minute, which start together: a call of minute j = k − L, t at fraction u of minute k, is still
/// running with chance p_L(u) = G(L + u) − G(L + u − 1) when it is not its function's first of the
/// minute (for L = 0, G(u): it came before t), where G(x) = E[min(D, x)] (in minutes), and the
/// minute's first calls all run until the longest of them ends, with chance S_j(L + u), S_j the
/// survival of the longest (for one function, its day's durations). So the instance is idle at t
/// with chance Π_j (1 − S_j) Π_f (1 − p_L(u))^(n_fj − 1), and the mean of the calls in flight is
/// the sum of each call's chance. At a steady rate that mean is the minute's own load
/// ρ = n E[D] / 60 s on average over the minute. When calls run for minutes and their numbers
/// vary, the minute's own load misses the calls still running from the minutes before, and e^−ρ
/// (calls in flight as Poisson) overstates how often the instance is idle: fewer calls, each
/// likelier to run, vary less (`ActivePeriodTests.longCallsArrivingUnevenlyWithinTolerance`: the
/// bill 13 % low with e^−ρ per minute, 9 % low with e^−mean); and first calls taken as independent
/// count their overlap twice (`firstCallsStartingTogetherWithinTolerance`: 5.4 % high).
struct InFlight {
    /// Equal parts of a minute over which the chances are averaged.
    static let points = 12

    /// The first minute (absolute) of `means` and `logIdle`.
    let firstMinute: Int
    /// Per minute from `firstMinute`, `points` values in a row, to the last minute a call of
    /// `sources` may still run in: the mean of the calls in flight, and the log of the chance that
    /// none is.
    let means: [Double]
    let logIdle: [Double]

    var minuteCount: Int { means.count / Self.points }

    /// The calls in flight of `sources` (the unit's function, or an app's member functions: their
    /// calls per minute, days and longest call) from `firstMinute`.
    init(_ sources: [FastPlan], firstMinute: Int) {
        let p = Self.points
        var end = firstMinute
        for s in sources { end = max(end, s.firstMinute + s.minutes.count + Self.lags(s.longestMs)) }
        var means = [Double](repeating: 0, count: (end - firstMinute) * p)
        var logIdle = means
        // Per minute, the sources with calls in it and their days: their first calls start together.
        var starters = [[Int32]](repeating: [], count: end - firstMinute)
        let tables = sources.map { s in s.days.map { Self.stillRunning($0.quantiles, lags: Self.lags(s.longestMs)) } }
        for (f, s) in sources.enumerated() {
            for j in s.minutes.indices where s.counts[j] > 0 {
                let others = Double(s.counts[j] - 1), table = tables[f][Int(s.dayOf[j])]
                let minute = s.firstMinute + j - firstMinute
                starters[minute] += [Int32(f), s.dayOf[j]]
                let base = minute * p
                for x in table.first.indices {
                    means[base + x] += table.first[x] + others * table.later[x]
                    if others > 0 { logIdle[base + x] += others * log1p(-table.later[x]) }
                }
            }
        }
        // The instance is busy with a minute's first calls while the longest of them runs.
        var together: [[Int32]: [Double]] = [:]
        for (minute, group) in starters.enumerated() where !group.isEmpty {
            let first: [Double]
            if group.count == 2 {
                first = tables[Int(group[0])][Int(group[1])].first
            } else if let known = together[group] {
                first = known
            } else {
                let parts = stride(from: 0, to: group.count, by: 2).map { (f: Int(group[$0]), day: Int(group[$0 + 1])) }
                first = Self.longestRunning(parts.map { sources[$0.f].days[$0.day].quantiles },
                                            lags: parts.map { Self.lags(sources[$0.f].longestMs) }.max()!)
                together[group] = first
            }
            for x in first.indices { logIdle[minute * p + x] += log1p(-first[x]) }
        }
        self.firstMinute = firstMinute
        self.means = means
        self.logIdle = logIdle
    }

    /// For calls starting together, one of each set of `quantiles` (equally likely durations each),
    /// the chance that at least one still runs, on average over each of the `points` parts of lags
    /// 0..<`lags`: (L(b) − L(a)) / (b − a) with L(x) = ∫₀ˣ (1 − Π F(t)) dt, the F the sets'
    /// distribution functions, integrated exactly over their steps.
    static func longestRunning(_ quantiles: [[Double]], lags: Int) -> [Double] {
        var steps: [(at: Double, set: Int)] = []
        for (k, set) in quantiles.enumerated() { for d in set { steps.append((d / 60_000, k)) } }
        steps.sort { $0.at < $1.at }
        var below = [Int](repeating: 0, count: quantiles.count)   // durations at most t, per set
        var empty = quantiles.count, product = 1.0                // sets with none yet; Π of the others' F
        var t = 0.0, integral = 0.0, next = 0
        let width = 1 / Double(points)
        var l = [Double](repeating: 0, count: lags * points + 1)
        for m in 1...(lags * points) {
            let boundary = Double(m) * width
            while next < steps.count, steps[next].at <= boundary {
                let step = steps[next]
                integral += (step.at - t) * (empty > 0 ? 1 : 1 - product)
                t = step.at
                let k = step.set, n = Double(quantiles[k].count)
                if below[k] == 0 { empty -= 1 } else { product /= Double(below[k]) / n }
                below[k] += 1
                product *= Double(below[k]) / n
                next += 1
            }
            integral += (boundary - t) * (empty > 0 ? 1 : 1 - product)
            t = boundary
            l[m] = integral
        }
        return (0..<(lags * points)).map { min(1, max(0, (l[$0 + 1] - l[$0]) / width)) }
    }

    /// The minutes after its own that a call of at most `longestMs` may still run in, and its own.
    static func lags(_ longestMs: Double) -> Int { Int((longestMs / 60_000).rounded(.up)) + 1 }

    /// For lags 0..<`lags` and each of the minute's `points` parts, in a row: the chance that a
    /// minute's first call, and one of its other calls, still runs, on average over the part (so
    /// that a call shorter than a part still counts its time), durations drawn from `quantiles`
    /// (equally likely; see the type's comment). With G(x) = E[min(D, x)] and H its integral, the
    /// first call's average over [a, b] is (G(b) − G(a)) / (b − a), another's
    /// (H(b) − H(a) − H(b − 1) + H(a − 1)) / (b − a), all in minutes.
    static func stillRunning(_ quantiles: [Double], lags: Int) -> (first: [Double], later: [Double]) {
        let sorted = (zip(quantiles, quantiles.dropFirst()).allSatisfy { $0 <= $1 } ? quantiles : quantiles.sorted()).map { $0 / 60_000 }
        var sums = [Double](repeating: 0, count: sorted.count + 1), squares = sums
        for (i, d) in sorted.enumerated() {
            sums[i + 1] = sums[i] + d
            squares[i + 1] = squares[i] + d * d
        }
        let count = Double(sorted.count)
        // How many durations are at most x.
        func atMost(_ x: Double) -> Int {
            var low = 0, high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] <= x { low = mid + 1 } else { high = mid }
            }
            return low
        }
        // G(x) = E[min(D, x)]; H(x) = E[D x − D² / 2 where D < x, x² / 2 where not].
        func g(_ x: Double) -> Double {
            guard x > 0 else { return 0 }
            let k = atMost(x)
            return (sums[k] + x * Double(sorted.count - k)) / count
        }
        func h(_ x: Double) -> Double {
            guard x > 0 else { return 0 }
            let k = atMost(x)
            return (x * sums[k] - squares[k] / 2 + x * x / 2 * Double(sorted.count - k)) / count
        }
        var first = [Double](repeating: 0, count: lags * points), later = first
        let width = 1 / Double(points)
        for lag in 0..<lags {
            for i in 0..<points {
                let a = Double(lag) + Double(i) * width, b = a + width
                // Chances, kept in [0, 1] against rounding (a call surely running gives 1 − 1e-16 or
                // 1 + 1e-16, whose log would be NaN).
                first[lag * points + i] = min(1, max(0, (g(b) - g(a)) / width))
                later[lag * points + i] = min(1, max(0, (h(b) - h(a) - h(b - 1) + h(a - 1)) / width))
            }
        }
        return (first, later)
    }
}
