import DequeModule
import Foundation
import Percentiles
import Traces

/// The per-minute fast path for a busy scaling unit: what the exact replay would do, worked out
/// a minute at a time instead of a call at a time (DESIGN.md: "averages are a fast path for
/// functions busy enough that the answer cannot differ").
///
/// It applies to one function replayed on its own, with binned calls in runs of minutes its first
/// instance surely lives through, parted by gaps its instances die in (`runs(idleSeconds:window:)`;
/// the keep-alive at least two minutes), one request per instance, a fixed idle time, no provisioned
/// instances, calls averaging at most `longCallMs`, none longer than the timeout, and limits that
/// never bind (`Refusal` names each reason a unit replays call by call instead). Then the first
/// instance never idles out while a run's calls keep coming, and with instances reused most
/// recently freed first, the k-th instance is alive exactly when k calls were in flight together at some moment of
/// the last keep-alive window, and it starts cold when that happens after a window without. Calls
/// in flight form an M/G/∞ queue: Poisson(ρ), ρ = calls per second × mean duration (Little's law);
/// an arrival lifts them from k−1 to k when it finds k−1 in flight, with probability P(N = k−1)
/// (arrivals see time averages). So, per minute j and instance k, the chance that k is *not*
/// reached in the minute is q = min((1 − P(N = k−1))^n, P(N ≤ k−1)); instance k is alive with
/// probability 1 − Π q over the window's minutes, and starts cold in minute m with probability Π q
/// over the window before m × (1 − q of m) (Rice's level crossings, as in Ross, "Stochastic
/// Processes", §4.7). The series holds those expectations; cold starts are their running sum,
/// rounded. With equidistant arrivals and a single duration nothing is random: ⌈ρ⌉ in flight, alive
/// over the window.
///
/// Billed time is the calls times the mean billed duration of the day's distribution (by
/// quadrature over its quantile function), and latency percentiles come from that distribution.
/// `FastPathTests` compare it with the exact path on crafted busy traces.
struct FastPlan {
    /// Calls a minute a unit on packed instances (several requests each) needs on average over its
    /// runs: below, the billed active periods drift (Cloud Run's billed GB-s −0.8 % on the sample
    /// at 5).
    static let busyPerMinute = 20.0
    /// The same for one request per instance, where the level crossings hold down to it
    /// (`FastPathTests.lightTracesWithinTolerance`; below, cold starts drift to +20 %).
    static let busyPerMinuteOneRequest = 5.0
    /// Calls a unit needs in all: fewer replay call by call, which costs too little to gain anything.
    static let fewestCalls = 4_096
    /// Points of the quadrature over a day's duration distribution.
    static let points = 4096
    /// The longest mean duration of a day the level crossings take, ms. Calls in flight change
    /// slowly when calls run long, so a minute is no longer independent of the next, and the
    /// product over the window's minutes overstates how often an instance is reached. Measured
    /// against the replay at 40 calls a minute and a 10-minute keep-alive: instance-seconds over
    /// by 4 % at a 2.3 s mean, 6 % at 4.6 s, 8 % at 7 s and 11–16 % from 23 s to 4 min; cold
    /// starts by 4 %, 10 %, 10 % and 22–52 %. Up to 5 s the tests' tolerances hold
    /// (`FastPathTests.withinToleranceUpToTheLongCallBound`); beyond, the unit replays call by
    /// call (`longCallsReplayExactly`). Several requests per instance (`packed`) agreed at a 23 s
    /// mean and is not bound by it.
    static let longCallMs = 5_000.0

