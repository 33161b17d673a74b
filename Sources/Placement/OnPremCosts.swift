import Foundation
import Results
import Simulation

/// Every simulated on-prem platform's cost of ownership with the whole trace on it: one cluster
/// per platform, sized and priced as placement sizes its one cluster (its own control plane and
/// pre-warmed pool, the same site, people and CPU per call), so that each on-prem target has a
/// monthly figure beside the clouds' bills.
public enum OnPremCosts {
    /// The cluster of each on-prem target of `result` that carries per-function series, in the
    /// order of `targets`; targets without series are left out.
    public static func all(result: SimulationResult, targets: [SimulationTarget], inputs: OnPremInputs) throws -> [OnPremCluster] {
        var out: [OnPremCluster] = []
        for t in targets where t.profile.kind == .onprem {
            guard let outcome = result.targets.first(where: { $0.id == t.profile.id }),
                  outcome.functions.allSatisfy({ $0.series != nil }), !outcome.functions.isEmpty else { continue }
            let controlPlane = ControlPlaneFootprint(profile: t.profile, prewarmedMemoryMB: outcome.prewarmedMemoryMB)
            let demand = try BreakEven.demand(outcome, inputs: inputs)
            var basis = inputs.basis(outcome)
            basis["controlPlane"] = controlPlane.memoryMB > 0 || controlPlane.cores > 0
                ? "\(t.profile.controlPlane?.components.joined(separator: ", ") ?? "the platform's services") from its profile"
                : "the profile gives no control-plane footprint: counted as nothing"
            basis["licence"] = inputs.licenceBasis(t.profile)
            out.append(OnPremCluster(target: t.profile.id, estimate: ClusterSizing.estimate(demand, controlPlane: controlPlane, inputs: inputs),
                                     controlPlane: controlPlane, assumed: inputs.assumedInUse, basis: basis))
        }
        return out
    }

    /// The `onPremCosts` section of `placer.result/v1` (docs/result.md).
    public static func jsonValue(_ clusters: [OnPremCluster]) -> JSONValue {
        .object(["targets": .array(clusters.map(\.jsonValue))])
    }
}

extension OnPremCluster {
    /// One cluster as JSON: servers, demand, control plane, the month's cost by part, what it rests on.
    public var jsonValue: JSONValue {
        let e = estimate
        func usd(_ x: Double) -> JSONValue { .fixed(x, 2) }
        return .object([
            "target": .string(target), "servers": .int(e.servers),
            "peakMemoryMB": .fixed(e.demand.peakMemoryMB, 1), "peakCores": .fixed(e.demand.peakCores, 3),
            "meanCores": .fixed(e.demand.meanCores, 3), "utilisation": .fixed(e.utilisation, 4),
            "controlPlane": .object(["memoryMB": .fixed(controlPlane.memoryMB, 1), "cores": .fixed(controlPlane.cores, 3)]),
            "monthlyCost": .object(["total": usd(e.cost.total), "hardware": usd(e.cost.hardware), "power": usd(e.cost.power),
                                    "space": usd(e.cost.space), "people": usd(e.cost.people), "licences": usd(e.cost.licences),
                                    "capacity": usd(e.cost.capacity)]),
            "owned": .object(["cores": .fixed(e.ownedCores, 3), "memoryGB": .fixed(e.ownedMemoryGB, 1)]),
            "basis": .object(basis.mapValues { .string($0) }),
            "assumed": .array(assumed.map { .string($0) }),
        ])
    }
}
