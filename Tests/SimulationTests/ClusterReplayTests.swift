import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// An on-prem target on a fixed cluster (`ClusterReplay`): schedules checked by hand, and the
/// unlimited replay recovered call for call when the cluster is large enough.
struct ClusterReplayTests {
    static func placement(_ rule: NodePlacement.Rule, _ choice: NodePlacement.NodeChoice = .firstFit,
                          whenFull: NodePlacement.WhenFull = .queue, evict: Bool = false) -> NodePlacement {
        NodePlacement(rule: rule, nodeChoice: choice, whenFull: whenFull, evictIdle: evict, source: "test")
    }

    static func model(_ cluster: ClusterModel?, idle: Double = 600, coldMs: Double = 250, concurrency: Int = 1) -> TargetModel {
        var m = TargetModel(id: "openfaas", perInstanceConcurrency: concurrency, keepAlive: .fixed(idleSeconds: idle), coldStart: .fixed(ms: coldMs))
        m.cluster = cluster
        return m
    }

    static func run(_ workload: Workload, _ model: TargetModel) throws -> TargetOutcome {
        try SimulationTests.run(workload, model, profile: "openfaas")
    }

    static func apps(_ functions: [FunctionWorkload], span: Int = 5) -> Workload {
        Workload(apps: functions.map { AppWorkload(key: $0.key.app, functions: [$0]) }, spanMinutes: span)
    }

    /// The wait percentiles come from the engine's two-digit histogram: at most 1/128 above the value.
    static func near(_ value: Double, _ expected: Double) -> Bool { value >= expected && value <= expected * (1 + 1.0 / 128) }

    static func conserved(_ o: TargetOutcome) -> Bool {
        o.functions.allSatisfy { $0.outcome.served + $0.outcome.rejected == $0.outcome.invocations && $0.outcome.queued <= $0.outcome.served }
            && o.total.invocations == o.functions.reduce(0) { $0 + $1.outcome.invocations }
            && o.total.queued == o.functions.reduce(0) { $0 + $1.outcome.queued }
    }

    @Test func slotsFullQueueFirstInFirstOutAndFreedInstancesServeTheirOwnUnit() throws {
        // One node of 2 cores, a running call takes 1 (bin packing), cold start 250 ms, calls 1 s.
        // f: four calls at 0 s; two start cold and end at 1.25 s, two queue. g: one call at 0.5 s, queued.
        // At 1.25 s f's oldest waiting calls take f's two freed instances (warm, waited 1,250 ms) and
        // fill the node again; g, waiting since 0.5 s, starts cold at 2.25 s (waited 1,750 ms).
        let cluster = ClusterModel(nodes: 1, coresPerNode: 2, memoryMBPerNode: 1_000_000, placement: Self.placement(.binPacking), coresPerCall: 1)
        let f = SimulationTests.exact("q", "f", starts: [0, 0, 0, 0], durationMs: 1000)
        let g = SimulationTests.exact("r", "g", starts: [0.5], durationMs: 1000)
        let outcome = try Self.run(Self.apps([f, g]), Self.model(cluster))
        let of = outcome.functions[0].outcome, og = outcome.functions[1].outcome
        #expect((of.invocations, of.coldStarts, of.queued, of.rejected) == (4, 2, 2, 0))
        #expect(of.latencyMs.p50 == 1250 && of.latencyMs.p99 == 2250)
        #expect(Self.near(of.waitMs.p50, 1250) && Self.near(of.waitMs.p99, 1250))
        #expect((og.invocations, og.coldStarts, og.queued) == (1, 1, 1))
        #expect(og.latencyMs.p99 == 3000)
        #expect(Self.near(og.waitMs.p99, 1750))
        #expect(outcome.total.queued == 3)
        #expect(Self.near(outcome.total.waitMs.p50, 1250) && Self.near(outcome.total.waitMs.p99, 1750))
        #expect(outcome.notes.contains { $0.contains("fixed cluster of 1 server,") && $0.contains("3 calls found no room") })
        #expect(Self.conserved(outcome))
        // Without the cluster the same calls never wait: four instances of f, one of g.
        let free = try Self.run(Self.apps([f, g]), Self.model(nil))
        #expect(free.total.queued == 0 && free.total.coldStarts == 5 && free.total.latencyMs.p99 == 1250)
    }

