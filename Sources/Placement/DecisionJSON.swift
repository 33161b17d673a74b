import Foundation
import Results

/// The `placement` section of `placer.result/v1` with the plans compared (docs/result.md): the
/// recommended plan's fields as before, plus `options[]`, `recommended` and the decision's inputs.
extension DecisionOutcome {
    public func jsonValue() -> JSONValue {
        guard let choice else { return .null }
        guard case .object(var fields) = choice.plan.jsonValue() else { return .null }
        fields["recommended"] = .string(recommended)
        fields["rationale"] = .string(rationale)
        fields["current"] = current.map { .string($0) } ?? .null
        fields["horizonMonths"] = .int(inputs.horizonMonths)
        fields["dayRateUSD"] = .decimal(inputs.dayRateUSD, 2)
        fields["fewestMovesShare"] = .fixed(inputs.fewestMovesShare, 2)
        fields["inputSources"] = .object(inputs.origins.mapValues { .string($0) })
        fields["options"] = .array(options.map(\.jsonValue))
        fields["scenarios"] = .array(scenarios.map(\.jsonValue))
        fields["thresholds"] = .array(thresholds.map(\.jsonValue))
        if case .array(let planNotes)? = fields["notes"] {
            fields["notes"] = .array(planNotes + notes.map { .string($0) })
        }
        return .object(fields)
    }
}

extension ScenarioOutcome {
    var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(id), "change": .string(change), "recommended": .string(recommended),
            "threshold": threshold.map { .string($0) } ?? .null,
            "monthlyCost": .object(monthlyCost.mapValues { .decimal($0, 2) }),
            "netValue": .object(netValue.mapValues { .decimal($0, 2) }),
        ]
        if !effortPoints.isEmpty { fields["effortPoints"] = .object(effortPoints.mapValues { .int($0) }) }
        if !netWithRetirement.isEmpty { fields["netWithRetirement"] = .object(netWithRetirement.mapValues { .decimal($0, 2) }) }
        if let recommendedWithRetirement { fields["recommendedWithRetirement"] = .string(recommendedWithRetirement) }
        if let r = retirement {
            fields["retirement"] = .object([
                "target": .string(r.target), "successor": .string(r.successor), "date": .string(r.date), "months": .int(r.months),
                "forcedPoints": .object(r.forcedPoints.mapValues { .int($0) }),
                "forcedCost": .object(r.forcedCost.mapValues { .decimal($0, 2) }),
                "landing": .object(r.landing.mapValues { .object($0.mapValues { .int($0) }) }),
                "idleFunctions": .int(r.idleFunctions),
                "retiresOnly": r.retiresOnly.map { .string($0) } ?? .null,
            ])
        }
        return .object(fields)
    }
}

extension DecisionThreshold {
    var jsonValue: JSONValue {
        .object([
            "input": .string(input.rawValue), "today": .fixed(today, 0),
            "value": value.map { input == .horizon ? .int(Int($0)) : .fixed($0, 9) } ?? .null,
            "recommended": recommended.map { .string($0) } ?? .null,
            "low": .fixed(low, 0), "high": .fixed(high, 0),
            "closest": closest.map { .string($0) } ?? .null,
            "closestLeadUSD": closestLeadUSD.map { .decimal($0, 2) } ?? .null,
        ])
    }
}

extension PlanOption {
    var jsonValue: JSONValue {
        var perTarget: [String: Int] = [:]
        for f in plan.functions { perTarget[f.target, default: 0] += 1 }
        return .object([
            "id": .string(id),
            "summary": .string(summary),
            "algorithm": .string(plan.algorithm),
            "guarantee": .string(plan.guarantee),
            "monthlyCost": .decimal(monthlyCost, 2),
            "saving": saving.map { .decimal($0, 2) } ?? .null,
            "functionsMoved": .int(functionsMoved),
            "effortPoints": .int(effortPoints),
            "migrationCost": .decimal(migrationCost, 2),
            "paybackMonths": paybackMonths.map { .fixed($0, 1) } ?? .null,
            "netValue": netValue.map { .decimal($0, 2) } ?? .null,
            "lockIn": lockIn.map { .fixed($0, 1) } ?? .null,
            "feasible": .bool(feasible),
            "violations": .array(violations.map { .string($0) }),
            "relaxed": .array(relaxed.map { .string($0) }),
            "fixes": .array(fixes.map { .string($0) }),
            "risks": .array(risks.map { .string($0) }),
            "sameAs": sameAs.map { .string($0) } ?? .null,
            "targets": .object(perTarget.mapValues { .int($0) }),
            "clusterServers": .int(plan.onPrem?.estimate.servers ?? 0),
            "functions": .array(plan.functions.map { .string($0.target) }),
        ])
    }
}
