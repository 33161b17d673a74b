import Advice
import Deployment
import Formatting
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

extension PlacementRequest {
    /// A function as lock-in and migration see it: its trigger and invocations (its lock-in row),
    /// and the bindings the deployment's rules declare for it.
    func functionUse(app: String, function: String, row: LockInReport.Function?) -> FunctionUse {
        let settings = deployment?.settings(function: function, app: app) ?? FunctionSettings()
        return FunctionUse(app: app, function: function, trigger: row?.trigger, bindings: settings.bindings.sorted(),
                           invocations: row?.invocations ?? 0)
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
    /// What each on-prem figure rests on, one line each: `cpu`, `memory`, `site`, `people`, and
    /// `owned` when an existing cluster's capacity is priced at its marginal cost.
    public var basis: [String: String] = [:]
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
        try plan(try prepare(request))
    }

    /// The optimiser's plan of a prepared problem.
    static func plan(_ prepared: PreparedPlacement) throws -> PlacementPlan {
        let request = prepared.request
        let solved = try Optimiser.solve(prepared.model, standalone: prepared.standalone, gross: prepared.gross, exactLimit: request.exactLimit)
        var state = try Optimiser.rebuild(prepared.model, solved.assignment)
        return try finish(prepared, state: &state, algorithm: solved.exact ? "exact" : "greedy+improvement",
                          guarantee: solved.exact ? exactGuarantee : greedyGuarantee)
    }

