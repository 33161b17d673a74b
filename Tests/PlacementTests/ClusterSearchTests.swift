import Deployment
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

    /// Random on-prem workloads: a few functions of mixed memory, calls of 1 ms to a few seconds.
    static func random(seed: UInt64) -> Workload {
        var random = SeededRandom(seed: seed)
        let functions = 3 + Int(random.next() % 5)
        return Workload(apps: (0..<functions).map { i in
            var t = 0.0, starts: [Double] = [], durations: [Double] = []
            let gap = 0.5 + Double(random.next() % 40) / 10
            while true {
                t += (random.exponential(rate: 1 / gap) * 64).rounded() / 64
                guard t < 900 else { break }
                starts.append(t)
                durations.append(Double(Int(random.exponential(rate: 1 / 800).rounded()) + 1))
            }
            return AppWorkload(key: "a\(i)", functions: [FunctionWorkload(key: FunctionKey(app: "a\(i)", function: "f"), trigger: i % 2 == 0 ? .http : .queue,
                                                                       memoryMB: Double(128 << (i % 4)), calls: .exact(startSeconds: starts, durationMs: durations))])
        }, spanMinutes: 16)
    }

    static func request(_ workload: Workload, profile: String, cores: Double, coresPerCall: Double, start: Int, p99Ms: Double? = nil) throws -> ClusterSearch.Request {
        let target = SimulationTarget(profile: try Catalog.bundled().profile(profile))
        let options = SimulationOptions(seed: 1, fastPath: false)
        let unlimited = try Simulator.run(workload, targets: [target], options: options).targets[0]
        var inputs = try Self.inputs()
        inputs.serverCores = cores
        inputs.coresPerCall = coresPerCall
        var request = ClusterSearch.Request(workload: workload, target: target, inputs: inputs, deployment: nil,
                                            options: options, unlimited: unlimited, start: start)
        if let p99Ms { request.deployment = try Deployment.parse("requirements: {p99LatencyMs: \(p99Ms)}\n", file: "placer.yaml") }
        return request
    }

    /// Every size from 1 up replayed to the end: the smallest that meets the objective.
    static func exhaustive(_ request: ClusterSearch.Request, upTo limit: Int) throws -> Int? {
        let (objectiveMs, _) = ClusterSearch.objective(request)
        for n in 1...limit {
            guard let outcome = try ClusterSearch.replay(request, servers: n) else { continue }
            if ClusterSearch.judge(outcome, servers: n, request: request, objectiveMs: objectiveMs).meets { return n }
        }
        return nil
    }

    /// The shortcuts (replays stopped once they certainly miss, sizes known from an identical
    /// replay) change no size's verdict: the search with them finds what the same search without
    /// them finds, judging every size both tried alike, and on these workloads what replaying every
    /// size from 1 up finds.
    @Test func theShortcutsFindWhatReplayingEverySizeFinds() throws {
        var cases: [(String, ClusterSearch.Request)] = []
        for start in [1, 2, 7] { cases.append(("four from \(start)", try Self.request(start: start))) }
        for seed: UInt64 in 1...8 {
            let workload = Self.random(seed: seed)
            for (profile, cores, perCall) in [("knative", 2.0, 1.0), ("openfaas", 4.0, 0.5), ("openwhisk", 3.0, 1.0)] {
                for p99 in [nil, 20_000.0] {
                    cases.append(("seed \(seed) \(profile) p99 \(p99.map { "\($0)" } ?? "-")",
                                  try Self.request(workload, profile: profile, cores: cores, coresPerCall: perCall, start: 1 + Int(seed % 3), p99Ms: p99)))
                }
            }
        }
        var stopped = 0, inferred = 0, sizes = Set<Int>()
        for (name, fast) in cases {
            var reference = fast
            reference.shortcuts = false
            let quick = try ClusterSearch.smallest(fast), slow = try ClusterSearch.smallest(reference)
            #expect(quick.servers == slow.servers, "\(name)")
            #expect(quick.outcome == slow.outcome, "\(name)")
            for t in quick.tried {
                if let r = slow.tried.first(where: { $0.servers == t.servers }) { #expect(r.meets == t.meets, "\(name): \(t.servers) servers") }
                switch t.basis {
                case .stoppedEarly: stopped += 1
                case .sameAs(let m):
                    inferred += 1
                    let full = try #require(try ClusterSearch.replay(fast, servers: t.servers))
                    #expect(full.total.latencyMs.p99 == t.p99Ms && full.total.queued == t.queued && full.total.rejected == t.rejected, "\(name): \(t.servers) as \(m)")
                case .replayed: break
                }
            }
            #expect(try Self.exhaustive(fast, upTo: quick.servers) == quick.servers, "\(name)")
            sizes.insert(quick.servers)
        }
        // The cases exercise both shortcuts and more than one answer.
        #expect(stopped > 0 && inferred > 0 && sizes.count > 2, "stopped \(stopped), inferred \(inferred), sizes \(sizes.sorted())")
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

/// The cluster lines `placer place` prints say one server, one size, in the singular.
@Suite struct ClusterTextPluralTests {
    @Test func oneServerAndOneSizeAreSingular() {
        let method = ClusterSearch.method(start: 1, answer: 1, stopped: 1, inferred: 1)
        #expect(method.hasPrefix("bisection from the peak-based estimate (1 server); 1 meets it, 2 meets it too"), "\(method)")
        #expect(method.contains("; 1 size stopped early once it certainly missed"), "\(method)")
        #expect(method.contains("; 1 size not replayed: a smaller size's replay never lacked room and one server of it holds the most it asked of its whole cluster, so its replay is the same call for call"), "\(method)")
        let two = ClusterSearch.method(start: 3, answer: 2, stopped: 2, inferred: 2)
        #expect(two.contains("(3 servers)") && two.contains("2 sizes stopped early once they") && two.contains("2 sizes not replayed"), "\(two)")
        var fit = ClusterFit(target: "openfaas", servers: 1, fixed: false, outcome: Outcome(), unlimitedP99Ms: 1000, unlimitedRejected: 0,
                             objectiveMs: 1100, objective: "p99 ≤ 1.1 s", tried: [ClusterFit.Trial(servers: 1, p99Ms: 900, queued: 0, rejected: 0, meets: true),
                                                                                ClusterFit.Trial(servers: 2, p99Ms: 900, queued: 0, rejected: 0, meets: true, basis: .sameAs(1))],
                             method: method, notes: [])
        #expect(fit.text().hasPrefix("Smallest cluster by simulation: openfaas on 1 server meets"), "\(fit.text())")
        #expect(fit.tried[1].basisText == "as 1 server")
        fit.fixed = true
        #expect(fit.text().hasPrefix("Fixed cluster: openfaas on 1 server:"), "\(fit.text())")
    }
}
