import Foundation
import Traces

/// How a minute's n invocations are spread over the minute, as the In-Vitro loader does
/// (vhive-serverless/loader, `pkg/generator`): the minute's inter-arrival times are drawn and
/// rescaled to fill exactly 60 s (`equidistant`: 60 s / n each).
public enum ArrivalMode: String, Sendable, CaseIterable {
    case uniform, exponential, equidistant
}

/// One function's invocations as times and durations, ascending by time.
struct CallList {
    var times: [Double] = []
    var durationsMs: [Double] = []

    mutating func removeAll() {
        times.removeAll(keepingCapacity: true)
        durationsMs.removeAll(keepingCapacity: true)
    }
}

/// Turns a function's calls into invocations. Seeded per function (by its key), so a
/// function's invocations do not depend on which other functions are in the trace.
enum ArrivalExpansion {
    /// The shortest duration drawn. Traces record whole milliseconds, so a 0 in a percentile
    /// table means "under 1 ms", and a call that ran took some time: a 0 ms call would be billed
    /// nothing where a provider bills at least one rounding unit. There is no upper bound: a call
    /// runs as long as the trace says, and only a target's timeout cuts it (`GroupReplay.step`).
    static let minDurationMs = 1.0
    /// Used when a function has no duration data at all (the report says how many).
    static let fallbackDurationMs = 1000.0

    /// All of a function's invocations at once (tests; the simulator streams with `Expander`).
    static func expand(_ function: FunctionWorkload, seed: UInt64, mode: ArrivalMode) -> CallList {
        var expander = Expander(function, seed: seed, mode: mode)
        var list = CallList()
        expander.next(before: .infinity, into: &list)
        return list
    }

    /// One function's invocations, produced slice by slice in time order; its random streams
    /// carry over, so the slices together are exactly the whole.
    struct Expander {
        let calls: Calls
        let mode: ArrivalMode
        var times: SeededRandom
        var lengths: SeededRandom
        var cursor = 0
        var dayIndex = 0
        var gaps: [Double] = []

        init(_ function: FunctionWorkload, seed: UInt64, mode: ArrivalMode) {
            calls = function.calls
            self.mode = mode
            let keyHash = stableHash(function.key)
            times = SeededRandom(seed: seed, stream: 101, keyHash)
            lengths = SeededRandom(seed: seed, stream: 102, keyHash)
        }

        /// Appends the invocations starting before `bound` seconds.
        mutating func next(before bound: Double, into list: inout CallList) {
            switch calls {
            case .exact(let starts, let durations):
                // The first start at or after `bound`, by binary search (starts ascend).
                var low = cursor, high = starts.count
                while low < high {
                    let mid = (low + high) / 2
                    if starts[mid] < bound { low = mid + 1 } else { high = mid }
                }
                list.times.append(contentsOf: starts[cursor..<low])
                list.durationsMs.append(contentsOf: durations[cursor..<low])
                cursor = low
            case .binned(let minutes, let counts, let table):
                while cursor < minutes.count, Double(minutes[cursor]) * 60 < bound {
                    let minute = minutes[cursor], n = Int(counts[cursor])
                    cursor += 1
                    guard n > 0 else { continue }
                    let start = Double(minute) * 60
                    gaps.removeAll(keepingCapacity: true)
                    switch mode {
                    case .equidistant:
                        for _ in 0..<n { gaps.append(60.0 / Double(n)) }
                    case .uniform:
                        for _ in 0..<n { gaps.append(times.uniformPositive()) }
                    case .exponential:
                        for _ in 0..<n { gaps.append(times.exponential()) }
                    }
                    if mode != .equidistant {
                        let sum = gaps.reduce(0, +)
                        let scale = sum > 0 ? 60 / sum : 0
                        for i in 0..<n { gaps[i] *= scale }
                    }
                    // Invocation i starts after the first i gaps: the first at the minute's start.
                    var t = start
                    let day = Int(minute) / 1440 + 1
                    dayIndex = nearestDay(table, day: day, from: dayIndex)
                    let sampler = table.isEmpty ? DurationSampler(constant: fallbackDurationMs) : DurationSampler(table[dayIndex])
                    for i in 0..<n {
                        list.times.append(min(t, start + 60 - 1e-6))
                        t += gaps[i]
                        list.durationsMs.append(sampler.sample(&lengths))
                    }
                }
            }
        }
    }

