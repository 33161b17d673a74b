import Advice
import Deployment
import Foundation
import Pricing
import Simulation

/// What `Placement.plan` needs: a simulation of the trace on every candidate (run with
/// `functionSeries` for the on-prem target and `functionUsage`), the candidates as simulated,
/// the on-prem target's id, the cost inputs, and the deployment's rules and compliance verdicts.
public struct PlacementRequest: Sendable {
    public var result: SimulationResult
    public var targets: [SimulationTarget]
    public var onPrem: String?
    public var inputs: OnPremInputs
    public var deployment: Deployment?
    /// Compliance verdicts and lock-in scores per function and target (`Advisor.analyse`).
    public var lockIn: LockInReport?
    /// Up to this many functions the exact search is tried.
    public var exactLimit: Int

    public init(result: SimulationResult, targets: [SimulationTarget], onPrem: String?, inputs: OnPremInputs,
                deployment: Deployment? = nil, lockIn: LockInReport? = nil, exactLimit: Int = 14) {
        self.result = result
        self.targets = targets
        self.onPrem = onPrem
        self.inputs = inputs
        self.deployment = deployment
        self.lockIn = lockIn
        self.exactLimit = exactLimit
    }

    /// Simulation options a request needs: the on-prem target's series and every function's usage.
    public static func simulationOptions(_ base: SimulationOptions, onPrem: String?) -> SimulationOptions {
        var options = base
        options.functionSeries = onPrem.map { [$0] } ?? []
        options.functionUsage = true
        return options
    }
}

/// One function's place.
public struct PlacedFunction: Sendable, Equatable {
    public var app: String
    public var function: String
    public var target: String
    /// Its share of its target's monthly cost, USD: of the re-priced bill by its own simulated
    /// share on a cloud target; of the cluster by memory held on-prem.
    public var monthlyCost: Double
    public var reason: String
    /// Requirements no target met, relaxed for this function (empty normally).
    public var violates: [String]
}

/// The cluster the placement buys.
public struct OnPremCluster: Sendable, Equatable {
    public var target: String
    public var estimate: ClusterEstimate
    public var controlPlane: ControlPlaneFootprint
    /// Assumed inputs the cost relies on.
    public var assumed: [String]
}

/// A placement and what it is compared with.
public struct PlacementPlan: Sendable {
    public var algorithm: String
    public var guarantee: String
    public var monthlyCost: Double
    /// Every function on the cheapest single cloud target (its whole simulated bill), if any.
    public var allCloudBest: (target: String, monthlyCost: Double)?
    /// Every function on the on-prem target.
    public var allOnPrem: (target: String, monthlyCost: Double, servers: Int)?
    /// The cluster of this placement (nil when no on-prem target is a candidate).
    public var onPrem: OnPremCluster?
    public var functions: [PlacedFunction]
    public var notes: [String]

    public var savingsVsAllCloudBest: Double? { allCloudBest.map { $0.monthlyCost - monthlyCost } }
    public var savingsVsAllOnPrem: Double? { allOnPrem.map { $0.monthlyCost - monthlyCost } }
}

/// A problem with the request (a target not simulated, results that do not line up).
public struct PlacementError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Hybrid per-function placement: each function on one candidate target so that the month's
/// total (cloud bills re-priced per target, plus the on-prem cluster bought in whole servers)
/// is lowest, subject to the deployment's pins, p99 latency objective, compliance and maximum
/// lock-in.
public enum Placement {
    public static let exactGuarantee = "optimal: branch and bound over every allowed assignment (a partial placement's cost bounds all its completions, since no target's cost falls when a function is added)"
    public static let greedyGuarantee = "a local optimum: no single function's move to another allowed target lowers the total, and the total is no higher than every function on its cheapest cloud target or than any prefix of the cluster fill order; not proven optimal"