    /// The first minute the unit holds instances; from it, per minute: instances alive (mean)
    /// and cold starts.
    var firstMinute: Int
    var alive: [Double]
    var cold: [Int32]
    /// Most instances alive at once (the median of the window's maximum).
    var peak: Int
    /// Per call minute: its minute, calls and the index into `days`.
    var minutes: [Int32], counts: [Int32], dayOf: [Int32]
    var days: [DayDurations]
    /// The longest a call can run, ms (`ArrivalExpansion.longestMs`): how many minutes after its
    /// own a call may still be in flight.
    var longestMs: Double
    /// Billed active time of a packed instance (several requests per instance), ms; nil otherwise.
    var activeMs: Int64?
    /// Per call minute: the most calls in flight it reaches with a chance of e^-25 or more (the
    /// account quota's bound, `OverlapCounter.add(_:)`).
    var highest: [Int] = []

    /// A day's duration distribution: `points` durations at evenly spaced quantiles, their mean,
    /// and their mean billed duration.
    struct DayDurations {
        var quantiles: [Double]
        var meanMs: Double
        var meanBilledMs: Double
        var constant: Bool
    }

    /// What the instances do, which depends on the calls and the keep-alive window alone: targets
    /// of the same window share it (`crossings`, by window in minutes, one function's).
    struct Crossings {
        var alive: [Double]
        var cold: [Int32]
        var peak: Int
        var highest: [Int]
    }

    /// Why a unit replays call by call instead (`make`).
    enum Refusal: Error, Hashable {
        /// Per-invocation calls, or binned calls without a duration table or without calls.
        case notBinned
        /// Provisioned instances, or billing per instance lifetime.
        case provisionedOrInstanceBilled
        /// A keep-alive other than a fixed idle time of at least two minutes.
        case keepAlive
        /// Calls outside the window, or too few to gain anything (`fewestCalls`).
        case fewCalls
        /// A run of empty minutes the first instance may or may not idle out across
        /// (`runs(idleSeconds:window:)`).
        case idleGap
        /// Under `busyPerMinute` (one request per instance: `busyPerMinuteOneRequest`) calls a minute
        /// on average over its runs, where the per-minute figures drift.
        case light
        /// One request per instance and calls averaging over `longCallMs` on some day, where the
        /// level crossings drift.
        case longCalls
        /// Calls that may run past the timeout: their cut, bill and count are the exact path's.
        case mayTimeOut
        /// Arrivals the level crossings do not model (uniform draws; equidistant calls of
        /// varying durations; several requests per instance without exponential draws).
        case arrivals
        /// Several requests per instance, and a load that needs a second instance.
        case needsSecondInstance
        /// Max instances or the scale-out rate would bind.
        case limitsBind
        /// An app of several functions scaling together, one request per instance: the level
        /// crossings are worked out per function, not for a sum of functions.
        case appOfSingleRequestInstances
        /// A fixed cluster: whether a call finds room depends on every other unit's instances at
        /// that moment, which per-minute expectations do not know (`ClusterReplay` replays every call).
        case finiteCluster

        /// The reason in a few words, for `placer bench trace`.
        var words: String {
            switch self {
            case .notBinned: "calls per invocation"
            case .provisionedOrInstanceBilled: "provisioned or billed per instance"
            case .keepAlive: "keep-alive policy"
            case .fewCalls: "few calls"
            case .idleGap: "idle gap"
            case .light: "light"
            case .longCalls: "long calls"
            case .mayTimeOut: "may time out"
            case .arrivals: "arrival mode"
            case .needsSecondInstance: "needs a second packed instance"
            case .limitsBind: "limits bind"
            case .appOfSingleRequestInstances: "app of one-request instances"
            case .finiteCluster: "fixed cluster"
            }
        }
    }

