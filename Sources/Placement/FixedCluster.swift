import Pricing
import Simulation
import Traces

/// An on-prem platform on a fixed number of servers, as the simulator replays it
/// (`ClusterReplay`): the inputs' server shape, the platform's control plane spread over the
/// servers, its placement rule (profile `placement:`), the cores a running call keeps busy.
public enum FixedCluster {
    /// The rule for a profile without a `placement:` section: bin packing by memory and cores per
    /// running call, first fit, calls queued when full, nothing evicted (the executor's own node).
    public static let fallback = NodePlacement(rule: .binPacking, nodeChoice: .firstFit, whenFull: .queue, evictIdle: false,
                                               source: "Placer's default for a profile without a placement section")

    /// `servers` servers running `profile`'s platform; nil when its control plane leaves a server
    /// no cores or no memory. Each function of `workload` keeps the cores a call of it needs
    /// (`CallDemand.of`: the trace's `cpu_ms`, else `onprem.coresPerCall`, else memory ÷
    /// `cpuMBPerCore`, capped), the same figure the cluster's cost is sized with.
    public static func model(servers: Int, profile: Profile, inputs: OnPremInputs, workload: Workload?) -> ClusterModel? {
        var demands: [FunctionKey: FunctionDemand] = [:]
        for app in workload?.apps ?? [] {
            for f in app.functions {
                let d = CallDemand.of(f, override: inputs.coresPerCall, mbPerCore: inputs.cpuMBPerCore, maxCores: inputs.cpuMaxCoresPerCall)
                demands[f.key] = FunctionDemand(coresPerCall: d.coresPerCall)
            }
        }
        let controlPlane = ControlPlaneFootprint(profile: profile)
        return ClusterModel(servers: servers, serverCores: inputs.serverCores, serverMemoryMB: inputs.serverMemoryGB * 1024,
                            controlPlaneCores: controlPlane.cores, controlPlaneMemoryMB: controlPlane.memoryMB,
                            placement: profile.nodePlacement ?? fallback, coresPerCall: inputs.coresPerCall ?? inputs.cpuMaxCoresPerCall, demands: demands)
    }
}
