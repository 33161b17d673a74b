import DequeModule
import Foundation

/// An upper bound of a target's calls in flight in each second of the window, collected while its
/// scaling units are replayed on their own: per second, the calls whose time in flight overlaps
/// it (every call in flight at a moment of the second overlaps the second), kept as a difference
/// array. If the bound never exceeds the account's quota, the quota cannot have bound and the
/// independent replay is exact (`Simulator.run` keeps it).
///
/// One counter per worker and target: the counts are integers, so adding them up in any order
/// gives the same bound, whichever worker replayed which unit.
final class OverlapCounter: @unchecked Sendable {
    /// Seconds of the window; a call past its end counts in its last second.
    let seconds: Int
    private var diff: [Int32]

    init(spanMinutes: Int) {
        seconds = spanMinutes * 60
        diff = [Int32](repeating: 0, count: seconds + 2)
    }

    /// `count` calls in flight over [start, end) seconds.
    func add(start: Double, end: Double, count: Int32 = 1) {
        let a = min(seconds, max(0, Int(start.rounded(.down))))
        let b = min(seconds, max(a, Int(end.rounded(.up)) - 1))
        diff[a] += count
        diff[b + 1] -= count
    }

    /// A unit replayed per minute (`FastPlan`): in each call minute, the most calls in flight its
    /// plan reaches with a chance of e^-25 or more (`FastPlan.highest`: each level above is less
    /// likely), or ⌈ρ⌉ for equidistant calls of one duration. A call of at most L ms touches its
    /// own minute and the ⌈L / 60 s⌉ after it; its cold start's init may reach one more. So minute
    /// m is bounded, in each of its seconds, by the highest of minutes m−r…m, r = ⌈L / 60 s⌉ + 1,
    /// plus their cold starts (each init lengthens one call): calls in flight at a moment arrived
    /// within the last L, at rates no higher than that window's highest, so they are no more
    /// likely to reach a level than its busiest minute's Poisson(ρ). Returns the highest bound of
    /// any minute: the unit's own bound of its calls in flight (`GroupReplay.quotaBound`).
    @discardableResult
    func add(_ plan: FastPlan) -> Int {
        let high = plan.highest
        // Call minutes are consecutive from the plan's first minute (`FastPlan.make`).
        guard let first = plan.minutes.first.map(Int.init) else { return 0 }
        var highest = 0
        func cold(_ m: Int) -> Int {
            let offset = m - plan.firstMinute
            return offset >= 0 && offset < plan.cold.count ? Int(plan.cold[offset]) : 0
        }
        let reach = Int((max(plan.longestMs, 1) / 60_000).rounded(.up)) + 1
        // The window's highest by a monotonic deque and its cold starts as a running sum: linear
        // however long the calls run. Minutes past the window's end are left out: each would add
        // its whole bound to the last second (where `add(start:end:)` puts what runs past the
        // end), whose own minute's bound already covers the calls still in flight then.
        var deque = Deque<Int>()
        var colds = 0
        for m in first..<min(first + high.count + reach, seconds / 60) {
            let k = m - first
            if k < high.count {
                while let last = deque.last, high[last] <= high[k] { deque.removeLast() }
                deque.append(k)
            }
            while let oldest = deque.first, oldest < k - reach { deque.removeFirst() }
            colds += cold(m)
            if m - reach - 1 >= first { colds -= cold(m - reach - 1) }
            let bound = (deque.first.map { high[$0] } ?? 0) + colds
            highest = max(highest, bound)
            add(start: Double(m) * 60, end: Double(m + 1) * 60, count: Int32(clamping: bound))
        }
        return highest
    }

    /// Adds `other`'s counts to these (the same window).
    func add(_ other: OverlapCounter) {
        for i in diff.indices { diff[i] &+= other.diff[i] }
    }

    /// The counters of every worker added up: per second, the change of the bound (what a
    /// shard's partial result carries; shards' sums add up to the whole run's).
    static func sum(_ counters: [OverlapCounter]) -> [Int64] {
        guard let seconds = counters.first?.seconds else { return [] }
        var out = [Int64](repeating: 0, count: seconds + 2)
        for c in counters {
            for i in out.indices { out[i] += Int64(c.diff[i]) }
        }
        return out
    }

    /// The highest bound of any second of summed changes (`sum`).
    static func peak(changes: [Int64]) -> Int {
        var running: Int64 = 0, peak: Int64 = 0
        for change in changes.dropLast() {
            running += change
            peak = max(peak, running)
        }
        return Int(peak)
    }

    /// The highest bound of any second, over the counters of every worker.
    static func peak(_ counters: [OverlapCounter]) -> Int {
        guard let seconds = counters.first?.seconds else { return 0 }
        var running = 0, peak = 0
        for i in 0...seconds {
            for c in counters { running += Int(c.diff[i]) }
            peak = max(peak, running)
        }
        return peak
    }
}
