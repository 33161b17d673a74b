import Foundation
import Pricing
import Testing
import Traces
@testable import Placement
@testable import Simulation

/// The on-prem cluster by simulation: a fixed size replayed, the smallest size meeting the p99
/// objective, and the inputs they rest on.
struct ClusterSearchTests {
    /// Servers of 2 cores and 64 GB; a running call takes 1 core, and OpenFaaS (Kubernetes) reserves
    /// it for the pod's life: after the control plane's share (0.17 cores) a server holds one pod.
    static func inputs() throws -> OnPremInputs {
        var inputs = try OnPremInputs.defaults()
        inputs.serverCores = 2
        inputs.serverMemoryGB = 64
        inputs.coresPerCall = 1
        return inputs
    }

    /// Four functions called at once (1 s each): four pods at once, one per server.
    static let four = Workload(apps: (0..<4).map { i in
        AppWorkload(key: "a\(i)", functions: [FunctionWorkload(key: FunctionKey(app: "a\(i)", function: "f"), trigger: .http, memoryMB: 256,
                                                              calls: .exact(startSeconds: [0], durationMs: [1000]))])
    }, spanMinutes: 30)

    static func request(start: Int) throws -> ClusterSearch.Request {
        let target = SimulationTarget(profile: try Catalog.bundled().profile("knative"))  // scale to zero: a pod ends after its keep-alive
        let options = SimulationOptions(seed: 1, fastPath: false)
        let unlimited = try Simulator.run(Self.four, targets: [target], options: options).targets[0]
        return ClusterSearch.Request(workload: Self.four, target: target, inputs: try Self.inputs(), deployment: nil,
                                     options: options, unlimited: unlimited, start: start)
    }

    @Test func theSmallestClusterIsFoundAndCheckedOnBothSides() throws {
        for start in [1, 2, 7] {
            let fit = try ClusterSearch.smallest(try Self.request(start: start))
            #expect(fit.servers == 4, "from \(start)")
            #expect(fit.outcome.queued == 0 && fit.outcome.latencyMs.p99 <= fit.objectiveMs)
            // Three servers hold three pods: the fourth call waits for a pod's keep-alive to end.
            #expect(fit.tried.contains { $0.servers == 3 && !$0.meets && $0.queued == 1 }, "from \(start)")
            #expect(fit.tried.contains { $0.servers == 5 && $0.meets }, "from \(start)")
            #expect(fit.objective.contains("unlimited replay's p99 + 10 %"))
        }
    }

    @Test func aFixedClusterIsReplayedAndJudged() throws {
        let fit = try ClusterSearch.fixed(try Self.request(start: 2), servers: 2)
        #expect(fit.fixed && fit.servers == 2)
        #expect(fit.outcome.queued == 2 && !fit.meets)
        #expect(fit.text().contains("2 of 4 calls waited for room"))
        // The control plane alone (0.53 cores) fills a server of 0.1 cores: an error, not a crash.
        var tiny = try Self.request(start: 1)
        tiny.inputs.serverCores = 0.1
        #expect(throws: PlacementError.self) { try ClusterSearch.fixed(tiny, servers: 1) }
    }

    @Test func serversAndTheToleranceAreDeploymentKeys() throws {
        var inputs = try OnPremInputs.defaults()
        #expect(inputs.servers == nil && inputs.p99Tolerance == 0.10)
        try inputs.apply(try YAMLTree.parse("servers: 3\nsizing: {p99Tolerance: 0.25}\n"), file: "placer.yaml")
        #expect(inputs.servers == 3 && inputs.p99Tolerance == 0.25)
        #expect(inputs.origins["servers"] == "placer.yaml:1")
        #expect(throws: OnPremInputError.self) { try inputs.apply(try YAMLTree.parse("servers: 2.5\n"), file: "placer.yaml") }
        #expect(throws: OnPremInputError.self) { try inputs.apply(try YAMLTree.parse("servers: 0\n"), file: "placer.yaml") }
        // A fixed size is what the cluster costs: no headroom, no spare.
        var fixed = try OnPremInputs.defaults()
        fixed.servers = 7
        let estimate = ClusterSizing.estimate(ClusterDemand(peakMemoryMB: 1, peakCores: 1, meanCores: 1), controlPlane: ControlPlaneFootprint(), inputs: fixed)
        #expect(estimate.servers == 7)
        // A simulated size scales the peak-based one.
        var scaled = try OnPremInputs.defaults()
        scaled.sizingScale = 0.5
        scaled.redundancy = 0
        let demand = ClusterDemand(peakMemoryMB: 0, peakCores: 64 * 4 / 1.25, meanCores: 1)
        #expect(ClusterSizing.estimate(demand, controlPlane: ControlPlaneFootprint(), inputs: scaled).servers == 2)
    }

    @Test func everyOnPremProfileSaysHowItPlacesInstances() throws {
        let catalog = try Catalog.bundled()
        for id in catalog.ids {
            let profile = try catalog.profile(id)
            guard profile.kind == .onprem else { continue }
            let placement = try #require(profile.nodePlacement, "\(id)")
            #expect(profile.sources[placement.source] != nil, "\(id)")
        }
    }
}
