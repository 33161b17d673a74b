import Foundation
import Results
import Simulation

/// The `placement` and `breakEven` sections of `placer.result/v1` (docs/result.md): money in USD
/// with 2 decimals, memory in MB and cores with 1 and 3, volume factors with 4.
extension PlacementPlan {
    public func jsonValue() -> JSONValue {
        var fields: [String: JSONValue] = [
            "algorithm": .string(algorithm),
            "guarantee": .string(guarantee),
            "monthlyCost": usd(monthlyCost),
            "allCloudBest": allCloudBest.map { .object(["target": .string($0.target), "monthlyCost": usd($0.monthlyCost)]) } ?? .null,
            "allOnPrem": allOnPrem.map { .object(["target": .string($0.target), "monthlyCost": usd($0.monthlyCost), "servers": .int($0.servers)]) } ?? .null,
            "savings": .object([
                "vsAllCloudBest": savingsVsAllCloudBest.map(usd) ?? .null,
                "vsAllOnPrem": savingsVsAllOnPrem.map(usd) ?? .null,
            ]),
            "functions": .array(functions.map { f in
                .object(["id": .string(f.app + "/" + f.function), "app": .string(f.app), "function": .string(f.function),
                         "target": .string(f.target), "monthlyCost": usd(f.monthlyCost), "reason": .string(f.reason),
                         "violates": .array(f.violates.map { .string($0) })])
            }),
            "notes": .array(notes.map { .string($0) }),
        ]
        fields["onPrem"] = onPrem.map(\.jsonValue) ?? .null
        return .object(fields)
    }
}

extension BreakEvenAnalysis {
    public func jsonValue() -> JSONValue {
        .object([
            "scales": .array(scales.map { .fixed($0, 4) }),
            "targets": .array(targets.map { c in
                .object(["id": .string(c.id), "kind": .string(c.kind), "monthlyCost": .array(c.monthlyCost.map(usd))])
            }),
            "crossovers": .array(crossovers.map(\.jsonValue)),
            "sensitivity": .array(sensitivity.map { s in
                .object(["parameter": .string(s.parameter), "factor": .fixed(s.factor, 4), "crossovers": .array(s.crossovers.map(\.jsonValue))])
            }),
            "ranking": .array(ranking.map { .object(["parameter": .string($0.parameter), "decades": .fixed($0.decades, 3)]) }),
            "notes": .array(notes.map { .string($0) }),
        ])
    }
}

extension Crossover {
    var jsonValue: JSONValue {
        .object(["cloud": .string(cloud), "onPrem": .string(onPrem), "scale": scale.map { .fixed($0, 4) } ?? .null,
                 "monthlyInvocations": monthlyInvocations.map { .int(Int($0.rounded())) } ?? .null])
    }
}

private func usd(_ x: Double) -> JSONValue { .fixed(x, 2) }
