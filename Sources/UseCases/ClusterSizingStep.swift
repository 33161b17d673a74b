import Placement
import Simulation

/// The on-prem cluster by simulation, for `place` and `advise`: a fixed size (`--servers`,
/// `onprem.servers`) replayed against the unlimited replay, or the smallest size meeting the p99
/// objective (`ClusterSearch`), whose ratio to the peak-based size then scales every size the
/// decision and the break-even analysis cost (`OnPremInputs.sizingScale`).
enum ClusterSizingStep {
    static func fit(_ run: SimulationRun, onPrem: String, inputs: inout OnPremInputs) throws -> ClusterFit? {
        guard var target = run.targets.first(where: { $0.profile.id == onPrem }) else { return nil }
        target.model.cluster = nil
        var options = run.options
        options.functionSeries = []
        options.functionUsage = false
        do {
            if let servers = inputs.servers {
                let unlimited = try Simulator.run(run.workload, targets: [target], options: options).targets[0]
                let request = ClusterSearch.Request(workload: run.workload, target: target, inputs: inputs, deployment: run.deployment,
                                                    options: options, unlimited: unlimited, start: servers)
                return try ClusterSearch.fixed(request, servers: servers)
            }
            guard let unlimited = run.result.targets.first(where: { $0.id == onPrem }) else { return nil }
            let peakPlan = try Placement.plan(PlacementRequest(result: run.result, targets: run.targets, onPrem: onPrem, inputs: inputs,
                                                               deployment: run.deployment, lockIn: run.lockIn))
            guard let all = peakPlan.allOnPrem, all.servers > 0 else { return nil }
            let peak = max(1, all.servers - inputs.redundancy)
            let request = ClusterSearch.Request(workload: run.workload, target: target, inputs: inputs, deployment: run.deployment,
                                                options: options, unlimited: unlimited, start: peak)
            let fit = try ClusterSearch.smallest(request)
            inputs.sizingScale = Double(fit.servers) / Double(peak)
            return fit
        } catch let error as PlacementError {
            throw UseCaseError.failure("\(error)")
        }
    }
}