    public static func plan(_ request: PlacementRequest) throws -> PlacementPlan {
        let result = request.result
        guard let first = result.targets.first else { throw PlacementError(message: "the simulation has no targets") }
        let n = first.functions.count
        let outcomes = try request.targets.map { selected -> TargetOutcome in
            guard let o = result.targets.first(where: { $0.id == selected.profile.id }), o.functions.count == n else {
                throw PlacementError(message: "target \(selected.profile.id) is not in the simulation result")
            }
            return o
        }
        var notes: [String] = []
        let onPremIndex = request.onPrem.flatMap { id in request.targets.firstIndex { $0.profile.id == id } }
        if request.onPrem != nil, onPremIndex == nil { throw PlacementError(message: "on-prem target \(request.onPrem!) was not simulated") }
        let targets = request.targets.enumerated().map { t, s in
            PlacementModel.Target(id: s.profile.id, isOnPrem: t == onPremIndex, profile: s.profile, pricing: s.pricing)
        }
        // Other on-prem platforms among the targets cannot be priced: only one cluster is bought.
        let priceable = targets.indices.filter { t in t == onPremIndex || request.targets[t].profile.billing != nil }
        for t in targets.indices where !priceable.contains(t) {
            notes.append("\(targets[t].id) left out: one on-prem platform is placed at a time (--onprem)")
        }

        // Per-function figures.
        let functions = first.functions
        var usage = [[UsageSummary]](repeating: [], count: targets.count)
        var standalone = [[Double]](repeating: [Double](repeating: 0, count: n), count: targets.count)
        for t in targets.indices {
            usage[t] = outcomes[t].functions.map { $0.usage ?? UsageSummary(days: Decimal(result.days)) }
            for i in 0..<n { standalone[t][i] = outcomes[t].functions[i].outcome.monthlyCost.map { NSDecimalNumber(decimal: $0.total).doubleValue } ?? 0 }
        }
        // On-prem scaling units: an app's functions share one series when instances are per app.
        var unitOf = [Int](repeating: 0, count: n)
        var units: [UnitSeries] = []
        let span = result.spanMinutes
        if let p = onPremIndex {
            var index: [String: Int] = [:]
            for (i, f) in outcomes[p].functions.enumerated() {
                let key = f.scalingUnit == "app" ? "app:" + f.app : "fn:" + f.app + "/" + f.function
                if let u = index[key] { unitOf[i] = u; continue }
                guard let s = f.series else { throw PlacementError(message: "the simulation of \(targets[p].id) carries no per-function series (SimulationOptions.functionSeries)") }
                index[key] = units.count
                unitOf[i] = units.count
                units.append(s)
            }
        }

        // What each function may use, and why the rest is excluded.
        var constraints = Constraints(request: request, outcomes: outcomes, targets: targets, priceable: priceable)
        var allowed: [[Int]] = []
        var excluded: [[(Int, String)]] = []
        var violates: [[String]] = []
        for i in 0..<n {
            let c = constraints.allowed(i, app: functions[i].app, function: functions[i].function)
            allowed.append(c.allowed)
            excluded.append(c.excluded)
            violates.append(c.violates)
        }
        if let pin = constraints.unknownPins.first {
            notes.append("\(constraints.unknownPins.count) functions pinned to a target that is not a candidate (e.g. \(pin)): placed freely")
        }

        let controlPlane = onPremIndex.map {
            ControlPlaneFootprint(profile: targets[$0].profile, prewarmedMemoryMB: outcomes[$0].prewarmedMemoryMB)
        } ?? ControlPlaneFootprint()
        if let p = onPremIndex, targets[p].profile.controlPlane?.memory == nil || targets[p].profile.controlPlane?.cpu == nil {
            notes.append("\(targets[p].id): the profile gives no control-plane footprint (or part of it): counted as nothing")
        }
        if let p = onPremIndex, outcomes[p].prewarmedMemoryMB > 0 {
            notes.append("\(targets[p].id): its pre-warmed pool (\(String(format: "%.0f", outcomes[p].prewarmedMemoryMB)) MB) is counted once with the control plane's memory")
        }
        let model = PlacementModel(targets: targets, onPrem: onPremIndex, usage: usage, allowed: allowed, unitOf: unitOf,
                                   units: units, spanMinutes: span, days: Decimal(result.spanMinutes) / 1440,
                                   inputs: request.inputs, controlPlane: controlPlane)
        let solved = try Optimiser.solve(model, standalone: standalone, exactLimit: request.exactLimit)
        var state = try Optimiser.rebuild(model, solved.assignment)

        // References: all on the cheapest single cloud target; all on-prem.
        var allCloudBest: (String, Double)?
        for t in priceable where t != onPremIndex {
            if let total = outcomes[t].total.monthlyCost.map({ NSDecimalNumber(decimal: $0.total).doubleValue }),
               total < (allCloudBest?.1 ?? .infinity) { allCloudBest = (targets[t].id, total) }
        }
        var allOnPrem: (String, Double, Int)?
        var cluster: OnPremCluster?
        if let p = onPremIndex {
            var everything = PlacementState(model: model)
            for i in 0..<n { try everything.add(i, p) }
            let e = model.cluster(memory: everything.memory, busy: everything.busy)
            allOnPrem = (targets[p].id, e.cost.total, e.servers)
            cluster = OnPremCluster(target: targets[p].id, estimate: model.cluster(memory: state.memory, busy: state.busy),
                                    controlPlane: controlPlane, assumed: request.inputs.assumedInUse)
        }

        // Shares and reasons.
        var placed: [PlacedFunction] = []
        let memoryHeld: [Double] = (0..<n).map { i in units.isEmpty ? 0 : units[unitOf[i]].memoryMB.reduce(0, +) }
        var weights = [Double](repeating: 0, count: targets.count), members = [Int](repeating: 0, count: targets.count)
        func weight(_ i: Int, _ t: Int) -> Double { t == onPremIndex ? memoryHeld[i] : standalone[t][i] }
        for i in 0..<n { let t = state.assignment[i]; weights[t] += weight(i, t); members[t] += 1 }
        for i in 0..<n {
            let t = state.assignment[i]
            let share = weights[t] > 0 ? state.costs[t] * weight(i, t) / weights[t] : state.costs[t] / Double(members[t])
            let reason = try Self.reason(i, state: &state, model: model, excluded: excluded[i], violates: violates[i],
                                         pinned: constraints.pinned[i], onPrem: onPremIndex)
            placed.append(PlacedFunction(app: functions[i].app, function: functions[i].function, target: targets[t].id,
                                         monthlyCost: share, reason: reason, violates: violates[i]))
        }
        let clouds = Set(state.assignment.filter { $0 != onPremIndex })
        if clouds.count > 1 {
            notes.append("the placement uses \(clouds.count) cloud targets: each bills its own account, with its own free grants (--targets narrows the choice)")
        }
        let relaxed = violates.filter { !$0.isEmpty }.count
        if relaxed > 0 { notes.append("\(relaxed) functions have no target meeting all their requirements: the requirement is relaxed for them and named in their reason") }
        return PlacementPlan(algorithm: solved.exact ? "exact" : "greedy+improvement",
                             guarantee: solved.exact ? exactGuarantee : greedyGuarantee,
                             monthlyCost: state.total, allCloudBest: allCloudBest, allOnPrem: allOnPrem, onPrem: cluster,
                             functions: placed, notes: notes)
    }