    /// The plan for `function` on `model`, or why the exact path must replay it.
    ///
    /// - Parameters:
    ///   - concurrency: calls one of its instances serves at once (`TargetModel.concurrency`);
    ///     the model's `perInstanceConcurrency` when nil.
    static func make(_ function: FunctionWorkload, model: TargetModel, concurrency: Int? = nil, provisioned: Int, timeoutMs: Double,
                     mode: ArrivalMode, clock: BillingClock?, instanceBilling: Bool = false,
                     spanMinutes: Int, crossings: inout [Int: Crossings]) -> Result<FastPlan, Refusal> {
        let concurrency = concurrency ?? model.perInstanceConcurrency
        guard model.cluster == nil else { return .failure(.finiteCluster) }
        guard case .binned(let callMinutes, let callCounts, let table) = function.calls, !table.isEmpty, !callMinutes.isEmpty
        else { return .failure(.notBinned) }
        guard provisioned == 0, !instanceBilling else { return .failure(.provisionedOrInstanceBilled) }
        guard case .fixed(let idle) = model.keepAlive, idle >= 120 else { return .failure(.keepAlive) }
        let first = Int(callMinutes[0]), last = Int(callMinutes[callMinutes.count - 1])
        let total = function.calls.count
        guard first >= 0, last < spanMinutes, total > fewestCalls else { return .failure(.fewCalls) }
        // Per minute every call runs its drawn duration in full: a call the timeout would cut
        // (counted, billed to the timeout) is the exact path's.
        let longest = ArrivalExpansion.longestMs(function.calls)
        guard longest <= timeoutMs else { return .failure(.mayTimeOut) }
        // Lighter units replay exactly (see docs/result.md), judged over the runs' minutes (below):
        // at least its minutes with calls, which tells most light units before their durations.
        let busy = concurrency > 1 ? busyPerMinute : busyPerMinuteOneRequest
        var minutesCalled = 0, previousCalled = Int32.min
        for k in callMinutes.indices where callCounts[k] > 0 && callMinutes[k] != previousCalled {
            minutesCalled += 1
            previousCalled = callMinutes[k]
        }
        if Double(total) < busy * Double(minutesCalled) { return .failure(.light) }
        guard var plan = calls(of: function, clock: clock) else { return .failure(.notBinned) }
        let (minutes, counts, days, dayOf) = (plan.minutes, plan.counts, plan.days, plan.dayOf)
        // The keep-alive window in whole minutes; instances stay up to `window` minutes after the
        // last minute that reached them.
        let window = max(1, Int((idle / 60).rounded()))
        guard let runs = plan.runs(idleSeconds: idle, window: window) else { return .failure(.idleGap) }
        // A night the unit dies in is no part of a run and does not count.
        if Double(total) < busy * Double(runs.reduce(0) { $0 + $1.count }) { return .failure(.light) }
        let length = min(spanMinutes, last + window + 1) - first
        let rho = minutes.indices.map { Double(counts[$0]) * days[Int(dayOf[$0])].meanMs / 60_000 }
        if concurrency > 1 {
            guard mode == .exponential else { return .failure(.arrivals) }
            guard plan.packed(rho: rho, sources: [plan], concurrency: concurrency, length: length, runs: runs, window: window, clock: clock)
            else { return .failure(.needsSecondInstance) }
            return .success(plan)
        }
        if days.contains(where: { $0.meanMs > longCallMs }) { return .failure(.longCalls) }
        // Exponential draws make the arrivals Poisson-like, which the level crossings assume;
        // uniform draws are less bursty (fewer instances than Poisson): those replay exactly.
        if let known = crossings[window] {
            (plan.alive, plan.cold, plan.peak, plan.highest) = (known.alive, known.cold, known.peak, known.highest)
        } else {
            switch mode {
            case .equidistant where days.allSatisfy(\.constant):
                plan.steady(rho: rho, window: window, length: length)
            case .exponential:
                plan.levelCrossings(rho: rho, window: window, length: length)
            default:
                return .failure(.arrivals)
            }
            crossings[window] = Crossings(alive: plan.alive, cold: plan.cold, peak: plan.peak, highest: plan.highest)
        }
        // Limits that would bind send the unit to the exact path.
        if plan.peak > model.maxInstances { return .failure(.limitsBind) }
        if let envs = model.scaleOutEnvironments, plan.cold.contains(where: { Int($0) > envs }) { return .failure(.limitsBind) }
        return .success(plan)
    }

