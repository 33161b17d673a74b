import Foundation
import Traces

/// The per-minute path for an app whose functions scale together on packed instances (Azure
/// Consumption: one instance serves up to 100 calls of any of the app's functions).
///
/// The app's calls are the sum of its functions' per minute, and arrivals drawn exponentially per
/// function add up to Poisson-like arrivals of the app, so the single-function rules apply to the
/// app as one unit (`FastPlan.packed`): when its calls in flight surely stay under the instance's
/// concurrency in every minute, one instance serves them all, started at the first call of each run
/// (`FastPlan.runs(idleSeconds:window:)`), alive to the keep-alive window after its last; its load
/// ρ per minute is the sum of its functions' (calls × mean duration), and its active periods are billed from the mixture of its functions'
/// durations that day, weighted by their calls (`ActivePeriods`). Each function keeps its own calls,
/// durations and latency (`Accumulator.replayCalls`); the app's cold start goes to the function
/// with the most calls in that minute. Refused (the exact path replays the app) on the same grounds
/// as a single function, judged on the app's calls, and when its instances take one call each.
struct AppPlan {
    /// The app as one unit: its calls per minute, the mixture of its functions' durations per
    /// calendar day, its instance and billed active time.
    var unit: FastPlan
    /// Per function: its own calls per minute and durations.
    var members: [FastPlan]
    /// Per function: its cold starts by minute.
    var coldStarts: [[Int: Int]]

    static func make(_ app: AppWorkload, model: TargetModel, concurrency: Int, provisioned: Int, timeoutMs: [Double],
                     mode: ArrivalMode, clock: BillingClock?, instanceBilling: Bool, spanMinutes: Int) -> Result<AppPlan, FastPlan.Refusal> {
        guard model.cluster == nil else { return .failure(.finiteCluster) }
        guard provisioned == 0, !instanceBilling else { return .failure(.provisionedOrInstanceBilled) }
        guard case .fixed(let idle) = model.keepAlive, idle >= 120 else { return .failure(.keepAlive) }
        guard concurrency > 1 else { return .failure(.appOfSingleRequestInstances) }
        guard mode == .exponential else { return .failure(.arrivals) }
        var members: [FastPlan] = []
        for (f, function) in app.functions.enumerated() {
            guard let plan = FastPlan.calls(of: function, clock: clock) else { return .failure(.notBinned) }
            guard plan.longestMs <= timeoutMs[f] else { return .failure(.mayTimeOut) }
            members.append(plan)
        }
        let first = members.map(\.firstMinute).min()!
        let last = members.map { $0.firstMinute + $0.minutes.count - 1 }.max()!
        guard first >= 0, last < spanMinutes else { return .failure(.fewCalls) }
        // The app's calls and load per minute.
        var counts = [Int32](repeating: 0, count: last - first + 1)
        var rho = [Double](repeating: 0, count: counts.count)
        for plan in members {
            for k in plan.minutes.indices where plan.counts[k] > 0 {
                let m = Int(plan.minutes[k]) - first
                counts[m] += plan.counts[k]
                rho[m] += Double(plan.counts[k]) * plan.days[Int(plan.dayOf[k])].meanMs / 60_000
            }
        }
        let total = counts.reduce(0) { $0 + Int($1) }
        guard total > FastPlan.fewestCalls else { return .failure(.fewCalls) }
        // Light over its minutes with calls is light over its runs (below): told before the mixtures.
        if Double(total) < FastPlan.busyPerMinute * Double(counts.lazy.filter { $0 > 0 }.count) { return .failure(.light) }
        // Per calendar day: the mixture of the functions' durations, weighted by their calls.
        var weights: [Int: [(plan: Int, day: Int, calls: Double)]] = [:]
        for (f, plan) in members.enumerated() {
            var byDay: [Int: [Int: Double]] = [:]
            for k in plan.minutes.indices where plan.counts[k] > 0 {
                byDay[Int(plan.minutes[k]) / 1440, default: [:]][Int(plan.dayOf[k]), default: 0] += Double(plan.counts[k])
            }
            for (calendar, days) in byDay {
                for (d, calls) in days.sorted(by: { $0.key < $1.key }) { weights[calendar, default: []].append((f, d, calls)) }
            }
        }
        var days: [FastPlan.DayDurations] = []
        var dayOfCalendar: [Int: Int32] = [:]
        for calendar in weights.keys.sorted() {
            let parts = weights[calendar]!.sorted { ($0.plan, $0.day) < ($1.plan, $1.day) }
            dayOfCalendar[calendar] = Int32(days.count)
            days.append(mixture(parts.map { (members[$0.plan].days[$0.day].quantiles, $0.calls) }, clock: clock))
        }
        let minutes = (Int32(first)...Int32(last)).map { $0 }
        // A minute without calls takes the day of the last minute with calls (its durations are unused).
        var dayOf = [Int32](repeating: 0, count: minutes.count)
        var current: Int32 = dayOfCalendar[first / 1440] ?? 0
        for (k, minute) in minutes.enumerated() {
            if let d = dayOfCalendar[Int(minute) / 1440] { current = d }
            dayOf[k] = current
        }
        var unit = FastPlan(firstMinute: first, alive: [], cold: [], peak: 0, minutes: minutes, counts: counts, dayOf: dayOf, days: days,
                            longestMs: members.map(\.longestMs).max()!)
        // Runs of minutes the instance lives through, parted by gaps it dies in (as for one function).
        let window = max(1, Int((idle / 60).rounded()))
        guard let runs = unit.runs(idleSeconds: idle, window: window) else { return .failure(.idleGap) }
        if Double(total) < FastPlan.busyPerMinute * Double(runs.reduce(0) { $0 + $1.count }) { return .failure(.light) }
        let length = min(spanMinutes, last + window + 1) - first
        guard unit.packed(rho: rho, sources: members, concurrency: concurrency, length: length, runs: runs, window: window, clock: clock)
        else { return .failure(.needsSecondInstance) }
        if unit.peak > model.maxInstances { return .failure(.limitsBind) }
        // The unit's cold starts go to the function with the most calls in their minute.
        var coldStarts = [[Int: Int]](repeating: [:], count: members.count)
        for (offset, n) in unit.cold.enumerated() where n > 0 {
            let minute = first + offset
            var best = -1, most: Int32 = 0
            for (f, plan) in members.enumerated() {
                let k = minute - plan.firstMinute
                guard k >= 0, k < plan.counts.count, plan.counts[k] > most else { continue }
                (best, most) = (f, plan.counts[k])
            }
            if best >= 0 { coldStarts[best][minute, default: 0] += Int(n) }
        }
        return .success(AppPlan(unit: unit, members: members, coldStarts: coldStarts))
    }

