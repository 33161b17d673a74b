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
    ///
    /// The successor is where the functions start, not necessarily where they land: a move that is
    /// forced anyway may go wherever it costs least over the months left (`landing`). Functions on
    /// the retiring target that made no call in the trace move too, in every plan, and are counted
    /// in each plan's forced move (`idleFunctions`).
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

        let model = prepared.model
        guard let retiringIndex = prepared.index(of: retiring) else { return nil }
        // Effort points of moving function i from the retiring target to target t, worked out once.
        var effort: [Int: [Int: Int]] = [:]
        func points(_ i: Int, _ t: Int, _ f: PlacedFunction) -> Int {
            if let p = effort[i]?[t] { return p }
            let use = request.placement.functionUse(app: f.app, function: f.function, row: rows[f.app + "/" + f.function])
            let p = MigrationModel.estimate(use, from: retiringProfile, to: model.targets[t].profile)?.points ?? MigrationModel.redeploy
            effort[i, default: [:]][t] = p
            return p
        }

        // Functions that run on the retiring target today but made no call in the trace: no plan
        // places them, each stays where it is, and the retirement moves them too, to the successor
        // (billed nothing anywhere, they land where the move is the platform's own path).
        let replayed = Set(prepared.functions.map { $0.app + "/" + $0.function })
        let idle = (request.placement.lockIn?.functions ?? [])
            .filter { $0.current == retiring && !replayed.contains($0.app + "/" + $0.function) }
        let idlePoints = idle.reduce(0) { sum, row in
            let use = request.placement.functionUse(app: row.app, function: row.function, row: row)
            return sum + (MigrationModel.estimate(use, from: retiringProfile, to: successorProfile)?.points ?? MigrationModel.redeploy)
        }

        var costs: [String: Decimal] = [:]
        var totals: [String: (run: Decimal, forced: Decimal)] = [:]
        var forcedPoints: [String: Int] = [:]
        var landings: [String: [String: Int]] = [:]
        var shared: [String: Int] = [:]
        for o in deciding {
            let assignment = o.plan.functions.compactMap { prepared.index(of: $0.target) }
            guard assignment.count == o.plan.functions.count else { continue }
            let forced = o.plan.functions.indices.filter { assignment[$0] == retiringIndex }
            // One provider's plan stays with its provider; the others may land anywhere allowed.
            let sameProvider = o.id == "one-provider" ? retiringProfile.provider : nil
            let candidates = forced.map { i in
                model.allowed[i].filter { t in t != retiringIndex && sameProvider.map { model.targets[t].profile.provider == $0 } != false }
            }
            let moved = try Self.landing(model, from: assignment, forced: forced, candidates: candidates, successor: successor,
                                    months: Double(horizon - months), dayRate: NSDecimalNumber(decimal: request.inputs.dayRateUSD).doubleValue,
                                    points: { i, t in points(i, t, o.plan.functions[i]) })
            let now = PlanContext.cents(try Optimiser.rebuild(model, assignment).total)
            let then = PlanContext.cents(try Optimiser.rebuild(model, moved).total)
            let spent = forced.reduce(idlePoints) { $0 + points($1, moved[$1], o.plan.functions[$1]) }
            // What the effort what-if (`effortPerApp`) takes off when an app's functions move as one.
            shared[o.id] = Self.sharedRedeploys(forced.map { AppMove(app: o.plan.functions[$0].app, from: retiring, to: model.targets[moved[$0]].id) }
                + idle.map { AppMove(app: $0.app, from: retiring, to: successorProfile.id) })
            costs[o.id] = then
            totals[o.id] = (now * before + then * after, Decimal(spent) * request.inputs.dayRateUSD)
            forcedPoints[o.id] = spent
            var landing = Dictionary(forced.map { (model.targets[moved[$0]].id, 1) }, uniquingKeysWith: +)
            if !idle.isEmpty { landing[successorProfile.id, default: 0] += idle.count }
            landings[o.id] = landing
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
        let elsewhere = landings.values.contains { $0.keys.contains { $0 != successorProfile.id } }
        let scope = retiringProfile.status.retiresOnly.map { "for \($0) only" } ?? "where it applies"
        let change = "\(retiring) retiring on \(retires), \(months) months in (\(scope)), the functions still there moving to "
            + (elsewhere ? "\(successorProfile.id), or where they cost less over the months left, then at the cost of that move"
                : "\(successorProfile.id) then at the cost of that move")
        var out = ScenarioOutcome(id: "retirement", change: change, monthlyCost: costs, recommended: recommend(repriced, inputs: request.inputs).0)
        for r in repriced { out.netValue[r.id] = r.netValue }
        out.retirement = .init(target: retiring, successor: successorProfile.id, date: retires, months: months,
                               forcedPoints: forcedPoints, forcedCost: totals.mapValues(\.forced), landing: landings,
                               idleFunctions: idle.count, retiresOnly: retiringProfile.status.retiresOnly, sharedRedeploys: shared)
        return out
    }

    /// Where the `forced` functions of `assignment` land when their target retires: each starts on
    /// the successor, then, function by function in order, goes to the candidate that lowers most
    /// what the rest of the horizon costs — `months` of the whole placement's bill plus the day
    /// rate times the move's effort points — sweeping again until no single move lowers it. So the
    /// landing costs no more than the successor for all of them, and no one function would cost
    /// less elsewhere. A function whose candidates are empty stays on the successor.
    static func landing(_ model: PlacementModel, from assignment: [Int], forced: [Int], candidates: [[Int]], successor: Int,
                        months: Double, dayRate: Double, points: (Int, Int) -> Int) throws -> [Int] {
        var moved = assignment
        for i in forced { moved[i] = successor }
        guard months > 0 else { return moved }
        var state = try Optimiser.rebuild(model, moved)
        var improved = true
        while improved {
            improved = false
            for (k, i) in forced.enumerated() {
                let here = state.assignment[i]
                let base = months * state.total + dayRate * Double(points(i, here))
                var best: (t: Int, value: Double)?
                for t in candidates[k] where t != here {
                    let value = months * (try state.costIf(i, movedTo: t)) + dayRate * Double(points(i, t))
                    if value < (best?.value ?? base) - 1e-6 { best = (t, value) }
                }
                if let best {
                    try state.move(i, to: best.t)
                    improved = true
                }
            }
        }
        return state.assignment
    }
}