    /// A function's calls per minute from its first call minute to its last (minutes without calls
    /// hold 0) and the duration distribution of each day it has calls on (the nearest day of its
    /// table, as the draws take it); nil when its calls are not binned with a table.
    static func calls(of function: FunctionWorkload, clock: BillingClock?) -> FastPlan? {
        guard case .binned(let callMinutes, let callCounts, let table) = function.calls, !table.isEmpty, !callMinutes.isEmpty
        else { return nil }
        let first = Int(callMinutes[0]), last = Int(callMinutes[callMinutes.count - 1])
        var counts = [Int32](repeating: 0, count: last - first + 1)
        for k in callMinutes.indices { counts[Int(callMinutes[k]) - first] += callCounts[k] }
        let minutes = (Int32(first)...Int32(last)).map { $0 }
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
        return FastPlan(firstMinute: first, alive: [], cold: [], peak: 0, minutes: minutes, counts: counts, dayOf: dayOf, days: days,
                        longestMs: ArrivalExpansion.longestMs(function.calls))
    }

    /// The runs of the unit's call minutes that the keep-alive window sees alive throughout, each
    /// from its first call minute to its last (absolute minutes); nil when two call minutes a and b
    /// are a gap apart that the level crossings do not see as the exact replay does
    /// (`Refusal.idleGap`). A minute's first call starts at the minute's start, so a gap of
    /// g = b − a minutes is
    /// - crossed warm when g ≤ ⌊idle / 60 s⌋: the call at the start of minute a ends after it, so
    ///   its instance is alive at the start of minute b, and with g ≤ `window` (the idle time
    ///   rounded) the level crossings still hold minute a at b: the run goes on;
    /// - a new run when g > `window`: the level crossings hold no minute before the gap at b, so
    ///   they start from no instance, and the exact replay does too unless a call before the gap
    ///   ends late enough for its instance to live to the start of b. The expected number of such
    ///   calls (`crossingCalls`) is at most `crossingAtMost`, which bounds the cold starts the run
    ///   counts too many; more, and the unit replays call by call.
    func runs(idleSeconds idle: Double, window: Int) -> [ClosedRange<Int>]? {
        let warm = min(window, Int((idle / 60).rounded(.down)))
        var runs: [ClosedRange<Int>] = []
        var start = -1, previous = -1
        for k in counts.indices where counts[k] > 0 {
            if start < 0 {
                start = k
            } else if k - previous > warm {
                guard k - previous > window, crossingCalls(before: k, idleSeconds: idle) <= Self.crossingAtMost else { return nil }
                runs.append(firstMinute + start...firstMinute + previous)
                start = k
            }
            previous = k
        }
        if start >= 0 { runs.append(firstMinute + start...firstMinute + previous) }
        return runs
    }

    /// The most calls before a gap that may, in expectation, keep an instance alive across it for a
    /// gap to part two runs (`runs`): each is a cold start counted that the exact replay may not
    /// have, against at least one a run.
    static let crossingAtMost = 0.05

    /// The expected number of calls before minute index `b` (the first after a gap) whose instance
    /// is still alive at b's start: a call of minute j with a duration of d ms ends at its start in
    /// the minute plus d, and keeps its instance alive at b's start when it ends at least
    /// x = 60 s × (b − j) − idle after j's start. A minute's first call starts at its start; the
    /// others are spread as uniform points over the minute (exponential gaps scaled to the minute),
    /// so n calls give P(d ≥ x) + (n − 1) × E[min(1, max(0, (d − x + 60 s) / 60 s))], d drawn from
    /// the day's distribution. A cold start's own time, a few hundred ms on these targets, is left
    /// out: it adds to the first call of a run, not to the calls that end one.
    func crossingCalls(before b: Int, idleSeconds idle: Double) -> Double {
        var expected = 0.0
        var j = b - 1
        while j >= 0 {
            let x = 60 * Double(b - j) - idle
            // The minute's last call starts before its end: it reaches x only if it runs x − 60 s.
            if (x - 60) * 1000 > longestMs { break }
            let n = Double(counts[j])
            if n > 0 {
                var first = 0.0, later = 0.0
                let quantiles = days[Int(dayOf[j])].quantiles
                for d in quantiles {
                    let s = d / 1000
                    if s >= x { first += 1 }
                    later += min(1, max(0, (s - x + 60) / 60))
                }
                let q = Double(quantiles.count)
                expected += first / q + (n - 1) * later / q
            }
            j -= 1
        }
        return expected
    }

