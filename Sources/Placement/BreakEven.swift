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

public struct BreakEvenAnalysis: Sendable {
    public var scales: [Double]
    public var targets: [CostCurve]
    public var crossovers: [Crossover]
    public var sensitivity: [Sensitivity]
    public var notes: [String]
}

/// Each target's monthly cost as the trace's volume is scaled, where on-prem overtakes each
/// cloud target, and how that moves with server price, electricity price, headroom and keep-alive.
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
    /// Cores per call is tried lower only: 1 (the default) is already the most a call can use alone.
    public static let coresPerCallFactors: [Double] = [0.1, 0.5]
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
        let demand = try Self.demand(onPremOutcome, coresPerCall: request.inputs.coresPerCall)
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
        ]
        for (parameter, input) in scaled {
            for factor in factors {
                var i = request.inputs
                i[keyPath: input] *= factor
                sensitivity.append(Sensitivity(parameter: parameter, factor: factor, crossovers: try crossovers(demand, i)))
            }
        }
        // Not asked for by name, but the assumption the answer leans on most: how many cores a call keeps busy.
        for factor in coresPerCallFactors {
            var i = request.inputs
            i.coresPerCall *= factor
            let d = try Self.demand(onPremOutcome, coresPerCall: i.coresPerCall)
            sensitivity.append(Sensitivity(parameter: "coresPerCall", factor: factor, crossovers: try crossovers(d, i)))
        }
        if let workload = request.workload, case .fixed(let idle) = onPremTarget.model.keepAlive {
            for factor in factors {
                var target = onPremTarget
                target.model.keepAlive = .fixed(idleSeconds: idle * factor)
                var options = request.options
                options.functionSeries = [request.onPrem]
                options.functionUsage = false
                let again = try Simulator.run(workload, targets: [target], options: options)
                let d = try Self.demand(again.targets[0], coresPerCall: request.inputs.coresPerCall)
                sensitivity.append(Sensitivity(parameter: "keepAlive", factor: factor, crossovers: try crossovers(d, request.inputs)))
            }
            notes.append("keepAlive: the on-prem target re-simulated with its idle time × 0.5 and × 2 (cloud keep-alive is the provider's)")
        } else {
            notes.append("keepAlive sensitivity left out: \(request.workload == nil ? "no workload to re-simulate" : "\(request.onPrem)'s keep-alive is not a fixed idle time")")
        }
        return BreakEvenAnalysis(scales: request.scales, targets: curves, crossovers: base, sensitivity: sensitivity, notes: notes)
    }

    /// The cluster demand of every function of an on-prem outcome (app units counted once).
    static func demand(_ outcome: TargetOutcome, coresPerCall: Double) throws -> ClusterDemand {
        var seen = Set<String>()
        var memory: [Double] = [], busy: [Double] = []
        for f in outcome.functions {
            let key = f.scalingUnit == "app" ? "app:" + f.app : "fn:" + f.app + "/" + f.function
            guard seen.insert(key).inserted else { continue }
            guard let s = f.series else { throw PlacementError(message: "the simulation of \(outcome.id) carries no per-function series") }
            if memory.isEmpty { memory = s.memoryMB; busy = s.busyCalls; continue }
            for m in 0..<min(memory.count, s.memoryMB.count) { memory[m] += s.memoryMB[m]; busy[m] += s.busyCalls[m] }
        }
        return ClusterDemand(memoryMB: memory, busyCalls: busy, coresPerCall: coresPerCall)
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
