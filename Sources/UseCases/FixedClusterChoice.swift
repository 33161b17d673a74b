import Deployment
import Placement
import Pricing
import Simulation

/// The fixed cluster a run replays its on-prem targets on: `--servers`, else the deployment's
/// `onprem.servers`, of the deployment's server shape; none when neither sets a number.
struct FixedClusterChoice {
    let servers: Int?
    let inputs: OnPremInputs

    init(servers: Int?, deployment: Deployment?) throws {
        if let servers, !(1...100_000).contains(servers) {
            throw UseCaseError.usage("--servers \(servers): expected a whole number of servers from 1 to 100000")
        }
        do { inputs = try OnPremInputs.read(deployment) } catch { throw UseCaseError.badInput("\(error)") }
        self.servers = servers ?? inputs.servers
    }

    /// The cluster `profile`'s platform runs on; nil without a fixed size.
    func model(for profile: Profile, workload: Workload) throws -> ClusterModel? {
        guard let servers else { return nil }
        guard let cluster = FixedCluster.model(servers: servers, profile: profile, inputs: inputs, workload: workload) else {
            let plane = ControlPlaneFootprint(profile: profile)
            throw UseCaseError.badInput("\(profile.id): its control plane (\(plane.cores) cores, \(plane.memoryMB) MB) leaves nothing for functions on \(servers) servers of \(inputs.serverCores) cores and \(inputs.serverMemoryGB) GB")
        }
        return cluster
    }
}