    /// Several requests per instance (Cloud Run, Azure): when an arrival finds the instance's
    /// concurrency c in flight in at most `secondInstanceAtMost` of the unit's minutes in
    /// expectation (the chances of reaching level c + 1, `notReached`, summed over its minutes,
    /// which bounds the chance that a second instance starts at all), one instance serves them all,
    /// alive from the first call minute of each of `runs` (`runs(idleSeconds:window:)`) to the
    /// window after its last, started once a run. It is billed while at least one call is in
    /// flight, each such period rounded up and at least the minimum: `InFlight` gives, per part of
    /// each minute, the chance that no call of `sources` (the unit's function, or an app's
    /// functions) is in flight, those still running from earlier minutes counted, and the mean m
    /// of the calls in flight. The busy time is the integral of the complement; arrivals find the
    /// instance idle with that chance and open a period, each billed `ActivePeriods.excessMs`
    /// beyond its length (from the distribution of the period's length at the minute's rate). An
    /// arrival's chances of finding c in flight are taken at the larger of the minute's own load ρ
    /// and the most m reaches in it. False when the load may need a second instance (the exact
    /// path replays it).
    mutating func packed(rho: [Double], sources: [FastPlan], concurrency: Int, length: Int, runs: [ClosedRange<Int>], window: Int,
                         clock: BillingClock?) -> Bool {
        let flight = InFlight(sources, firstMinute: firstMinute)
        let p = InFlight.points
        highest = []
        highest.reserveCapacity(rho.count)
        var full = 0.0
        for k in rho.indices {
            var load = rho[k]
            for x in k * p..<(k + 1) * p { load = max(load, flight.means[x]) }
            let (low, values) = Self.notReached(load, calls: Double(counts[k]))
            highest.append(Self.highest(low: low, values: values))
            guard counts[k] > 0 else { continue }
            full += Self.reachedChance(low: low, values: values, instance: concurrency + 1)
            if full > Self.secondInstanceAtMost { return false }
        }
        alive = [Double](repeating: 0, count: length)
        cold = [Int32](repeating: 0, count: length)
        for run in runs {
            let start = run.lowerBound - firstMinute
            cold[start] = 1
            for k in start..<min(length, run.upperBound - firstMinute + window + 1) { alive[k] = 1 }
        }
        peak = 1
        guard let clock else { return true }
        var periods = days.map { ActivePeriods(durations: $0.quantiles, clock: clock) }
        var billed = 0.0
        for k in 0..<flight.minuteCount {
            // Per moment, the chance that the instance is busy and idle.
            var busy = 0.0, idle = 0.0
            for x in k * p..<(k + 1) * p {
                let e = expm1(flight.logIdle[x])
                busy -= e
                idle += 1 + e
            }
            billed += 60_000 * busy / Double(p)
            guard k < counts.count, counts[k] > 0 else { continue }
            // Minutes where hardly a call finds the instance idle need no period lengths.
            let opened = Double(counts[k]) * idle / Double(p)
            guard opened > 1e-9 else { continue }
            billed += opened * periods[Int(dayOf[k])].excessMs(perMinute: Double(counts[k]))
        }
        activeMs = Int64(billed.rounded())
        return true
    }

    /// The most minutes, in expectation over a packed unit's, in which an arrival may find its one
    /// instance full (`packed`): each such minute is at most one second instance, one cold start
    /// and a window of instance time the exact replay may count and one instance does not, against
    /// at least one cold start a run.
    static let secondInstanceAtMost = 0.05