    /// The distribution of a call drawn from `parts` (equally likely durations each, ascending) in
    /// proportion to their weights, at `FastPlan.points` evenly spaced quantiles.
    static func mixture(_ parts: [(quantiles: [Double], weight: Double)], clock: BillingClock?) -> FastPlan.DayDurations {
        let total = parts.reduce(0) { $0 + $1.weight }
        var points: [(value: Double, mass: Double)] = []
        for part in parts where part.weight > 0 {
            let mass = part.weight / total / Double(part.quantiles.count)
            for q in part.quantiles { points.append((q, mass)) }
        }
        points.sort { $0.value < $1.value }
        let n = FastPlan.points
        var quantiles = [Double](repeating: 0, count: n)
        var i = 0, below = 0.0
        for j in 0..<n {
            let level = (Double(j) + 0.5) / Double(n)
            while i < points.count - 1, below + points[i].mass < level {
                below += points[i].mass
                i += 1
            }
            quantiles[j] = points[i].value
        }
        var sum = 0.0, billed: Int64 = 0
        for q in quantiles {
            sum += q
            if let clock { billed += clock.billedMs(q) }
        }
        return FastPlan.DayDurations(quantiles: quantiles, meanMs: sum / Double(n), meanBilledMs: Double(billed) / Double(n),
                                     constant: quantiles.allSatisfy { $0 == quantiles[0] })
    }
}

extension Accumulator {
    /// Replays a busy app per minute from its plan: its instance once, each function's calls.
    mutating func replay(_ plan: AppPlan, _ g: inout GroupReplay) {
        replayInstances(plan.unit, &g)
        for f in plan.members.indices {
            let cold = plan.coldStarts[f]
            replayCalls(plan.members[f], of: f, coldStarts: { cold[$0] ?? 0 }, &g)
        }
    }
}
