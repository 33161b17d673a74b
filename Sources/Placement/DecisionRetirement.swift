import Advice
import Deployment
import Formatting
import Foundation
import Pricing

extension Decision {
    /// Where a deciding plan keeps functions on a target that retires inside the horizon (its
    /// profile's `status.retires`, counted in months from its prices' date) and names a successor
    /// that was simulated: each plan priced as it would run — as placed until the retirement,
    /// then with those functions on the successor for the rest of the horizon — and charged the
    /// forced move's effort; the same rule then picks. Nil when no deciding plan is concerned.
    /// No replay: the successor's per-function bills are those of the run already made.
    static func retirement(_ outcome: DecisionOutcome, _ deciding: [PlanOption], request: DecisionRequest) throws -> ScenarioOutcome? {
        let horizon = request.inputs.horizonMonths
        guard horizon > 0 else { return nil }
        let prepared = try Placement.prepare(request.placement)
        // The first retiring target (in target order) some deciding plan uses, with its successor.
        var found: (id: String, successor: Int, months: Int, retires: String)?
        for target in request.placement.targets {
            let p = target.profile
            guard let retires = p.status.retires, let successor = p.status.successor, let asOf = p.pricesAsOf,
                  let months = Months.between(asOf, retires), months < horizon,
                  let s = prepared.index(of: successor),
                  deciding.contains(where: { o in o.plan.functions.contains { $0.target == p.id } }) else { continue }
            found = (p.id, s, max(0, months), retires)
            break
        }
        guard let (retiring, successor, months, retires) = found else { return nil }
        let successorProfile = prepared.model.targets[successor].profile
        guard let retiringProfile = request.placement.targets.first(where: { $0.profile.id == retiring })?.profile else { return nil }
        let rows = Dictionary((request.placement.lockIn?.functions ?? []).map { ($0.app + "/" + $0.function, $0) }, uniquingKeysWith: { a, _ in a })
        let h = Decimal(horizon), before = Decimal(months), after = Decimal(horizon - months)

        var costs: [String: Decimal] = [:]
        var totals: [String: (run: Decimal, forced: Decimal)] = [:]
        var forcedPoints: [String: Int] = [:]
        for o in deciding {
            let assignment = o.plan.functions.compactMap { prepared.index(of: $0.target) }
            guard assignment.count == o.plan.functions.count else { continue }
            var moved = assignment, points = 0
            for (i, f) in o.plan.functions.enumerated() where f.target == retiring {
                moved[i] = successor
                let row = rows[f.app + "/" + f.function]
                let settings = request.placement.deployment?.settings(function: f.function, app: f.app) ?? FunctionSettings()
                let use = FunctionUse(app: f.app, function: f.function, trigger: row?.trigger, bindings: settings.bindings.sorted(),
                                      invocations: row?.invocations ?? 0)
                points += MigrationModel.estimate(use, from: retiringProfile, to: successorProfile)?.points ?? MigrationModel.redeploy
            }
            let now = PlanContext.cents(try Optimiser.rebuild(prepared.model, assignment).total)
            let then = PlanContext.cents(try Optimiser.rebuild(prepared.model, moved).total)
            costs[o.id] = then
            totals[o.id] = (now * before + then * after, Decimal(points) * request.inputs.dayRateUSD)
            forcedPoints[o.id] = points
        }
        guard let stay = totals["stay"] else { return nil }
        let repriced: [PlanOption] = deciding.compactMap { o in
            guard let t = totals[o.id] else { return nil }
            var r = o
            r.monthlyCost = t.run / h
            r.saving = (stay.run - t.run) / h
            r.netValue = stay.run - t.run - o.migrationCost - t.forced
            return r
        }
        let change = "\(retiring) retiring on \(retires), \(months) months in (where it applies), the functions still there moving to "
            + "\(successorProfile.id) then at the cost of that move"
        var out = ScenarioOutcome(id: "retirement", change: change, monthlyCost: costs, recommended: recommend(repriced, inputs: request.inputs).0)
        for r in repriced { out.netValue[r.id] = r.netValue }
        out.retirement = .init(target: retiring, successor: successorProfile.id, date: retires, months: months,
                               forcedPoints: forcedPoints, forcedCost: totals.mapValues(\.forced))
        return out
    }
}