    /// The chance that a minute reaches `instance` (an arrival finds `instance` − 1 calls in
    /// flight), from `notReached`'s answer: 1 below the uncertain band, 0 above it.
    static func reachedChance(low: Int, values: [Double], instance k: Int) -> Double {
        if k < low { return 1 }
        return k - low < values.count ? -expm1(values[k - low]) : 0
    }

    /// The highest level of calls in flight that a minute reaches with a chance of e^−25 or more
    /// (each level above is less likely), from `notReached`'s answer for the minute.
    static func highest(low: Int, values: [Double]) -> Int {
        var top = low + values.count - 1
        for (i, logQ) in values.enumerated() where -logQ < exp(-25.0) { top = low + i - 1; break }
        return max(1, top)
    }

    /// Equidistant calls of one duration: ⌈ρ⌉ in flight all minute, alive over the window.
    private mutating func steady(rho: [Double], window: Int, length: Int) {
        let peaks = rho.map { Int32(max(1, ($0 - 1e-9).rounded(.up))) }
        highest = peaks.map(Int.init)
        // The window's highest by a monotonic deque of minutes (their peaks decreasing).
        var deque = Deque<Int>()
        var previous: Int32 = 0
        alive = []
        cold = []
        for m in 0..<length {
            if m < peaks.count {
                while let last = deque.last, peaks[last] <= peaks[m] { deque.removeLast() }
                deque.append(m)
            }
            while let first = deque.first, first < m - window { deque.removeFirst() }
            let a = deque.first.map { peaks[$0] } ?? 0
            alive.append(Double(a))
            cold.append(max(0, a - previous))
            previous = a
            peak = max(peak, Int(a))
        }
    }

    /// The level-crossing expectations (see the type's comment), minute by minute over a sliding
    /// window; only the instances whose fate is uncertain are summed (about 15 √ρ of them).
    private mutating func levelCrossings(rho: [Double], window: Int, length: Int) {
        // Per call minute: the first instance not surely reached, and the last one possibly reached,
        // with log q for the instances between: kept for the minutes still in the window only (a
        // ring), since a very busy function has thousands of uncertain instances per minute.
        var low: [Int] = [], high: [Int] = []
        low.reserveCapacity(rho.count); high.reserveCapacity(rho.count)
        let ringSize = window + 2
        var ring = [[Double]](repeating: [], count: ringSize)
        var top = 3                                              // highest instance possibly reached, + 2
        var inWindow = [Double](repeating: 0, count: top + 1)   // Σ log q over the window, per instance
        var overall = [Double](repeating: 0, count: top + 1)    // Σ log q over every minute, per instance
        var sure = [Int](), sureHead = 0                        // minutes by descending `low` (window max)
        alive = []
        cold = []
        var coldSum = 0.0, coldRounded = 0
        func add(_ j: Int, _ values: [Double], _ sign: Double) {
            for (i, v) in values.enumerated() { inWindow[low[j] + i] += sign * v }
        }
        var surelyAll = 1
        var previous: [Double] = []
        // The window seen from a moment inside minute m covers, on average, half of minute
        // m − window, the minutes between in full, and half of minute m.
        for m in 0..<length {
            if m >= 1, m - 1 < rho.count { add(m - 1, previous, 0.5) }
            for j in [m - window - 1, m - window] where j >= 0 && j < rho.count { add(j, ring[j % ringSize], -0.5) }
            while sure.count > sureHead, sure[sureHead] < m - window { sureHead += 1 }
            let sureBefore = sure.count > sureHead ? low[sure[sureHead]] : 1
            // Cold starts in minute m: instances not alive over the window before it, reached in it.
            if m < rho.count {
                let (l, values) = Self.notReached(rho[m], calls: Double(counts[m]))
                highest.append(Self.highest(low: l, values: values))
                low.append(l)
                high.append(l + values.count - 1)
                if high[m] + 2 > top {
                    let grown = high[m] + 2 - top
                    top += grown
                    inWindow += [Double](repeating: 0, count: grown)
                    overall += [Double](repeating: 0, count: grown)
                }
                ring[m % ringSize] = values
                var expected = 0.0
                let topHere = high[m]
                if topHere >= sureBefore {
                    for k in sureBefore...topHere {
                        let qm = k < low[m] ? 0 : exp(values[k - low[m]])
                        expected += exp(min(0, inWindow[k])) * (1 - qm)
                    }
                }
                coldSum += expected
                add(m, values, 0.5)
                previous = values
                for (i, v) in values.enumerated() { overall[low[m] + i] += v }
                surelyAll = max(surelyAll, low[m])
                while sure.count > sureHead, low[sure[sure.count - 1]] <= low[m] { sure.removeLast() }
                sure.append(m)
            }
            let rounded = Int(coldSum.rounded())
            cold.append(Int32(rounded - coldRounded))
            coldRounded = rounded
            // Alive: the instances surely reached in the window, and the chance of each above.
            let sureNow = sure.count > sureHead ? low[sure[sureHead]] : 1
            let anyInWindow = sure.count > sureHead
            var a = anyInWindow ? Double(sureNow - 1) : 0
            if anyInWindow {
                var k = sureNow
                while k <= top, inWindow[k] < 0 {
                    a += 1 - exp(inWindow[k])
                    k += 1
                }
            }
            alive.append(a)
        }
        // Peak: the median of the maximum over the whole run.
        peak = surelyAll - 1
        var k = max(1, surelyAll)
        while k <= top, overall[k] <= log(0.5) { peak = k; k += 1 }
        peak = max(peak, 1)
    }

