import Formatting
import Foundation
import Results

/// What several sections share, computed once from the result document: targets ordered by
/// cost, lock-in and compliance per target, the requirements the run was given.
struct ReportContext {
    /// One target's lock-in and compliance over all functions of the trace.
    struct Standing {
        /// Invocation-weighted mean lock-in score (0–100), nil when lock-in was not computed.
        var lockIn: Double?
        var allowedFunctions: Int
        var functions: Int
        var allowedEverywhere: Bool { allowedFunctions == functions }
    }

    var doc: ResultDocument
    /// Cloud targets, cheapest first (to the cent; at equal cost the lower p99, then by id).
    var cloud: [TargetResult]
    var onPrem: [TargetResult]
    var standing: [String: Standing]
    /// The deployment's p99 objective (ms), when one was given for every function.
    var p99ObjectiveMs: Double?
    var placement: JSONNode?
    var breakEven: JSONNode?
    var modelError: JSONNode?
    /// The fit of `placer calibrate --from` and its error on the trace's calls, when one was applied.
    var calibration: JSONNode?
    var keepAlive: JSONNode?
    var lockIn: JSONNode?

    init(_ doc: ResultDocument) {
        self.doc = doc
        cloud = doc.targets.filter(\.isCloud).sorted {
            let a = Self.cents($0), b = Self.cents($1)
            if a != b { return a < b }
            return $0.figures.p99Ms == $1.figures.p99Ms ? $0.id < $1.id : $0.figures.p99Ms < $1.figures.p99Ms
        }
        onPrem = doc.targets.filter { !$0.isCloud }
        placement = doc.section("placement")
        breakEven = doc.section("breakEven")
        modelError = doc.section("modelError")
        calibration = doc.section("calibration")
        keepAlive = doc.section("keepAlive")
        lockIn = doc.section("lockIn")
        p99ObjectiveMs = doc.section("inputs")?["requirements"]?["p99LatencyMs"]?.double

        var standing: [String: Standing] = [:]
        let functions = lockIn?["functions"]?.array ?? []
        for target in doc.targets {
            var weighted = 0.0, weight = 0.0, scored = false, allowed = 0
            for f in functions {
                let calls = max(f["invocations"]?.double ?? 0, 0)
                if let score = f["lockIn"]?[target.id]?.double {
                    scored = true
                    weighted += score * max(calls, 1); weight += max(calls, 1)
                }
                let verdict = f["compliance"]?.array?.first { $0["target"]?.string == target.id }
                if verdict == nil || verdict?["allowed"]?.value.isTrue == true { allowed += 1 }
            }
            standing[target.id] = Standing(lockIn: scored && weight > 0 ? weighted / weight : nil,
                                           allowedFunctions: functions.isEmpty ? 0 : allowed, functions: functions.count)
        }
        self.standing = standing
    }

    /// The region a cloud target's bill was priced in (results from before the field: nil).
    func billedRegion(_ target: TargetResult) -> String? { target.node["bill"]?["region"]?.string }

    /// A target's lifecycle when it is not plainly active (`legacy since …, retires …`), from
    /// the run's profiles section; nil when active or not recorded.
    func statusNote(_ id: String) -> String? { profile(id)?["statusNote"]?.string }

    /// A simulated target's entry in the run's profiles section, if recorded.
    func profile(_ id: String) -> JSONNode? {
        doc.section("profiles")?.array?.first { $0["id"]?.string == id }
    }

    /// Where most functions run today (the lock-in section's `current`), if it says.
    var currentTarget: String? {
        var counts: [String: Int] = [:]
        for f in lockIn?["functions"]?.array ?? [] { if let id = f["current"]?.string { counts[id, default: 0] += 1 } }
        return counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }?.key
    }

    /// Why a target is not a candidate for the whole trace, or nil when it is.
    func shortfall(_ target: TargetResult) -> String? {
        if target.figures.rejected > 0 {
            return "\(Numbers.count(target.figures.rejected)) calls rejected at its limits"
        }
        if let s = standing[target.id], s.functions > 0, !s.allowedEverywhere {
            return "\(s.functions - s.allowedFunctions) of \(s.functions) functions not allowed by the requirements"
        }
        if let objective = p99ObjectiveMs, target.figures.p99Ms > objective {
            return "p99 \(Numbers.ms(target.figures.p99Ms, .withUnit)) over the \(Numbers.ms(objective, .withUnit)) objective"
        }
        return nil
    }

    /// The cheapest cloud target that serves the whole trace within the constraints.
    var bestCloud: TargetResult? { cloud.first { shortfall($0) == nil } }

    /// The target's monthly cost in whole cents, rounded as every printed amount is (`Numbers.cents`).
    static func cents(_ target: TargetResult) -> Int {
        NSDecimalNumber(decimal: Numbers.cents(target.figures.monthlyCost?.total ?? 0) * 100).intValue
    }

    /// Cloud targets that serve the whole trace within the constraints at the best target's cost.
    var tiedBest: [TargetResult] {
        guard let best = bestCloud else { return [] }
        return cloud.filter { shortfall($0) == nil && Self.cents($0) == Self.cents(best) }
    }

    /// True when every target's p99 is within 5 % of the others: the functions' own run time.
    var p99SameEverywhere: Bool {
        let p99s = doc.targets.map(\.figures.p99Ms)
        guard let low = p99s.min(), let high = p99s.max(), p99s.count > 1, low > 0 else { return false }
        return high / low < 1.05
    }

    /// Monthly cost of a target as a double (nil on-prem).
    static func cost(_ target: TargetResult) -> Double? {
        target.figures.monthlyCost.map { NSDecimalNumber(decimal: $0.total).doubleValue }
    }

    /// Peak memory held at once (GB), from the per-minute series.
    static func peakMemoryGB(_ target: TargetResult) -> Double { (target.memoryMBPerMinute.max() ?? 0) / 1024 }
}

extension JSONNode.Value {
    var isTrue: Bool { if case .bool(true) = self { return true }; return false }
}
