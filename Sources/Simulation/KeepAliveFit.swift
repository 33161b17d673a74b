import HeapModule
import Traces

/// Fits a target's fixed idle timeout (keep-alive) to the cold starts a team's own trace observed
/// (Lambda's `Init Duration`, a `cold` column). The estimator is stated in `docs/calibration.md`.
///
/// Each function's calls are replayed through reconstructed instances, as the engine runs them
/// (`InstancePool`): an instance is busy from a call's start to its end (init included on a cold
/// start), and a call takes the most recently freed idle instance. Where a call finds an idle
/// instance, the gap since that instance was freed — the shortest idle time of any idle instance —
/// is one observation: under a fixed timeout T the call is warm exactly when that gap is at most T
/// (a longer gap means every idle instance has expired). A warm call bounds T from below, a cold
/// one from above; a cold call that finds every instance busy says nothing of T (concurrency).
/// T is the threshold that misclassifies the fewest observations (noise: instances the platform
/// recycled early, clock jitter), within the interval between the longest gap that stayed warm
/// and the shortest gap that went cold; its midpoint is the estimate.
public enum KeepAliveFit {
    /// One call as the trace recorded it.
    public struct Call: Sendable, Equatable {
        /// Start, seconds.
        public var start: Double
        public var durationMs: Double
        /// Init time of a cold start, ms, where the trace gives it.
        public var initMs: Double?
        public var cold: Bool

        public init(start: Double, durationMs: Double, initMs: Double? = nil, cold: Bool) {
            self.start = start
            self.durationMs = durationMs
            self.initMs = initMs
            self.cold = cold
        }
    }

    /// The shortest idle time an arriving call found, and whether it went cold.
    public struct Observation: Sendable, Equatable {
        public var gapSeconds: Double
        public var cold: Bool
    }

    /// What one function's calls say of the timeout.
    public struct Evidence: Sendable {
        public var key: FunctionKey
        public var calls = 0
        public var coldCalls = 0
        public var observations: [Observation] = []
        /// Cold calls that found every instance busy: scale-out, not expiry.
        public var concurrencyColds = 0
        /// Warm calls that found no idle instance the reconstruction knew of (a call the trace
        /// marks warm right after one marked cold, or overlapping clocks): counted, not used.
        public var unexplainedWarm = 0
    }

    /// The fitted timeout and how well it is bracketed.
    public struct Result: Sendable, Equatable {
        /// The estimate, seconds: the bracket's midpoint, or its one known bound.
        public var idleSeconds: Double
        /// The longest idle gap the fitted timeout keeps warm (nil: no warm observation below it).
        public var longestWarmSeconds: Double?
        /// The shortest idle gap it lets go cold (nil: no cold observation above it).
        public var shortestColdSeconds: Double?
        /// Observations the fitted timeout classifies differently from the trace.
        public var disagreeing: Int
        public var warmObservations: Int
        public var coldObservations: Int
        public var concurrencyColds: Int
        public var unexplainedWarm: Int
        public var calls: Int
        public var coldCalls: Int

        public init(idleSeconds: Double, longestWarmSeconds: Double?, shortestColdSeconds: Double?, disagreeing: Int,
                    warmObservations: Int, coldObservations: Int, concurrencyColds: Int, unexplainedWarm: Int,
                    calls: Int, coldCalls: Int) {
            self.idleSeconds = idleSeconds
            self.longestWarmSeconds = longestWarmSeconds
            self.shortestColdSeconds = shortestColdSeconds
            self.disagreeing = disagreeing
            self.warmObservations = warmObservations
            self.coldObservations = coldObservations
            self.concurrencyColds = concurrencyColds
            self.unexplainedWarm = unexplainedWarm
            self.calls = calls
            self.coldCalls = coldCalls
        }

