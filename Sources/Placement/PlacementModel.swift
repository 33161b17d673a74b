import Foundation
import Pricing
import Simulation

/// The placement problem as numbers: functions, the targets each may use, each cloud target's
/// per-function usage (re-priced by `BillingEngine` for whatever subset lands there) and each
/// on-prem scaling unit's per-minute series (summed over whatever lands on-prem).
struct PlacementModel {
    struct Target {
        var id: String
        var isOnPrem: Bool
        var profile: Profile
        var pricing: PricingOptions
    }

    var targets: [Target]
    /// Index of the on-prem target in `targets`, if any.
    var onPrem: Int?
    /// `usage[t][i]`: what function i uses on cloud target t (empty on-prem).
    var usage: [[UsageSummary]]
    /// The account of function i (free grants and volume tiers apply per account), and how many.
    var accountOf: [Int] = []
    var accounts = 1
    /// Targets function i may use (indexes into `targets`), ascending.
    var allowed: [[Int]]
    /// On-prem scaling unit of each function, and each unit's series (`busyCalls` in busy cores:
    /// calls in execution × the unit's cores per call).
    var unitOf: [Int]
    var units: [UnitSeries]
    var spanMinutes: Int
    var days: Decimal
    var inputs: OnPremInputs
    var controlPlane: ControlPlaneFootprint

    var count: Int { allowed.count }

    /// Function i's account (0 when the model was given none).
    func account(_ i: Int) -> Int { i < accountOf.count ? accountOf[i] : 0 }

    /// What `usage` on cloud target `t` costs a month (nothing used, nothing billed).
    func cloudCost(_ t: Int, _ total: UsageSummary) throws -> Double {
        guard total.invocations > 0 || !total.executionMs.isEmpty || !total.instanceMs.isEmpty else { return 0 }
        let bill = try BillingEngine.price(total, on: targets[t].profile, options: targets[t].pricing)
        return NSDecimalNumber(decimal: bill.total).doubleValue
    }

    func cluster(memory: [Double], busy: [Double]) -> ClusterEstimate {
        ClusterSizing.estimate(ClusterDemand(memoryMB: memory, busyCores: busy),
                               controlPlane: controlPlane, inputs: inputs)
    }
}

/// A placement being searched: per-target aggregates kept up to date move by move, so a move
/// costs two re-pricings (or one series update on-prem), not a whole re-evaluation.
struct PlacementState {
    let model: PlacementModel
    var assignment: [Int]
    /// `totals[t][a]`: what account a's functions placed on cloud target t use; `accountCosts`
    /// its monthly cost.
    var totals: [[UsageSummary]]
    var accountCosts: [[Double]]
    var unitMembers: [Int]
    var memory: [Double], busy: [Double]
    var costs: [Double]
    /// Functions assigned so far (branch and bound assigns them one by one; -1 is unassigned).
    var total: Double { costs.reduce(0, +) }

    init(model: PlacementModel) {
        self.model = model
        assignment = [Int](repeating: -1, count: model.count)
        totals = model.targets.map { _ in [UsageSummary](repeating: UsageSummary(days: model.days), count: max(1, model.accounts)) }
        accountCosts = model.targets.map { _ in [Double](repeating: 0, count: max(1, model.accounts)) }
        unitMembers = [Int](repeating: 0, count: model.units.count)
        memory = [Double](repeating: 0, count: model.spanMinutes)
        busy = memory
        costs = [Double](repeating: 0, count: model.targets.count)
    }

    /// Places function `i` on target `t` (it must be unassigned).
    mutating func add(_ i: Int, _ t: Int) throws {
        assignment[i] = t
        if t == model.onPrem {
            let u = model.unitOf[i]
            unitMembers[u] += 1
            if unitMembers[u] == 1 { addSeries(u, sign: 1) }
            costs[t] = model.cluster(memory: memory, busy: busy).cost.total
        } else {
            let a = model.account(i)
            totals[t][a] = totals[t][a] + model.usage[t][i]
            try reprice(t, a)
        }
    }

    /// Takes function `i` off its target.
    mutating func remove(_ i: Int) throws {
        let t = assignment[i]
        guard t >= 0 else { return }
        assignment[i] = -1
        if t == model.onPrem {
            let u = model.unitOf[i]
            unitMembers[u] -= 1
            if unitMembers[u] == 0 { addSeries(u, sign: -1) }
            costs[t] = unitMembers.allSatisfy({ $0 == 0 }) ? 0 : model.cluster(memory: memory, busy: busy).cost.total
        } else {
            let a = model.account(i)
            totals[t][a] = totals[t][a].minus(model.usage[t][i])
            try reprice(t, a)
        }
    }

    /// Re-prices account `a` on cloud target `t`; the target's cost is its accounts' sum, added
    /// in account order (one account: its cost as it is).
    private mutating func reprice(_ t: Int, _ a: Int) throws {
        accountCosts[t][a] = try model.cloudCost(t, totals[t][a])
        costs[t] = accountCosts[t].count == 1 ? accountCosts[t][0] : accountCosts[t].reduce(0, +)
    }

    mutating func move(_ i: Int, to t: Int) throws {
        try remove(i)
        try add(i, t)
    }

    /// The total if `i` moved to `t` (the state is left as it was).
    mutating func costIf(_ i: Int, movedTo t: Int) throws -> Double {
        let from = assignment[i]
        try move(i, to: t)
        let cost = total
        try move(i, to: from)
        return cost
    }

    private mutating func addSeries(_ u: Int, sign: Double) {
        let s = model.units[u]
        for m in 0..<min(memory.count, s.memoryMB.count) {
            memory[m] += sign * s.memoryMB[m]
            busy[m] += sign * s.busyCalls[m]
        }
        if sign < 0 {
            // Sums of doubles drift: an emptied cluster is exactly empty.
            if unitMembers.allSatisfy({ $0 == 0 }) {
                for m in memory.indices { memory[m] = 0; busy[m] = 0 }
            }
        }
    }
}

extension UsageSummary {
    /// This usage less `other` (which must be part of it).
    func minus(_ other: UsageSummary) -> UsageSummary {
        var out = self
        out.invocations -= other.invocations
        out.coldStarts -= other.coldStarts
        out.egressBytes -= other.egressBytes
        func sub(_ a: inout [Shape: Int64], _ b: [Shape: Int64]) {
            for (k, v) in b {
                let left = (a[k] ?? 0) - v
                a[k] = left == 0 ? nil : left
            }
        }
        sub(&out.executionMs, other.executionMs)
        sub(&out.initMs, other.initMs)
        sub(&out.instanceMs, other.instanceMs)
        sub(&out.provisionedMs, other.provisionedMs)
        sub(&out.provisionedExecutionMs, other.provisionedExecutionMs)
        return out
    }

    /// This usage at `factor` times the volume: every quantity scaled (rounded to whole units).
    func scaled(_ factor: Double) -> UsageSummary {
        var out = self
        func s(_ x: Int64) -> Int64 { Int64((Double(x) * factor).rounded()) }
        out.invocations = s(invocations)
        out.coldStarts = s(coldStarts)
        out.egressBytes = s(egressBytes)
        out.executionMs = executionMs.mapValues(s)
        out.initMs = initMs.mapValues(s)
        out.instanceMs = instanceMs.mapValues(s)
        out.provisionedMs = provisionedMs.mapValues(s)
        out.provisionedExecutionMs = provisionedExecutionMs.mapValues(s)
        return out
    }
}
