import Foundation

/// An upper bound of one scaling unit's calls in flight, per minute, collected while the unit is
/// replayed on its own: for each minute the unit touches, the most calls it has in flight at any
/// moment of that minute (a call in flight across a minute boundary counts in each minute it
/// touches). Summed over a target's units (`Accumulator.accountBound`), it bounds the account's
/// calls in flight in every minute: if the sum never exceeds the account's quota, the quota cannot
/// have bound and the independent replay is exact (`Simulator.run` keeps it).
struct InflightTracker {
    /// Equidistant arrivals (the fast path's steady case) rather than random ones.
    let equidistant: Bool
    private var ends = TimeHeap()
    private var minute = Int.min
    private var peak = 0
    /// Minutes (ascending) with calls in flight, and the bound of each.
    private(set) var minutes: [Int] = [], peaks: [Int] = []

    init(equidistant: Bool) {
        self.equidistant = equidistant
    }

    private mutating func record(_ m: Int, _ n: Int) {
        guard n > 0 else { return }
        if let last = minutes.last, last == m { peaks[peaks.count - 1] = max(peaks[peaks.count - 1], n); return }
        minutes.append(m)
        peaks.append(n)
    }

    private mutating func pop(upTo t: Double) {
        while !ends.isEmpty, ends.min <= t { ends.pop() }
    }

    /// Closes minutes up to `m` (exclusive): each minute without an arrival has at most the calls
    /// in flight at its start.
    private mutating func advance(to m: Int) {
        guard m != minute else { return }
        if minute != Int.min { record(minute, peak) }
        var k = minute == Int.min ? m : minute + 1
        while k < m, !ends.isEmpty {
            pop(upTo: Double(k) * 60)
            record(k, ends.count)
            k += 1
        }
        minute = m
        pop(upTo: Double(m) * 60)
        peak = ends.count
    }

    /// A served call in flight over [start, end) seconds; starts come in non-decreasing order.
    mutating func add(start: Double, end: Double) {
        advance(to: Int((start / 60).rounded(.down)))
        pop(upTo: start)
        ends.push(end)
        peak = max(peak, ends.count)
    }

    /// A unit replayed per minute (`FastPlan`): in each call minute, the highest instance reached with
    /// a chance of e^-25 or more (from `FastPlan.notReached`; each above it is less likely), or
    /// ⌈ρ⌉ for equidistant calls of one duration. Durations are at most 60 s, so
    /// a call touches its own minute and the next; its cold start's init may reach one more. So
    /// minute m is bounded by the highest of minutes m−2…m plus their cold starts (each init
    /// lengthens one call).
    mutating func add(_ plan: FastPlan) {
        var high: [Int] = []
        for k in plan.minutes.indices {
            let rho = Double(plan.counts[k]) * plan.days[Int(plan.dayOf[k])].meanMs / 60_000
            if equidistant {
                high.append(max(1, Int((rho - 1e-9).rounded(.up))))
            } else {
                high.append(FastPlan.highestReached(rho, calls: Double(plan.counts[k])))
            }
        }
        // Call minutes are consecutive from the plan's first minute (`FastPlan.make`).
        guard let first = plan.minutes.first.map(Int.init) else { return }
        func cold(_ m: Int) -> Int {
            let offset = m - plan.firstMinute
            return offset >= 0 && offset < plan.cold.count ? Int(plan.cold[offset]) : 0
        }
        for m in first..<(first + high.count + 2) {
            var bound = 0
            for j in max(0, m - first - 2)...min(high.count - 1, m - first) { bound = max(bound, high[j]) }
            for j in (m - 2)...m where j >= first { bound += cold(j) }
            record(m, bound)
        }
    }

    /// Closes the unit's replay: what is still in flight completes. Returns (minute, bound) pairs,
    /// minutes clamped to 0…`lastMinute` (a clamped cell bounds the minutes folded into it).
    mutating func finish(lastMinute: Int) -> [(Int, Int)] {
        if minute != Int.min {
            record(minute, peak)
            var k = minute + 1
            while !ends.isEmpty {
                pop(upTo: Double(k) * 60)
                record(k, ends.count)
                k += 1
            }
        }
        var out: [(Int, Int)] = []
        for (m, n) in zip(minutes, peaks) {
            let cell = min(lastMinute, max(0, m))
            if let last = out.last, last.0 == cell { out[out.count - 1].1 = max(last.1, n) } else { out.append((cell, n)) }
        }
        minutes = []
        peaks = []
        return out
    }
}

extension Accumulator {
    /// Adds a unit's per-minute bound (or another chunk's summed bound) to the target's.
    mutating func addBound(_ cells: [(Int, Int)]) {
        guard !cells.isEmpty else { return }
        if accountBound.isEmpty { accountBound = [Int](repeating: 0, count: spanMinutes + 1) }
        for (m, n) in cells { accountBound[m] += n }
    }

    mutating func addBound(_ other: [Int]) {
        guard !other.isEmpty else { return }
        if accountBound.isEmpty { accountBound = other; return }
        for i in other.indices { accountBound[i] += other[i] }
    }
}
