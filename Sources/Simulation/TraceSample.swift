import Dispatch
import Foundation
import Traces

extension Workload {
    /// The apps whose stable hash (FNV-1a of the app's key, the same on every machine) falls in
    /// the first `percent` of 10,000 buckets: a sample of whole apps, so that a target scaling
    /// per app replays the same units as in the whole trace. The same apps for every seed; apps
    /// keep their owners and the workload its account mode.
    public func sample(percent: Double) -> Workload {
        let buckets = UInt64(max(0, min(10_000, (percent * 100).rounded())))
        var sample = self
        sample.apps = apps.filter { ArrivalExpansion.stableHash(FunctionKey(app: $0.key, function: "")) % 10_000 < buckets }
        return sample
    }

    /// Calls in all (a binned function's per-minute counts added up).
    public var callCount: Int { apps.reduce(0) { $0 + $1.functions.reduce(0) { $0 + $1.calls.count } } }
}

/// Every call of a workload drawn (arrival times and durations, as the replay draws them) and
/// nothing replayed: the floor under any replay that looks at each call, the benchmark's baseline.
public enum BareExpansion {
    /// Draws every call on `workers` threads, an app at a time; returns the calls drawn and a
    /// checksum of their durations (so the draws cannot be optimised away).
    public static func run(_ workload: Workload, seed: UInt64, mode: ArrivalMode, workers: Int) -> (calls: Int, checksum: Double) {
        let apps = workload.apps
        let next = Counter()
        let results = Results(count: max(1, workers))
        let end = Double(workload.spanMinutes) * 60 + 1
        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { worker in
            var calls = 0, sum = 0.0
            var list = CallList()
            while true {
                let a = next.take()
                guard a < apps.count else { break }
                for f in apps[a].functions {
                    var expander = ArrivalExpansion.Expander(f, seed: seed, mode: mode)
                    var bound = 0.0
                    // Hour slices, as the replay draws them: memory bounded by one slice.
                    while bound < end {
                        bound += 3600
                        list.removeAll()
                        expander.next(before: bound, into: &list)
                        calls += list.times.count
                        for d in list.durationsMs { sum += d }
                    }
                    if case .exact(let starts, let durations) = f.calls, let last = starts.last, last >= end {
                        list.removeAll()
                        expander.next(before: .infinity, into: &list)
                        calls += list.times.count
                        sum += durations.suffix(list.times.count).reduce(0, +)
                    }
                }
            }
            results.set(worker, calls, sum)
        }
        return results.total
    }

    /// Per-worker totals, each written by its own worker only.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [Int], sums: [Double]
        init(count: Int) { calls = [Int](repeating: 0, count: count); sums = [Double](repeating: 0, count: count) }
        func set(_ worker: Int, _ c: Int, _ s: Double) {
            lock.lock(); defer { lock.unlock() }
            calls[worker] = c; sums[worker] = s
        }
        var total: (calls: Int, checksum: Double) { (calls.reduce(0, +), sums.reduce(0, +)) }
    }
}