    /// One line: where it goes and what the next best choice would add, or why it had no choice.
    static func reason(_ i: Int, state: inout PlacementState, model: PlacementModel, excluded: [(Int, String)], violates: [String],
                       pinned: Bool, onPrem: Int?) throws -> String {
        let t = state.assignment[i]
        var parts: [String] = []
        if pinned {
            parts.append("pinned to \(model.targets[t].id) by the deployment")
        } else {
            var next: (Int, Double)?
            for u in model.allowed[i] where u != t {
                let delta = try state.costIf(i, movedTo: u) - state.total
                if delta < (next?.1 ?? .infinity) { next = (u, delta) }
            }
            let what = t == onPrem ? "on the cluster" : "cheapest allowed"
            if let (u, delta) = next, abs(delta) < 0.005 {
                parts.append("\(what); as cheap on \(model.targets[u].id) to the cent (free grants or tiny usage)")
            } else if let (u, delta) = next {
                parts.append("\(what); on \(model.targets[u].id) the month would cost \(Self.usd(delta)) \(delta >= 0 ? "more" : "less")")
            } else {
                parts.append("the only allowed target")
            }
        }
        if !excluded.isEmpty {
            let shown = excluded.prefix(2).map { "\(model.targets[$0.0].id) \($0.1)" }
            parts.append("excluded: " + shown.joined(separator: ", ") + (excluded.count > 2 ? " and \(excluded.count - 2) more" : ""))
        }
        if !violates.isEmpty { parts.append("no target meets " + violates.joined(separator: " and ") + ": relaxed") }
        return parts.joined(separator: "; ")
    }

    static func usd(_ x: Double) -> String { String(format: "$%.2f", abs(x)) }
}

/// The deployment's constraints per function and target.
struct Constraints {
    let request: PlacementRequest
    let outcomes: [TargetOutcome]
    let targets: [PlacementModel.Target]
    let priceable: [Int]
    var pinned: [Bool] = []
    var unknownPins: [String] = []
    let verdicts: [String: [String: Verdict]]

    init(request: PlacementRequest, outcomes: [TargetOutcome], targets: [PlacementModel.Target], priceable: [Int]) {
        self.request = request
        self.outcomes = outcomes
        self.targets = targets
        self.priceable = priceable
        var v: [String: [String: Verdict]] = [:]
        for f in request.lockIn?.functions ?? [] {
            v[f.app + "/" + f.function] = Dictionary(f.compliance.map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })
        }
        verdicts = v
    }

    /// Allowed targets (never empty: unmet requirements are relaxed, latency first, and named).
    mutating func allowed(_ i: Int, app: String, function: String) -> (allowed: [Int], excluded: [(Int, String)], violates: [String]) {
        let settings = request.deployment?.settings(function: function, app: app) ?? FunctionSettings()
        var pin: Int?
        if let id = settings.target {
            if let t = targets.firstIndex(where: { $0.id == id }), priceable.contains(t) { pin = t } else { unknownPins.append("\(app)/\(function) → \(id)") }
        }
        pinned.append(pin != nil)
        if let pin { return ([pin], [], []) }
        var excluded: [(Int, String)] = []
        var compliant: [Int] = [], fast: [Int] = []
        for t in priceable {
            var ok = true
            if let verdict = verdicts[app + "/" + function]?[targets[t].id], !verdict.allowed {
                excluded.append((t, verdict.reason)); ok = false
            }
            if ok { compliant.append(t) }
            let p99 = outcomes[t].functions[i].outcome.latencyMs.p99
            if let slo = settings.p99LatencyMs, p99 > slo {
                if ok { excluded.append((t, String(format: "p99 %.0f ms > %.0f ms", p99, slo))) }
                continue
            }
            if ok { fast.append(t) }
        }
        if !fast.isEmpty { return (fast, excluded, []) }
        if !compliant.isEmpty {
            return (compliant, excluded.filter { e in !compliant.contains(e.0) }, [String(format: "the p99 objective of %.0f ms", settings.p99LatencyMs ?? 0)])
        }
        return (priceable, [], ["its compliance requirements"])
    }
}
