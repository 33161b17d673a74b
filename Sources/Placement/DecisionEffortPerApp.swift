import Advice
import Foundation

extension Decision {
    /// The effort what-if: Placer counts a `redeploy` (deploy, configure and test on the
    /// destination, `MigrationModel.redeploy` points) for every function that moves, but an app's
    /// functions are deployed as one package with one set of settings, and Microsoft's own tool
    /// moves a Consumption app to Flex an app at a time. So the functions of one app moving from
    /// one target to the same target are counted here as redeployed once, each keeping its own
    /// other steps: the low end of the estimate, a day per app whatever its size, its functions'
    /// tests included.
    /// No replay: bills stay as they are, each deciding plan's migration is counted again, and the
    /// same rule picks; `base`, the retirement what-if, gives the forced move and what counting it
    /// the same way saves (`Retirement.sharedRedeploys`).
    /// Nil when no plan and no forced move moves two functions of one app to one target.
    static func effortPerApp(_ outcome: DecisionOutcome, _ deciding: [PlanOption], base: ScenarioOutcome?,
                             request: DecisionRequest) throws -> ScenarioOutcome? {
        let rows = Dictionary((request.placement.lockIn?.functions ?? []).map { ($0.app + "/" + $0.function, $0) },
                              uniquingKeysWith: { a, _ in a })
        let profiles = Dictionary(request.placement.targets.map { ($0.profile.id, $0.profile) }, uniquingKeysWith: { a, _ in a })
        var points: [String: Int] = [:]
        var shared = false
        for o in deciding {
            var moves: [AppMove] = []
            for f in o.plan.functions {
                guard let from = rows[f.app + "/" + f.function]?.current, from != f.target,
                      let source = profiles[from], let destination = profiles[f.target],
                      MigrationModel.estimate(request.placement.functionUse(app: f.app, function: f.function, row: rows[f.app + "/" + f.function]),
                                              from: source, to: destination) != nil else { continue }
                moves.append(AppMove(app: f.app, from: from, to: f.target))
            }
            let saved = Self.sharedRedeploys(moves)
            points[o.id] = o.effortPoints - saved
            shared = shared || saved > 0
        }
        // The retirement's forced move, landed as there, with each app's redeploy counted once.
        let dayRate = request.inputs.dayRateUSD
        let saved = base?.retirement?.sharedRedeploys ?? [:]
        var forced = base?.retirement
        for (plan, p) in forced?.forcedPoints ?? [:] {
            let counted = p - (saved[plan] ?? 0)
            forced?.forcedPoints[plan] = counted
            forced?.forcedCost[plan] = Decimal(counted) * dayRate
        }
        guard shared || saved.values.contains(where: { $0 > 0 }) else { return nil }

        let horizon = Decimal(request.inputs.horizonMonths)
        let repriced: [PlanOption] = deciding.map { o in
            var r = o
            r.effortPoints = points[o.id] ?? o.effortPoints
            r.migrationCost = Decimal(r.effortPoints) * dayRate
            r.netValue = o.saving.map { $0 * horizon - r.migrationCost }
            return r
        }
        var out = ScenarioOutcome(id: "effort-per-app",
                                  change: "the functions of one app that move together, from the same source to the same destination, redeployed as one package with one set of settings (one redeploy point, deploy, configure and test, per app whatever its size; each function's other steps kept)",
                                  monthlyCost: Dictionary(deciding.map { ($0.id, $0.monthlyCost) }, uniquingKeysWith: { a, _ in a }),
                                  recommended: recommend(repriced, inputs: request.inputs).0)
        for r in repriced { out.netValue[r.id] = r.netValue }
        out.effortPoints = points
        out.retirement = forced
        // With the retirement too: its what-if's net, both migrations counted this way.
        for o in deciding {
            guard let net = base?.netValue[o.id], let p = points[o.id] else { continue }
            out.netWithRetirement[o.id] = net + Decimal(saved[o.id] ?? 0) * dayRate + o.migrationCost - Decimal(p) * dayRate
        }
        if !out.netWithRetirement.isEmpty {
            let valued = repriced.map { r -> PlanOption in
                var v = r
                v.netValue = out.netWithRetirement[r.id]
                return v
            }
            out.recommendedWithRetirement = recommend(valued, inputs: request.inputs).0
        }
        return out
    }

    /// One function's move from one target to another, by its app.
    struct AppMove: Hashable {
        var app: String
        var from: String
        var to: String
    }

    /// The redeploy points saved when the functions of one app moving between the same two targets
    /// are redeployed once: (functions − 1) × `MigrationModel.redeploy` per such group.
    static func sharedRedeploys(_ moves: [AppMove]) -> Int {
        let groups = Dictionary(moves.map { ($0, 1) }, uniquingKeysWith: +)
        return groups.values.reduce(0) { $0 + ($1 - 1) * MigrationModel.redeploy }
    }
}