    /// The placement problem of `request` as numbers, with every function's allowed targets and
    /// the reasons the others are excluded.
    static func prepare(_ request: PlacementRequest) throws -> PreparedPlacement {
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
        if let id = request.onPrem, onPremIndex == nil { throw PlacementError(message: "on-prem target \(id) was not simulated") }
        let targets = request.targets.enumerated().map { t, s in
            PlacementModel.Target(id: s.profile.id, isOnPrem: t == onPremIndex, profile: s.profile, pricing: s.pricing)
        }
        // Other on-prem platforms among the targets cannot be priced: only one cluster is bought.
        let priceable = targets.indices.filter { t in t == onPremIndex || request.targets[t].profile.billing != nil }
        for t in targets.indices where !priceable.contains(t) {
            notes.append("\(targets[t].id) left out: one on-prem platform is placed at a time (--onprem)")
        }

        // Per-function figures.
        var usage = [[UsageSummary]](repeating: [], count: targets.count)
        var standalone = [[Double]](repeating: [Double](repeating: 0, count: n), count: targets.count)
        var gross = standalone
        for t in targets.indices {
            usage[t] = outcomes[t].functions.map { $0.usage ?? UsageSummary(days: Decimal(result.days)) }
            for i in 0..<n {
                guard let cost = outcomes[t].functions[i].outcome.monthlyCost else { continue }
                standalone[t][i] = NSDecimalNumber(decimal: cost.total).doubleValue
                gross[t][i] = NSDecimalNumber(decimal: cost.total + cost.freeGrantCredit).doubleValue
            }
        }
        // On-prem scaling units: an app's functions share one series when instances are per app.
        var unitOf = [Int](repeating: 0, count: n)
        var units: [UnitSeries] = []
        if let p = onPremIndex {
            var index: [String: Int] = [:]
            let cores = Units.cores(outcomes[p], inputs: request.inputs)
            for (i, f) in outcomes[p].functions.enumerated() {
                let key = Units.key(f)
                if let u = index[key] { unitOf[i] = u; continue }
                guard let s = f.series else { throw PlacementError(message: "the simulation of \(targets[p].id) carries no per-function series (SimulationOptions.functionSeries)") }
                index[key] = units.count
                unitOf[i] = units.count
                units.append(Units.busyCores(s, cores: cores[key] ?? 0))
            }
        }

        // What each function may use, and why the rest is excluded.
        var constraints = Constraints(request: request, outcomes: outcomes, targets: targets, priceable: priceable)
        var allowed: [[Int]] = [], excluded: [[(Int, String)]] = [], violates: [[String]] = []
        for (i, f) in first.functions.enumerated() {
            let c = constraints.allowed(i, app: f.app, function: f.function)
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
        let accountOf = first.functions.map(\.account)
        let model = PlacementModel(targets: targets, onPrem: onPremIndex, usage: usage,
                                   accountOf: accountOf, accounts: (accountOf.max() ?? 0) + 1, allowed: allowed, unitOf: unitOf,
                                   units: units, spanMinutes: result.spanMinutes, days: Decimal(result.spanMinutes) / 1440,
                                   inputs: request.inputs, controlPlane: controlPlane)
        return PreparedPlacement(request: request, model: model, outcomes: outcomes, functions: first.functions, standalone: standalone, gross: gross,
                                 excluded: excluded, violates: violates, pinned: constraints.pinned, notes: notes,
                                 verdicts: constraints.verdicts)
    }

    /// The plan of a finished assignment: references, the cluster, every function's share and reason.
    /// `reasons` replaces the optimiser's "cheapest allowed" reasons (plans built by rule, not by search).
    static func finish(_ prepared: PreparedPlacement, state: inout PlacementState, algorithm: String, guarantee: String,
                       reasons: [String]? = nil) throws -> PlacementPlan {
        let model = prepared.model, outcomes = prepared.outcomes, n = model.count
        let onPremIndex = model.onPrem
        var notes = prepared.notes
        // References: all on the cheapest single cloud target; all on-prem.
        var allCloudBest: (String, Double)?
        for t in model.targets.indices where t != onPremIndex && model.targets[t].profile.billing != nil {
            if let total = outcomes[t].total.monthlyCost.map({ NSDecimalNumber(decimal: $0.total).doubleValue }),
               total < (allCloudBest?.1 ?? .infinity) { allCloudBest = (model.targets[t].id, total) }
        }
        var allOnPrem: (String, Double, Int)?
        var cluster: OnPremCluster?
        if let p = onPremIndex {
            var everything = PlacementState(model: model)
            for i in 0..<n { try everything.add(i, p) }
            let e = model.cluster(memory: everything.memory, busy: everything.busy)
            allOnPrem = (model.targets[p].id, e.cost.total, e.servers)
            cluster = OnPremCluster(target: model.targets[p].id, estimate: model.cluster(memory: state.memory, busy: state.busy),
                                    controlPlane: model.controlPlane, assumed: model.inputs.assumedInUse,
                                    basis: model.inputs.basis(outcomes[p]).merging(["licence": model.inputs.licenceBasis(model.targets[p].profile)]) { $1 })
        }

        // Shares and reasons.
        var placed: [PlacedFunction] = []
        let memoryHeld: [Double] = (0..<n).map { i in model.units.isEmpty ? 0 : model.units[model.unitOf[i]].memoryMB.reduce(0, +) }
        var weights = [Double](repeating: 0, count: model.targets.count), members = [Int](repeating: 0, count: model.targets.count)
        func weight(_ i: Int, _ t: Int) -> Double { t == onPremIndex ? memoryHeld[i] : prepared.standalone[t][i] }
        for i in 0..<n { let t = state.assignment[i]; weights[t] += weight(i, t); members[t] += 1 }
        for i in 0..<n {
            let t = state.assignment[i]
            let share = weights[t] > 0 ? state.costs[t] * weight(i, t) / weights[t] : state.costs[t] / Double(members[t])
            let reason = try reasons?[i] ?? Self.reason(i, state: &state, model: model, excluded: prepared.excluded[i],
                                                       violates: prepared.violates[i], pinned: prepared.pinned[i], onPrem: onPremIndex)
            let function = prepared.functions[i]
            placed.append(PlacedFunction(app: function.app, function: function.function, target: model.targets[t].id,
                                         monthlyCost: share, reason: reason, violates: prepared.violations(i, on: t)))
        }
        let clouds = Set(state.assignment.filter { $0 != onPremIndex })
        if clouds.count > 1 {
            notes.append("the placement uses \(clouds.count) cloud targets: each bills its own account, with its own free grants (--targets narrows the choice)")
        }
        let relaxed = placed.filter { !$0.violates.isEmpty }.count
        if relaxed > 0 { notes.append("\(relaxed) functions run where a requirement of theirs is not met: each is named in its reason") }
        return PlacementPlan(algorithm: algorithm, guarantee: guarantee, monthlyCost: state.total, allCloudBest: allCloudBest,
                             allOnPrem: allOnPrem, onPrem: cluster, functions: placed, notes: notes)
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

    static func usd(_ x: Double) -> String { Numbers.usd(abs(x), .cents) }
}

/// A placement problem ready to solve or to evaluate: the model, the simulation's outcomes per
/// target, and every function's allowed targets with the requirements each other target breaks.
struct PreparedPlacement {
    let request: PlacementRequest
    let model: PlacementModel
    let outcomes: [TargetOutcome]
    let functions: [FunctionOutcome]
    let standalone: [[Double]]
    /// `standalone` before free grants: breaks its ties.
    let gross: [[Double]]
    let excluded: [[(Int, String)]]
    /// Requirements relaxed for a function because no candidate meets them all.
    let violates: [[String]]
    let pinned: [Bool]
    let notes: [String]
    let verdicts: Constraints.Verdicts

    /// The requirements function `i` breaks on target `t` (empty when `t` meets them all).
    func violations(_ i: Int, on t: Int) -> [String] {
        Constraints.broken(i, on: t, request: request, verdicts: verdicts, outcomes: outcomes, target: model.targets[t],
                           app: functions[i].app, function: functions[i].function)
    }

    /// Index of target `id` in the model.
    func index(of id: String) -> Int? { model.targets.firstIndex { $0.id == id } }
}

/// The deployment's constraints per function and target.
struct Constraints {
    let request: PlacementRequest
    let outcomes: [TargetOutcome]
    let targets: [PlacementModel.Target]
    let priceable: [Int]
    var pinned: [Bool] = []
    var unknownPins: [String] = []
    let verdicts: Verdicts

    /// Compliance verdicts by `app/function`, then by target id.
    typealias Verdicts = [String: [String: Verdict]]

    init(request: PlacementRequest, outcomes: [TargetOutcome], targets: [PlacementModel.Target], priceable: [Int]) {
        self.request = request
        self.outcomes = outcomes
        self.targets = targets
        self.priceable = priceable
        verdicts = Self.verdicts(request.lockIn)
    }

    static func verdicts(_ lockIn: LockInReport?) -> Verdicts {
        var v: Verdicts = [:]
        for f in lockIn?.functions ?? [] {
            v[f.app + "/" + f.function] = Dictionary(f.compliance.map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })
        }
        return v
    }

    /// What function `i` breaks on target `t`: its compliance requirements (the verdict's reason),
    /// its p99 objective, and its calls running past the target's timeout.
    static func broken(_ i: Int, on t: Int, request: PlacementRequest, verdicts: Verdicts, outcomes: [TargetOutcome],
                       target: PlacementModel.Target, app: String, function: String) -> [String] {
        var out: [String] = []
        if let verdict = verdicts[app + "/" + function]?[target.id], !verdict.allowed {
            out.append("compliance: " + verdict.reason)
        }
        let outcome = outcomes[t].functions[i].outcome
        let settings = request.deployment?.settings(function: function, app: app) ?? FunctionSettings()
        if let slo = settings.p99LatencyMs, outcome.latencyMs.p99 > slo {
            out.append(String(format: "the p99 objective of %.0f ms (p99 %.0f ms)", slo, outcome.latencyMs.p99))
        }
        if outcome.timedOut > 0 {
            out.append("\(outcome.timedOut) of \(outcome.invocations) calls run past its timeout")
        }
        return out
    }

    /// Allowed targets: those breaking nothing; when there are none, the least relaxed set (the
    /// p99 objective and timeouts relaxed first, then compliance), with what was relaxed. A pin is
    /// honoured whatever it breaks; what it breaks is then a violation of every plan.
    mutating func allowed(_ i: Int, app: String, function: String) -> (allowed: [Int], excluded: [(Int, String)], violates: [String]) {
        let settings = request.deployment?.settings(function: function, app: app) ?? FunctionSettings()
        var pin: Int?
        if let id = settings.target {
            if let t = targets.firstIndex(where: { $0.id == id }), priceable.contains(t) { pin = t } else { unknownPins.append("\(app)/\(function) → \(id)") }
        }
        pinned.append(pin != nil)
        if let pin {
            let broken = Self.broken(i, on: pin, request: request, verdicts: verdicts, outcomes: outcomes, target: targets[pin], app: app, function: function)
            return ([pin], [], broken)
        }
        var excluded: [(Int, String)] = []
        var compliant: [Int] = [], feasible: [Int] = []
        for t in priceable {
            let broken = Self.broken(i, on: t, request: request, verdicts: verdicts, outcomes: outcomes, target: targets[t], app: app, function: function)
            if broken.isEmpty { feasible.append(t); continue }
            excluded.append((t, broken.joined(separator: "; ")))
            if !broken.contains(where: { $0.hasPrefix("compliance: ") }) { compliant.append(t) }
        }
        if !feasible.isEmpty { return (feasible, excluded, []) }
        if !compliant.isEmpty {
            return (compliant, excluded.filter { e in !compliant.contains(e.0) },
                    ["its p99 objective or timeout on every compliant target"])
        }
        return (priceable, [], ["its compliance requirements (no candidate meets them)"])
    }
}
