import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// What a cluster replay tells a size search (`ClusterUse`, `ClusterStop`): a replay that never
/// lacked room is the same on any cluster one node of which holds the most it asked, and a replay
/// stopped early would have missed its objective had it run to the end.
struct ClusterTrialTests {
    static func run(_ workload: Workload, _ cluster: ClusterModel?, idle: Double = 20, stop: ClusterStop? = nil) throws -> TargetOutcome {
        let model = ClusterReplayTests.model(cluster, idle: idle)
        var options = SimulationOptions(seed: 1)
        options.clusterStop = stop
        let target = SimulationTarget(profile: try SimulationTests.profile("openfaas"), model: model)
        return try Simulator.run(workload, targets: [target], options: options).targets[0]
    }

    static func cluster(nodes: Int, milli: Int64, kb: Int64, _ rule: NodePlacement.Rule, _ choice: NodePlacement.NodeChoice) -> ClusterModel {
        ClusterModel(nodes: nodes, coresPerNode: Double(milli) / 1000, memoryMBPerNode: Double(kb) / 1024,
                     placement: ClusterReplayTests.placement(rule, choice, evict: rule == .memory), coresPerCall: 0.5)
    }

    @Test func aReplayThatNeverLackedRoomIsTheSameWhereOneNodeHoldsItsPeak() throws {
        for seed: UInt64 in 1...5 {
            let workload = ClusterReplayTests.mixed(seed: seed, functions: 8)
            for (rule, choice) in [(NodePlacement.Rule.binPacking, NodePlacement.NodeChoice.firstFit), (.requests, .leastAllocated), (.memory, .home)] {
                // Roomy enough never to lack room: what it asked at most is then the unlimited replay's peak.
                let roomy = Self.cluster(nodes: 2, milli: 64_000, kb: 64 << 20, rule, choice)
                let once = try Self.run(workload, roomy)
                let use = try #require(once.clusterUse)
                #expect(!use.lackedRoom && !use.stoppedEarly && use.peakAskedKB > 0, "seed \(seed) \(rule)")
                let free = try Self.run(workload, nil)
                #expect(once.total == free.total, "seed \(seed) \(rule)")
                // Exactly the peak on one node, three nodes: the same replay, call for call.
                let exact = Self.cluster(nodes: 3, milli: max(1, use.peakAskedMilli), kb: use.peakAskedKB, rule, choice)
                #expect(use.sameReplay(on: exact, model: ClusterReplayTests.model(nil)), "seed \(seed) \(rule)")
                let there = try Self.run(workload, exact)
                #expect(there.total == once.total, "seed \(seed) \(rule)")
                for (a, b) in zip(there.functions, once.functions) { #expect(a.outcome == b.outcome, "seed \(seed) \(rule): \(a.function)") }
                // A KB less than the peak proves nothing (whatever that cluster would do).
                let short = Self.cluster(nodes: 3, milli: max(1, use.peakAskedMilli), kb: use.peakAskedKB - 1, rule, choice)
                #expect(!use.sameReplay(on: short, model: ClusterReplayTests.model(nil)), "seed \(seed) \(rule)")
            }
        }
    }

    @Test func aReplayThatQueuedLackedRoomAndProvesNothing() throws {
        let workload = ClusterReplayTests.mixed(seed: 1, functions: 8)
        let small = Self.cluster(nodes: 1, milli: 1000, kb: 768 << 10, .binPacking, .firstFit)
        let outcome = try Self.run(workload, small)
        let use = try #require(outcome.clusterUse)
        #expect(outcome.total.queued > 0 && use.lackedRoom)
        let huge = Self.cluster(nodes: 1, milli: 1 << 40, kb: 1 << 50, .binPacking, .firstFit)
        #expect(!use.sameReplay(on: huge, model: ClusterReplayTests.model(nil)))
        // Without a cluster there is nothing to report.
        #expect(try Self.run(workload, nil).clusterUse == nil)
    }

    /// Stopping is exact: every replay that stops would have missed (p99 above the objective, or
    /// more rejections than allowed) had it run to the end, and a replay that would meet it never stops.
    @Test func aReplayStopsOnlyWhenItsSizeCertainlyMisses() throws {
        var stops = 0, runs = 0
        for seed: UInt64 in 1...6 {
            let workload = ClusterReplayTests.mixed(seed: seed, functions: 8)
            let invocations = try Self.run(workload, nil).total.invocations
            for milli: Int64 in [1000, 2000, 3000] {
                let cluster = Self.cluster(nodes: 1, milli: milli, kb: 4 << 20, .binPacking, .firstFit)
                let full = try Self.run(workload, cluster)
                #expect(full.clusterUse?.stoppedEarly == false)
                for objective in [500.0, 1_000, 2_000, 5_000, 20_000, full.total.latencyMs.p99, full.total.latencyMs.p99 * 0.98] {
                    let stop = ClusterStop.p99(objectiveMs: objective, invocations: invocations, rejections: full.total.rejected)
                    let stopped = try Self.run(workload, cluster, stop: stop)
                    runs += 1
                    if stopped.clusterUse?.stoppedEarly == true {
                        stops += 1
                        #expect(full.total.latencyMs.p99 > objective, "seed \(seed), \(milli) mc, objective \(objective) ms")
                    } else {
                        #expect(stopped.total == full.total, "seed \(seed), \(milli) mc, objective \(objective) ms")
                    }
                    if full.total.latencyMs.p99 <= objective { #expect(stopped.clusterUse?.stoppedEarly == false) }
                }
                // One rejection allowed fewer than the replay has: it stops as soon as it exceeds that.
                if full.total.rejected > 0 {
                    let stop = ClusterStop(waitAboveMs: .infinity, longWaits: Int.max, rejections: full.total.rejected - 1)
                    #expect(try Self.run(workload, cluster, stop: stop).clusterUse?.stoppedEarly == true)
                }
            }
        }
        #expect(stops > 0 && stops < runs, "the loop exercises both outcomes (\(stops) of \(runs) stopped)")
    }

    @Test func theStopsBoundIsTheNearestRankCount() {
        // 100 calls: the nearest-rank p99 is the 99th smallest, above the objective once 2 are.
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 100, rejections: 0).longWaits == 2)
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 1_000, rejections: 0).longWaits == 11)
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 150, rejections: 3).longWaits == 3)
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 1, rejections: 3).longWaits == 1)
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 2, rejections: 3).longWaits == 2)
        #expect(ClusterStop.p99(objectiveMs: 100, invocations: 1, rejections: 3).waitAboveMs == 100.001)
    }
}
