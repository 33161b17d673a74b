import Foundation
import Traces

/// The per-minute fast path for a busy scaling unit: what the exact replay would do, worked out
/// a minute at a time instead of a call at a time (DESIGN.md: "averages are a fast path for
/// functions busy enough that the answer cannot differ").
///
/// It applies to one function replayed on its own, with binned calls in every minute from its
/// first to its last (at least `busyPerMinute` each, so no gap between calls comes near a keep-alive
/// window of a minute or more), one request per instance, a fixed idle time, no provisioned
/// instances, and limits that never bind. Then no instance idles out while calls keep coming, and:
///
/// - with instances reused most recently freed first, the instances alive at a moment are the
///   most ever in flight together over the last keep-alive window, so the instances of minute *m*
///   are the largest per-minute peak of concurrency over the window's minutes; cold starts are the
///   rises of that count;
/// - a minute's peak of concurrency is the quantile of Poisson(ρ), ρ = calls × mean duration
///   (Little's law), at 1 − 1/(looks), looks = the window's length over the mean duration (the
///   M/G/∞ concurrency is Poisson; its peak over T is about the quantile seen once in T/duration
///   independent looks); with equidistant arrivals and one duration it is exactly ⌈ρ⌉;
/// - billed time is the calls times the mean billed duration of the day's distribution (by
///   quadrature over its quantile function), and latency percentiles come from that distribution.
///
/// `SimulationTests` compare it with the exact path on crafted busy traces.
struct FastPlan {
    /// Calls per minute a unit needs in every minute from its first call to its last.
    static let busyPerMinute: Int32 = 60
    /// Points of the quadrature over a day's duration distribution.
    static let points = 4096

    /// The first minute the unit holds instances, and instances alive in each minute from it.
    var firstMinute: Int
    var alive: [Int32]
    /// Per call minute: its minute, calls and the index into `days`.
    var minutes: [Int32], counts: [Int32], dayOf: [Int32]
    var days: [DayDurations]

    /// A day's duration distribution: `points` durations at evenly spaced quantiles, their mean,
    /// and their mean billed duration.
    struct DayDurations {
        var quantiles: [Double]
        var meanMs: Double
        var meanBilledMs: Double
        var constant: Bool
    }

    /// The plan for `function` on `model`, or nil when the exact path must replay it.
    static func make(_ function: FunctionWorkload, model: TargetModel, provisioned: Int, timeoutMs: Double,
                     mode: ArrivalMode, clock: BillingClock?, spanMinutes: Int) -> FastPlan? {
        guard case .binned(let minutes, let counts, let table) = function.calls, !table.isEmpty, !minutes.isEmpty,
              model.perInstanceConcurrency == 1, provisioned == 0,
              case .fixed(let idle) = model.keepAlive, idle >= 60 else { return nil }
        let first = Int(minutes[0]), last = Int(minutes[minutes.count - 1])
        guard last < spanMinutes, minutes.count == last - first + 1, function.calls.count > exactLimit else { return nil }
        for n in counts where n < busyPerMinute { return nil }
        // Durations are clamped to 60 s; a shorter timeout would cut some, which the exact path counts.
        guard timeoutMs >= ArrivalExpansion.maxDurationMs else { return nil }

        var days: [DayDurations] = []
        var dayIndexOf: [Int: Int32] = [:]
        var dayOf = [Int32](repeating: 0, count: minutes.count)
        var hint = 0
        for (k, minute) in minutes.enumerated() {
            hint = ArrivalExpansion.nearestDay(table, day: Int(minute) / 1440 + 1, from: hint)
            if let d = dayIndexOf[hint] { dayOf[k] = d; continue }
            dayIndexOf[hint] = Int32(days.count)
            dayOf[k] = Int32(days.count)
            days.append(distribution(table[hint], clock: clock))
        }

        // Per-minute peaks of concurrency, then the running maximum over the keep-alive window.
        let window = max(1, Int((idle / 60).rounded(.up)))
        var peaks = [Int32](repeating: 0, count: last - first + 1 + window)
        for k in minutes.indices {
            let day = days[Int(dayOf[k])]
            let rho = Double(counts[k]) * day.meanMs / 60_000
            if mode == .equidistant, day.constant {
                peaks[k] = Int32(max(1, (rho - 1e-9).rounded(.up)))
            } else {
                let looks = max(1, Double(window) * 60_000 / max(day.meanMs, 1))
                peaks[k] = Int32(max(1, min(Int(counts[k]), poissonQuantile(rho, 1 - 1 / (looks + 1)))))
            }
        }
        let end = min(spanMinutes, first + peaks.count)
        var alive = [Int32](repeating: 0, count: end - first)
        var deque: [Int] = [], head = 0
        for m in 0..<alive.count {
            while deque.count > head, peaks[deque[deque.count - 1]] <= peaks[m] { deque.removeLast() }
            deque.append(m)
            if deque[head] <= m - window { head += 1 }
            alive[m] = peaks[deque[head]]
        }
        // Limits that would bind send the unit to the exact path.
        var previous: Int32 = 0
        for a in alive {
            if Int(a) > model.maxInstances { return nil }
            if let envs = model.scaleOutEnvironments, Int(a - previous) > envs { return nil }
            previous = a
        }
        return FastPlan(firstMinute: first, alive: alive, minutes: minutes, counts: counts, dayOf: dayOf, days: days)
    }