    /// For a minute of `calls` calls at load ρ: the first instance k not surely reached, and
    /// log q(k) = log min((1 − P(S = k−1))^calls, P(N ≤ k−1)) from it until the instance that is
    /// surely not reached. Instances below the uncertain band at the top (q < e^−25 somewhere
    /// under it) count as surely reached.
    ///
    /// N, the calls in flight at a moment, is Poisson(ρ). S, what an arrival finds, is not: the
    /// arrival is one of the minute's n calls, placed over the minute independently of the other
    /// n − 1, so it finds those in flight as Poisson(ρ (n − 1) / n), a share 1/n lighter (Poisson
    /// arrivals would see N itself). At 1 to 7 calls a minute that takes the instance-seconds the
    /// crossings count too many from +7 % to +2.4 % (`FastPathTests.lightTracesWithinTolerance`).
    static func notReached(_ rho: Double, calls: Double) -> (Int, [Double]) {
        // Start well inside the left tail, where P(N ≤ i) is negligible.
        let start = max(0, Int((rho - 8 * rho.squareRoot() - 10).rounded(.down)))
        let logRho = log(max(rho, 1e-300))
        var logP = -rho + Double(start) * logRho - lgamma(Double(start) + 1)
        // P(S = i) = P(N = i) × r^i × e^(ρ − s), r = s / ρ = (n − 1) / n: a product kept step by step.
        let ratio = calls > 1 ? (calls - 1) / calls : 1
        var seenOverP = exp(Double(start) * log(ratio) + rho * (1 - ratio))
        var cdf = 0.0
        var values: [Double] = []
        var lastSure = -1
        var i = start
        while true {
            let p = exp(logP)
            cdf += p
            // Instance k = i + 1 is lifted to by arrivals finding i in flight.
            // None of the minute's calls finds i in flight: (1 − found)^n.
            // Instance 1 is reached by any call of the minute (it takes the call or is busy already).
            let found = p * seenOverP
            let logQ = i == 0 && calls >= 1 ? -Double.infinity : min(calls * log1p(-min(found, 1 - 1e-16)), log(max(cdf, 1e-300)))
            if logQ < -25 { lastSure = values.count }
            values.append(logQ)
            if Double(i) > rho, calls * p < 1e-12 { break }
            i += 1
            logP += logRho - log(Double(i))
            seenOverP *= ratio
            if i > start + 10_000_000 { break }
        }
        return (start + 1 + lastSure + 1, Array(values[(lastSure + 1)...]))
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

}

extension Accumulator {
    /// Replays one busy function per minute from its plan: counts, instances and their series,
    /// cold starts (their latency sampled as on the exact path), billed time and latency.
    mutating func replay(_ plan: FastPlan, _ g: inout GroupReplay) {
        replayInstances(plan, &g)
        let cold = plan.cold, first = plan.firstMinute
        replayCalls(plan, of: 0, coldStarts: { minute in minute - first < cold.count ? Int(cold[minute - first]) : 0 }, &g)
    }