        /// Half the bracket's width relative to the estimate (nil when one side is open).
        public var relativeHalfWidth: Double? {
            guard let low = longestWarmSeconds, let high = shortestColdSeconds, idleSeconds > 0 else { return nil }
            return (high - low) / 2 / idleSeconds
        }
    }

    /// Why no timeout can be fitted.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Replays one function's calls (ascending by start) through reconstructed instances.
    public static func evidence(_ key: FunctionKey, _ calls: [Call]) -> Evidence {
        var evidence = Evidence(key: key)
        evidence.calls = calls.count
        var busy = Heap<Double>()
        // Idle instances by the time they were freed, ascending: the last is the most recent.
        var idle: [Double] = []
        for call in calls {
            while let end = busy.min, end <= call.start { _ = busy.popMin(); idle.append(end) }
            let gap = idle.last.map { call.start - $0 }
            if call.cold {
                evidence.coldCalls += 1
                if let gap {
                    evidence.observations.append(Observation(gapSeconds: gap, cold: true))
                    // Under the model every idle instance had expired: none serves a later call.
                    idle.removeAll()
                } else {
                    evidence.concurrencyColds += 1
                }
                busy.insert(call.start + ((call.initMs ?? 0) + call.durationMs) / 1000)
            } else {
                if let gap {
                    evidence.observations.append(Observation(gapSeconds: gap, cold: false))
                    idle.removeLast()
                } else {
                    evidence.unexplainedWarm += 1
                }
                busy.insert(call.start + call.durationMs / 1000)
            }
        }
        return evidence
    }

    /// The timeout that misclassifies the fewest observations over all functions (the smallest
    /// such interval when several tie), its bracket and its midpoint.
    public static func fit(_ evidence: [Evidence]) throws(Refusal) -> Result {
        var all = evidence.flatMap(\.observations)
        let calls = evidence.reduce(0) { $0 + $1.calls }
        let coldCalls = evidence.reduce(0) { $0 + $1.coldCalls }
        guard calls > 0 else { throw Refusal(description: "the trace has no timed calls that say whether they were cold (Lambda REPORT lines, or a `cold` column)") }
        guard !all.isEmpty else {
            throw Refusal(description: "no call of the trace found an idle instance (\(calls) calls, \(coldCalls) cold): it says nothing of the keep-alive")
        }
        // Ascending by gap; at equal gaps warm first (a timeout equal to the gap keeps it warm).
        all.sort { ($0.gapSeconds, $0.cold ? 1 : 0) < ($1.gapSeconds, $1.cold ? 1 : 0) }
        let warm = all.reduce(0) { $0 + ($1.cold ? 0 : 1) }
        // errors(k): the timeout lies between all[k-1] and all[k] (k = 0: below every gap).
        var errors = warm
        var best = errors, bestK = 0
        var k = 0
        while k < all.count {
            // Every observation at this gap moves to "at most the timeout" together.
            let gap = all[k].gapSeconds
            while k < all.count, all[k].gapSeconds == gap {
                errors += all[k].cold ? 1 : -1
                k += 1
            }
            if errors < best { best = errors; bestK = k }
        }
        let low = bestK > 0 ? all[bestK - 1].gapSeconds : nil
        let high = bestK < all.count ? all[bestK].gapSeconds : nil
        let estimate: Double
        switch (low, high) {
        case let (l?, h?): estimate = (l + h) / 2
        case let (l?, nil): estimate = l
        case let (nil, h?): estimate = h
        case (nil, nil): estimate = 0  // unreachable: `all` is not empty
        }
        return Result(idleSeconds: estimate, longestWarmSeconds: low, shortestColdSeconds: high, disagreeing: best,
                      warmObservations: warm, coldObservations: all.count - warm,
                      concurrencyColds: evidence.reduce(0) { $0 + $1.concurrencyColds },
                      unexplainedWarm: evidence.reduce(0) { $0 + $1.unexplainedWarm }, calls: calls, coldCalls: coldCalls)
    }
}