    static let threeOfHalfANode: Workload = {
        let a = SimulationTests.exact("a", "a", memoryMB: 512, starts: [0], durationMs: 1000)
        let b = SimulationTests.exact("b", "b", memoryMB: 512, starts: [0], durationMs: 1000)
        let c = SimulationTests.exact("c", "c", memoryMB: 512, starts: [0.5], durationMs: 1000)
        return Self.apps([a, b, c])
    }()

    @Test func idleInstancesHoldTheirMemoryUntilTheyExpireOrAreEvicted() throws {
        // One node of 1,024 MB; instances of 512 MB; keep-alive 10 s. a and b start at 0 s and are
        // idle from 1.25 s; c (0.5 s) finds the node full.
        let memoryOnly = ClusterModel(nodes: 1, coresPerNode: 1, memoryMBPerNode: 1024, placement: Self.placement(.memory), coresPerCall: 1)
        // No eviction: c waits for a's instance to expire at 11.25 s: 10,750 ms, then cold 250 + 1,000.
        let kept = try Self.run(Self.threeOfHalfANode, Self.model(memoryOnly, idle: 10))
        #expect(kept.functions[2].outcome.latencyMs.p99 == 12_000)
        #expect(Self.near(kept.functions[2].outcome.waitMs.p99, 10_750))
        #expect(kept.total.queued == 1 && kept.total.coldStarts == 3)
        // Eviction (OpenWhisk): the moment a's instance is idle (1.25 s) it is removed for c: 750 ms.
        var evicting = memoryOnly
        evicting.placement = Self.placement(.memory, evict: true)
        let evicted = try Self.run(Self.threeOfHalfANode, Self.model(evicting, idle: 10))
        #expect(evicted.functions[2].outcome.latencyMs.p99 == 2000)
        #expect(Self.near(evicted.functions[2].outcome.waitMs.p99, 750))
        #expect(evicted.notes.contains { $0.contains("1 idle instances removed to make room") })
        // A platform that rejects when full: c is turned away.
        var rejecting = memoryOnly
        rejecting.placement = Self.placement(.memory, whenFull: .reject)
        let rejected = try Self.run(Self.threeOfHalfANode, Self.model(rejecting, idle: 10))
        #expect((rejected.functions[2].outcome.rejected, rejected.total.queued) == (1, 0))
        #expect(Self.conserved(kept) && Self.conserved(evicted) && Self.conserved(rejected))
    }

    @Test func requestsAreReservedForAnInstancesLifeBusyOrIdle() throws {
        // Kubernetes: a pod reserves its CPU request (1 core) while it lives. Two nodes of 2 cores
        // hold four instances; the fifth function's call at 0.5 s waits until an idle pod expires
        // (keep-alive 10 s after 1.25 s): 10,750 ms, though every core is idle from 1.25 s.
        let cluster = ClusterModel(nodes: 2, coresPerNode: 2, memoryMBPerNode: 1_000_000,
                                   placement: Self.placement(.requests, .leastAllocated), coresPerCall: 1)
        var functions = ["a", "b", "c", "d"].map { SimulationTests.exact($0, $0, starts: [0], durationMs: 1000) }
        functions.append(SimulationTests.exact("e", "e", starts: [0.5], durationMs: 1000))
        let outcome = try Self.run(Self.apps(functions), Self.model(cluster, idle: 10))
        #expect(outcome.functions[4].outcome.latencyMs.p99 == 12_000)
        #expect(outcome.total.queued == 1)
        // Bin packing on the same nodes: idle instances hold no cores, so e waits only for the
        // four running calls to end (1.25 s): 750 ms.
        var packed = cluster
        packed.placement = Self.placement(.binPacking)
        let e = try Self.run(Self.apps(functions), Self.model(packed, idle: 10)).functions[4].outcome
        #expect(e.latencyMs.p99 == 2000 && Self.near(e.waitMs.p99, 750))
    }