    /// Index of the day's distribution, or of the nearest day's (the earlier on a tie).
    static func nearestDay(_ table: [DurationPercentiles], day: Int, from hint: Int) -> Int {
        guard !table.isEmpty else { return 0 }
        var best = min(hint, table.count - 1)
        if table[best].day == day { return best }
        best = 0
        for (i, entry) in table.enumerated() where abs(entry.day - day) < abs(table[best].day - day) { best = i }
        return best
    }

    /// A duration from the percentile table by inverse transform: a uniform percent picks the band
    /// between adjacent percentiles it falls in (so bands weigh 1, 24, 25, 25, 24 and 1 %), then the
    /// value is interpolated linearly inside it; at least 1 ms (`minDurationMs`). The In-Vitro loader, as
    /// described in the reference sheet, picks a band uniformly instead, which draws one call in
    /// six from above p99 and inflates tails and bills; this keeps the trace's own percentiles.
    static func duration(_ p: DurationPercentiles, _ random: inout SeededRandom) -> Double {
        DurationSampler(p).sample(&random)
    }

    /// The duration at `percent` (0–100) of the table's distribution.
    static func duration(_ p: DurationPercentiles, percent: Double) -> Double {
        DurationSampler(p).at(percent: percent)
    }

    /// Draws from one day's table (`duration(_:_:)`), its percentiles held inline: no array to
    /// retain per draw.
    struct DurationSampler {
        private var values = SIMD8<Double>()
        private var levels = SIMD8<Double>()
        private var topBand = 0
        private let constant: Double?

        init(constant ms: Double) { constant = ms }

        init(_ p: DurationPercentiles) {
            let levelList = DurationPercentiles.percentileLevels
            guard p.percentilesMs.count == levelList.count, levelList.count <= 8 else { constant = floored(p.averageMs); return }
            constant = nil
            topBand = levelList.count - 2
            for (i, level) in levelList.enumerated() {
                levels[i] = level
                values[i] = p.percentilesMs[i]
            }
        }

        /// The largest value `at(percent:)` returns: the highest percentile figure (the top one
        /// in a table that ascends, as tables should), or the constant.
        var longest: Double {
            if let constant { return constant }
            var top = 0.0
            for i in 0...(topBand + 1) { top = max(top, floored(values[i])) }
            return top
        }

        @inline(__always) func sample(_ random: inout SeededRandom) -> Double {
            if let constant { return constant }
            return at(percent: random.uniform() * 100)
        }

        @inline(__always) func at(percent: Double) -> Double {
            if let constant { return constant }
            var band = 0
            while band < topBand && percent >= levels[band + 1] { band += 1 }
            let low = values[band], high = values[band + 1]
            let fraction = (percent - levels[band]) / (levels[band + 1] - levels[band])
            return floored(low + (high - low) * fraction)
        }
    }

    /// A drawn duration, at least `minDurationMs`; a table's non-finite figure draws the fallback.
    static func floored(_ ms: Double) -> Double {
        guard ms.isFinite else { return fallbackDurationMs }
        return max(minDurationMs, ms)
    }

    /// The longest duration the function's calls can have: its longest recorded call, or the
    /// highest figure of its percentile tables (what the inverse transform can reach, every day
    /// counted); a table-less function draws `fallbackDurationMs`. A target whose timeout is
    /// at least this never cuts one of its calls.
    static func longestMs(_ calls: Calls) -> Double {
        switch calls {
        case .exact(_, let durations):
            return durations.max() ?? 0
        case .binned(_, _, let table):
            guard !table.isEmpty else { return fallbackDurationMs }
            return table.map { DurationSampler($0).longest }.max() ?? fallbackDurationMs
        }
    }

    /// FNV-1a of the function's app and key: the same on every machine and run.
    static func stableHash(_ key: FunctionKey) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.app.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h = (h ^ 0x2f) &* 0x100_0000_01b3
        for byte in key.function.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}