    /// A day's durations at `points` evenly spaced quantiles (the draws' own inverse transform).
    static func distribution(_ p: DurationPercentiles, clock: BillingClock?) -> DayDurations {
        var quantiles = [Double](repeating: 0, count: points)
        var sum = 0.0, billed: Int64 = 0
        for j in 0..<points {
            let d = ArrivalExpansion.duration(p, percent: (Double(j) + 0.5) / Double(points) * 100)
            quantiles[j] = d
            sum += d
            if let clock { billed += clock.billedMs(d) }
        }
        let constant = quantiles.allSatisfy { $0 == quantiles[0] }
        return DayDurations(quantiles: quantiles, meanMs: sum / Double(points),
                            meanBilledMs: Double(billed) / Double(points), constant: constant)
    }

    /// The smallest k with P(Poisson(λ) ≤ k) ≥ p: summed directly for small λ, from the normal
    /// approximation (with continuity correction) beyond.
    static func poissonQuantile(_ lambda: Double, _ p: Double) -> Int {
        guard lambda > 0 else { return 0 }
        if lambda < 200 {
            var term = exp(-lambda), cdf = term, k = 0
            while cdf < p, k < 100_000 {
                k += 1
                term *= lambda / Double(k)
                cdf += term
            }
            return k
        }
        return Int((lambda + normalQuantile(p) * lambda.squareRoot() - 0.5).rounded(.up))
    }

    /// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716, 2.506628277459239]
        let b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
        let c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
        let d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
        let q = min(max(p, 1e-300), 1 - 1e-16)
        if q < 0.02425 {
            let r = (-2 * log(q)).squareRoot()
            return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
        }
        if q > 1 - 0.02425 {
            let r = (-2 * log(1 - q)).squareRoot()
            return -(((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
        }
        let r = q - 0.5, s = r * r
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r
            / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
    }
}

extension Accumulator {
    /// Replays one busy function per minute from its plan: counts, instances and their series,
    /// cold starts (their latency sampled as on the exact path), billed time and latency.
    mutating func replay(_ plan: FastPlan, _ g: inout GroupReplay) {
        let memoryMB = g.memoryMB
        let endSeconds = Double(spanMinutes) * 60
        var previous: Int32 = 0, peak: Int32 = 0, started = 0
        var seconds = 0.0
        var coldByMinute = [Int32](repeating: 0, count: plan.alive.count)
        for (offset, a) in plan.alive.enumerated() {
            let m = plan.firstMinute + offset
            if a > previous { coldByMinute[offset] = a - previous; started += Int(a - previous) }
            previous = a
            peak = max(peak, a)
            let held = min(60, endSeconds - Double(m) * 60) * Double(a)
            guard held > 0 else { continue }
            seconds += held
            instPartial[m] += held
            mbPartial[m] += held * memoryMB
        }
        var perDay = [Int](repeating: 0, count: plan.days.count), callsPerDay = perDay
        var latency = g.busy[0] ?? LatencyHistogram()
        for v in g.latencies[0] { latency.add(v) }
        g.latencies[0] = []
        for k in plan.minutes.indices {
            let n = Int(plan.counts[k]), day = plan.days[Int(plan.dayOf[k])]
            let offset = Int(plan.minutes[k]) - plan.firstMinute
            let cold = offset < coldByMinute.count ? min(n, Int(coldByMinute[offset])) : 0
            g.outcomes[0].invocations += n
            g.outcomes[0].coldStarts += cold
            perDay[Int(plan.dayOf[k])] += n - cold
            callsPerDay[Int(plan.dayOf[k])] += n
            for _ in 0..<cold {
                let initMs = g.pool.model.coldStart.sample(&g.pool.random)
                latency.add(day.meanMs + initMs)
                histogram.add(day.meanMs + initMs)
                if g.initBilled, let clock = g.target.clock {
                    g.initMs[0] += clock.billedMs(day.meanMs + initMs) - clock.billedMs(day.meanMs)
                }
            }
            g.runMs[0] += Double(n) * day.meanMs
        }
        for (d, n) in perDay.enumerated() where n > 0 {
            let day = plan.days[d]
            // n calls spread over the quadrature points: point j gets ⌊(j+1)n/P⌋ − ⌊jn/P⌋.
            let points = day.quantiles.count
            for j in 0..<points {
                let share = (j + 1) * n / points - j * n / points
                guard share > 0 else { continue }
                latency.add(day.quantiles[j], count: share)
                histogram.add(day.quantiles[j], count: share)
            }
        }
        if g.target.clock != nil, g.perRequest {
            for (d, n) in callsPerDay.enumerated() where n > 0 {
                g.execMs[0] += Int64((Double(n) * plan.days[d].meanBilledMs).rounded())
            }
        }
        g.busy[0] = latency
        g.pool.peakInstances = Int(peak)
        g.pool.instancesStarted = started
        g.pool.instanceSeconds = seconds
        fastUnits += 1
        fastCalls += plan.counts.reduce(0) { $0 + Int($1) }
    }
}