    @Test func anInstanceThatFitsNoNodeIsRejectedNotQueuedForever() throws {
        let cluster = ClusterModel(nodes: 3, coresPerNode: 4, memoryMBPerNode: 256, placement: Self.placement(.memory), coresPerCall: 1)
        let big = SimulationTests.exact("a", "big", memoryMB: 512, starts: [0, 1], durationMs: 100)
        let outcome = try Self.run(Self.apps([big]), Self.model(cluster))
        #expect((outcome.total.invocations, outcome.total.rejected, outcome.total.queued) == (2, 2, 0))
        #expect(outcome.notes.contains { $0.contains("fit no node") && $0.contains("a/big") })
    }

    /// Functions of several apps with calls at binary-exact times and durations (so that sums
    /// over minutes do not depend on the order they are added in), synchronous and queued.
    static func mixed(seed: UInt64, functions: Int = 6) -> Workload {
        var random = SeededRandom(seed: seed)
        var list: [FunctionWorkload] = []
        for i in 0..<functions {
            var t = 0.0, starts: [Double] = [], durations: [Double] = []
            let gap = Double(1 + i % 3) * 2
            while true {
                t += (random.exponential(rate: 1 / gap) * 64).rounded() / 64
                guard t < 1_500 else { break }
                starts.append(t)
                durations.append(Double(Int(random.exponential(rate: 1 / 400).rounded()) + 1))
            }
            list.append(FunctionWorkload(key: FunctionKey(app: "app\(i)", function: "f\(i)"), trigger: i % 2 == 0 ? .http : .queue,
                                         memoryMB: Double(128 << (i % 3)), calls: .exact(startSeconds: starts, durationMs: durations)))
        }
        return Self.apps(list, span: 30)
    }

    @Test func aClusterNoLoadFillsReplaysExactlyAsUnlimited() throws {
        let huge = ClusterModel(nodes: 4, coresPerNode: 100_000, memoryMBPerNode: 100_000_000, placement: Self.placement(.binPacking),
                                coresPerCall: 1)
        for seed: UInt64 in [1, 2, 3] {
            for (idle, concurrency) in [(30.0, 1), (5.0, 4)] {
                let workload = Self.mixed(seed: seed)
                var lognormal = Self.model(nil, idle: idle, concurrency: concurrency)
                lognormal.coldStart = .lognormal(mu: log(300), sigma: 0.4)
                var clustered = lognormal
                clustered.cluster = huge
                let free = try Self.run(workload, lognormal), onCluster = try Self.run(workload, clustered)
                #expect(free.total == onCluster.total, "seed \(seed), idle \(idle)")
                for (a, b) in zip(free.functions, onCluster.functions) { #expect(a.outcome == b.outcome, "seed \(seed): \(a.function)") }
                // Per-minute series: the same lifetimes, added in another order (units drained per
                // slice of one minute, not one hour): equal to the last bits of a double.
                func close(_ x: [Double], _ y: [Double]) -> Bool {
                    x.count == y.count && zip(x, y).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) }
                }
                #expect(close(free.instancesPerMinute, onCluster.instancesPerMinute) && close(free.memoryMBPerMinute, onCluster.memoryMBPerMinute))
                #expect(onCluster.total.queued == 0 && free.total.coldStarts > 0)
            }
        }
    }

    @Test func smallClustersConserveCallsAndRepeatThemselves() throws {
        for seed: UInt64 in 1...6 {
            let workload = Self.mixed(seed: seed, functions: 8)
            for (rule, evict) in [(NodePlacement.Rule.binPacking, false), (.memory, true), (.requests, false)] {
                let cluster = ClusterModel(nodes: 1, coresPerNode: 1, memoryMBPerNode: 768,
                                           placement: Self.placement(rule, .leastAllocated, evict: evict), coresPerCall: 0.5)
                let model = Self.model(cluster, idle: 20)
                let once = try Self.run(workload, model), again = try Self.run(workload, model)
                #expect(Self.conserved(once), "seed \(seed) \(rule)")
                #expect(once.total == again.total, "seed \(seed) \(rule)")
                #expect(once.total.queued > 0, "seed \(seed) \(rule): a cluster this small queues")
                #expect(once.total.waitMs.p99 >= once.total.waitMs.p50)
            }
        }
    }
}