    /// A unit's instances from its plan: their series, starts, instance-seconds and billed active
    /// time, its bound of calls in flight.
    mutating func replayInstances(_ plan: FastPlan, _ g: inout GroupReplay) {
        let memoryMB = g.memoryMB
        let endSeconds = Double(spanMinutes) * 60
        var started = 0
        var seconds = 0.0
        for (offset, a) in plan.alive.enumerated() {
            let m = plan.firstMinute + offset
            started += Int(plan.cold[offset])
            let held = min(60, endSeconds - Double(m) * 60) * a
            guard held > 0 else { continue }
            seconds += held
            minutes.addPartial(m, held, memoryMB: memoryMB)
        }
        // Packed instances billed by active period; a per-execution target bills each call (`replayCalls`).
        if let active = plan.activeMs, !g.perRequest { g.activeMs += active }
        g.perMinuteBound = g.overlap?.add(plan)
        g.pool.peakInstances = plan.peak
        g.pool.instancesStarted = started
        g.pool.instanceSeconds = seconds
        fastUnits += 1
        fastCalls += plan.counts.reduce(0) { $0 + Int($1) }
    }

    /// One member function's calls from its per-minute counts: invocations, cold starts (the
    /// unit's, `coldStarts` by minute), execution time, billed time where each call is billed, and
    /// latency from its days' distributions.
    mutating func replayCalls(_ plan: FastPlan, of f: Int, coldStarts: (Int) -> Int, _ g: inout GroupReplay) {
        var perDay = [Int](repeating: 0, count: plan.days.count), callsPerDay = perDay
        g.tallies[f].becomeBusy()
        var latency = PercentileHistogram.latencies
        swap(&latency, &g.tallies[f].histogram)
        for k in plan.minutes.indices {
            let n = Int(plan.counts[k]), day = plan.days[Int(plan.dayOf[k])]
            guard n > 0 else { continue }
            let cold = min(n, coldStarts(Int(plan.minutes[k])))
            g.tallies[f].outcome.invocations += n
            g.tallies[f].outcome.coldStarts += cold
            perDay[Int(plan.dayOf[k])] += n - cold
            callsPerDay[Int(plan.dayOf[k])] += n
            for _ in 0..<cold {
                let initMs = g.pool.model.coldStart.sample(&g.pool.random)
                latency.record(day.meanMs + initMs)
                if g.initBilled, let clock = g.target.clock {
                    // As the exact path bills it: with the call's time where each call is billed.
                    let base = g.perRequest ? day.meanMs : 0
                    g.tallies[f].initMs += clock.billedMs(base + initMs) - clock.billedMs(base)
                }
            }
            g.tallies[f].runMs += Double(n) * day.meanMs
        }
        for (d, n) in perDay.enumerated() where n > 0 {
            let day = plan.days[d]
            // n calls spread over the quadrature points: point j gets ⌊(j+1)n/P⌋ − ⌊jn/P⌋.
            let points = day.quantiles.count
            for j in 0..<points {
                let share = (j + 1) * n / points - j * n / points
                guard share > 0 else { continue }
                latency.record(day.quantiles[j], count: share)
            }
        }
        if g.target.clock != nil, g.perRequest {
            for (d, n) in callsPerDay.enumerated() where n > 0 {
                g.tallies[f].execMs += Int64((Double(n) * plan.days[d].meanBilledMs).rounded())
            }
        }
        swap(&latency, &g.tallies[f].histogram)
    }
}
