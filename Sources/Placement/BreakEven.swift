import Foundation
import Pricing
import Simulation

/// What `BreakEven.analyse` needs: the simulation (with the on-prem target's series and every
/// function's usage), the targets as simulated, the on-prem target and its cost inputs; the
/// workload and options let it re-simulate the on-prem target for the keep-alive sensitivity.
public struct BreakEvenRequest: Sendable {
    public var result: SimulationResult
    public var targets: [SimulationTarget]
    public var onPrem: String
    public var inputs: OnPremInputs
    public var workload: Workload?
    public var options: SimulationOptions
    public var scales: [Double]

    public init(result: SimulationResult, targets: [SimulationTarget], onPrem: String, inputs: OnPremInputs,
                workload: Workload? = nil, options: SimulationOptions = SimulationOptions(), scales: [Double] = BreakEven.defaultScales) {
        self.result = result
        self.targets = targets
        self.onPrem = onPrem
        self.inputs = inputs
        self.workload = workload
        self.options = options
        self.scales = scales
    }
}

/// Monthly cost of one target over the scales.
public struct CostCurve: Sendable, Equatable {
    public var id: String
    public var kind: String
    public var monthlyCost: [Double]
}

/// Where on-prem overtakes a cloud target: the lowest volume factor from which the cluster is
/// no dearer, up to the top of the searched range (nil when it never is in 0.001×–10,000×).
public struct Crossover: Sendable, Equatable {
    public var cloud: String
    public var onPrem: String
    public var scale: Double?
    public var monthlyInvocations: Double?
}

/// The crossovers with one input changed by a factor.
public struct Sensitivity: Sendable, Equatable {
    public var parameter: String
    public var factor: Double
    public var crossovers: [Crossover]
}

/// How far one input moves the break-even: in decades of volume (0.3: ×2), the larger of its
/// factors' shifts per cloud target, averaged over the cloud targets.
public struct SensitivityRank: Sendable, Equatable {
    public var parameter: String
    public var decades: Double
}

public struct BreakEvenAnalysis: Sendable {
    public var scales: [Double]
    public var targets: [CostCurve]
    public var crossovers: [Crossover]
    /// Rows ordered as `ranking` (most decisive input first).
    public var sensitivity: [Sensitivity]
    /// Each input's shift of the break-even, largest first.
    public var ranking: [SensitivityRank]
    public var notes: [String]
}

/// Each target's monthly cost as the trace's volume is scaled, where on-prem overtakes each
/// cloud target, and how that moves with server price, electricity price, headroom, people, CPU
/// per call, memory per instance and keep-alive, ranked by how far each moves it.
///
/// Volume is scaled on the simulated usage, not by re-simulating (100× the sample would replay
/// 150 M calls per target): a cloud target's usage (requests, billed GB-s, init) is multiplied
/// and re-priced by `BillingEngine`, so free grants and volume tiers act on the scaled month;
/// the cluster's per-minute memory and busy cores are multiplied (Little's law: calls in flight
/// grow with the arrival rate). Held keep-alive memory grows less than the volume, so above 1×
/// the cluster is if anything over-sized (the crossover is late, not early); cold starts also
/// fall per call as volume grows, which the cloud bill's scaled init time overstates slightly.
public enum BreakEven {
    public static let defaultScales: [Double] = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    /// Sensitivity factors applied to each parameter.
    public static let factors: [Double] = [0.5, 2]
    static let searchRange = (low: 0.001, high: 10_000.0)

