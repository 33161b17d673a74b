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
    /// no cores or no memory. `demands` gives functions their own cores per call and memory.
    public static func model(servers: Int, profile: Profile, inputs: OnPremInputs,
                             demands: [FunctionKey: FunctionDemand] = [:]) -> ClusterModel? {
        let controlPlane = ControlPlaneFootprint(profile: profile)
        return ClusterModel(servers: servers, serverCores: inputs.serverCores, serverMemoryMB: inputs.serverMemoryGB * 1024,
                            controlPlaneCores: controlPlane.cores, controlPlaneMemoryMB: controlPlane.memoryMB,
                            placement: profile.nodePlacement ?? fallback, coresPerCall: inputs.coresPerCall, demands: demands)
    }
}