    public static func analyse(_ request: BreakEvenRequest) throws -> BreakEvenAnalysis {
        let r = request.result
        guard let onPremTarget = request.targets.first(where: { $0.profile.id == request.onPrem }),
              let onPremOutcome = r.targets.first(where: { $0.id == request.onPrem }) else {
            throw PlacementError(message: "on-prem target \(request.onPrem) was not simulated")
        }
        var notes: [String] = []
        // Per cloud target, what each account uses (free grants and tiers apply per account).
        let clouds: [(SimulationTarget, [UsageSummary])] = try request.targets.filter { $0.profile.billing != nil }.map { t in
            guard let o = r.targets.first(where: { $0.id == t.profile.id }) else {
                throw PlacementError(message: "target \(t.profile.id) is not in the simulation result")
            }
            let days = Decimal(r.spanMinutes) / 1440
            var perAccount: [Int: UsageSummary] = [:]
            for f in o.functions {
                let used = f.usage ?? UsageSummary(days: days)
                perAccount[f.account] = perAccount[f.account].map { $0 + used } ?? used
            }
            let accounts = perAccount.keys.sorted().compactMap { perAccount[$0] }
            return (t, accounts.isEmpty ? [UsageSummary(days: days)] : accounts)
        }
        let controlPlane = ControlPlaneFootprint(profile: onPremTarget.profile, prewarmedMemoryMB: onPremOutcome.prewarmedMemoryMB)
        let demand = try Self.demand(onPremOutcome, inputs: request.inputs)
        let invocations = Double(onPremOutcome.total.invocations) / max(r.days, 1e-9) * 30

        func cloudCost(_ c: (SimulationTarget, [UsageSummary]), _ k: Double) throws -> Double {
            let usage = c.1.map { $0.scaled(k) }
            guard usage.contains(where: { $0.invocations > 0 }) else { return 0 }
            return NSDecimalNumber(decimal: try BillingEngine.price(accounts: usage, on: c.0.profile, options: c.0.pricing).total).doubleValue
        }
        func onPremCost(_ d: ClusterDemand, _ inputs: OnPremInputs, _ k: Double) -> Double {
            ClusterSizing.estimate(d.scaled(k), controlPlane: controlPlane, inputs: inputs).cost.total
        }

        var curves = try clouds.map { c in CostCurve(id: c.0.profile.id, kind: "cloud", monthlyCost: try request.scales.map { try cloudCost(c, $0) }) }
        curves.append(CostCurve(id: request.onPrem, kind: "onprem", monthlyCost: request.scales.map { onPremCost(demand, request.inputs, $0) }))

        func crossovers(_ d: ClusterDemand, _ inputs: OnPremInputs) throws -> [Crossover] {
            try clouds.map { c in
                let k = try crossing(cloud: { try cloudCost(c, $0) }, onPrem: { onPremCost(d, inputs, $0) })
                return Crossover(cloud: c.0.profile.id, onPrem: request.onPrem, scale: k, monthlyInvocations: k.map { $0 * invocations })
            }
        }
        let base = try crossovers(demand, request.inputs)

        var sensitivity: [Sensitivity] = []
        let scaled: [(String, WritableKeyPath<OnPremInputs, Double>)] = [
            ("serverPrice", \.serverPriceUSD), ("electricityPrice", \.electricityUSDPerKWh), ("headroom", \.headroom),
            ("people", \.adminUSDPerYear),
        ]
        for (parameter, input) in scaled {
            for factor in factors {
                var i = request.inputs
                i[keyPath: input] *= factor
                if parameter == "people" { i.operationsUSDPerServerMonth *= factor }
                sensitivity.append(Sensitivity(parameter: parameter, factor: factor, crossovers: try crossovers(demand, i)))
            }
        }
        // What the cluster is sized by: each call's cores and each instance's memory.
        for factor in factors {
            sensitivity.append(Sensitivity(parameter: "cpuPerCall", factor: factor,
                                           crossovers: try crossovers(demand.scaled(memory: 1, cores: factor), request.inputs)))
        }
        for factor in factors {
            sensitivity.append(Sensitivity(parameter: "memoryPerInstance", factor: factor,
                                           crossovers: try crossovers(demand.scaled(memory: factor, cores: 1), request.inputs)))
        }
        if let workload = request.workload, case .fixed(let idle) = onPremTarget.model.keepAlive {
            for factor in factors {
                var target = onPremTarget
                target.model.keepAlive = .fixed(idleSeconds: idle * factor)
                var options = request.options
                options.functionSeries = [request.onPrem]
                options.functionUsage = false
                let again = try Simulator.run(workload, targets: [target], options: options)
                let d = try Self.demand(again.targets[0], inputs: request.inputs)
                sensitivity.append(Sensitivity(parameter: "keepAlive", factor: factor, crossovers: try crossovers(d, request.inputs)))
            }
            notes.append("keepAlive: the on-prem target re-simulated with its idle time × 0.5 and × 2 (cloud keep-alive is the provider's)")
        } else {
            notes.append("keepAlive sensitivity left out: \(request.workload == nil ? "no workload to re-simulate" : "\(request.onPrem)'s keep-alive is not a fixed idle time")")
        }
        let ranking = rank(sensitivity, base: base)
        let order = Dictionary(uniqueKeysWithValues: ranking.enumerated().map { ($1.parameter, $0) })
        sensitivity = sensitivity.enumerated().sorted { a, b in
            (order[a.element.parameter] ?? 0, a.offset) < (order[b.element.parameter] ?? 0, b.offset)
        }.map(\.element)
        return BreakEvenAnalysis(scales: request.scales, targets: curves, crossovers: base, sensitivity: sensitivity,
                                 ranking: ranking, notes: notes)
    }

    /// Each input's shift of the break-even, in decades of volume: per cloud target the larger of
    /// its two factors' shifts, averaged over the cloud targets; largest first (ties in the order
    /// tried). A crossover that appears or disappears within the searched range counts as the
    /// distance to the range's top: at least that far.
    static func rank(_ sensitivity: [Sensitivity], base: [Crossover]) -> [SensitivityRank] {
        guard !base.isEmpty else { return [] }
        var perCloud: [String: [String: Double]] = [:], order: [String] = []
        for s in sensitivity {
            if perCloud[s.parameter] == nil { order.append(s.parameter) }
            for (k0, k1) in zip(base, s.crossovers) where k0.cloud == k1.cloud {
                let shift: Double
                switch (k0.scale, k1.scale) {
                case let (a?, b?): shift = abs(log10(b / a))
                case let (a?, nil): shift = log10(searchRange.high / a)
                case let (nil, b?): shift = log10(searchRange.high / b)
                case (nil, nil): shift = 0
                }
                perCloud[s.parameter, default: [:]][k0.cloud] = max(perCloud[s.parameter]?[k0.cloud] ?? 0, shift)
            }
        }
        let ranks = order.map { p in SensitivityRank(parameter: p, decades: (perCloud[p] ?? [:]).values.reduce(0, +) / Double(base.count)) }
        return ranks.enumerated().sorted { a, b in
            a.element.decades != b.element.decades ? a.element.decades > b.element.decades : a.offset < b.offset
        }.map(\.element)
    }

    /// The cluster demand of every function of an on-prem outcome (app units counted once): per
    /// minute, the memory held and the busy cores (calls in execution × their unit's cores per call).
    static func demand(_ outcome: TargetOutcome, inputs: OnPremInputs) throws -> ClusterDemand {
        let cores = Units.cores(outcome, inputs: inputs)
        var seen = Set<String>()
        var memory: [Double] = [], busy: [Double] = []
        for f in outcome.functions {
            let key = Units.key(f)
            guard seen.insert(key).inserted else { continue }
            guard let raw = f.series else { throw PlacementError(message: "the simulation of \(outcome.id) carries no per-function series") }
            let s = Units.busyCores(raw, cores: cores[key] ?? 0)
            if memory.isEmpty { memory = s.memoryMB; busy = s.busyCalls; continue }
            for m in 0..<min(memory.count, s.memoryMB.count) { memory[m] += s.memoryMB[m]; busy[m] += s.busyCalls[m] }
        }
        return ClusterDemand(memoryMB: memory, busyCores: busy)
    }

    /// The lowest factor from which on-prem is no dearer up to the top of the range: scanned on
    /// a log grid (40 points a decade), the last change of sign refined by bisection.
    static func crossing(cloud: (Double) throws -> Double, onPrem: (Double) -> Double) throws -> Double? {
        let low = log10(searchRange.low), high = log10(searchRange.high)
        let steps = Int((high - low) * 40)
        let grid = (0...steps).map { pow(10, low + (high - low) * Double($0) / Double(steps)) }
        func cheaper(_ k: Double) throws -> Bool { onPrem(k) <= (try cloud(k)) }
        var j = grid.count
        while j > 0, try cheaper(grid[j - 1]) { j -= 1 }
        guard j < grid.count else { return nil }
        if j == 0 { return grid[0] }
        var a = grid[j - 1], b = grid[j]
        for _ in 0..<40 {
            let m = (a * b).squareRoot()
            if try cheaper(m) { b = m } else { a = m }
        }
        return b
    }
}
