import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// An on-prem instance's memory from the platform's footprint (`instance:` in its profile): the
/// trace's memory where it has one, else the platform's default, raised to its least, plus what
/// the platform runs beside each instance.
struct InstanceMemoryTests {
    @Test func theRuleByHand() {
        let rule = InstanceMemoryRule(overheadMB: 50, defaultMB: 256, minMB: 128)
        #expect(rule.memory(requestedMB: 300, said: true) == (350, .trace))
        #expect(rule.memory(requestedMB: 64, said: true) == (178, .floor))
        #expect(rule.memory(requestedMB: 1000, said: false) == (306, .platformDefault))
        let bare = InstanceMemoryRule(overheadMB: 0)
        #expect(bare.memory(requestedMB: 1000, said: false) == (1000, .assumed))
    }

    static func workload() -> Workload {
        var small = SimulationTests.exact("a", "small", memoryMB: 64, starts: [0, 30], durationMs: 100)
        small.memoryOrigin = .trace
        var unsaid = SimulationTests.exact("b", "unsaid", memoryMB: 200, starts: [5], durationMs: 100)
        unsaid.memoryOrigin = .assumed
        var big = SimulationTests.exact("c", "big", memoryMB: 300, starts: [10], durationMs: 100)
        big.memoryOrigin = .declared
        return Workload(apps: [small, unsaid, big].map { AppWorkload(key: $0.key.app, functions: [$0]) }, spanMinutes: 5)
    }

    static func run(_ id: String) throws -> TargetOutcome {
        try Simulator.run(workload(), targets: [SimulationTarget(profile: try SimulationTests.catalog.profile(id))],
                          options: SimulationOptions(seed: 1)).targets[0]
    }

    static func memory(_ o: TargetOutcome) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: o.functions.map { ($0.function, $0.memoryMB) })
    }

    @Test func openWhiskRaisesToItsLeastAndDefaultsWhereNothingSaid() throws {
        let o = try Self.run("openwhisk")
        #expect(Self.memory(o) == ["small": 128, "unsaid": 256, "big": 300])
        #expect(o.instanceMemory?.bases == [.floor: 1, .platformDefault: 1, .trace: 1])
        #expect(o.notes.contains { $0.contains("1 raised to the platform's least of 128 MB") && $0.contains("1 at the platform's default of 256 MB") })
    }

    @Test func knativeAddsItsQueueProxyBesideEveryInstance() throws {
        let o = try Self.run("knative")
        #expect(Self.memory(o) == ["small": 114, "unsaid": 250, "big": 350])
        #expect(o.instanceMemory?.bases == [.trace: 2, .assumed: 1])
        #expect(o.notes.contains { $0.contains("each with 50 MB beside it") })
        // The memory held is the instances' time × their memory, sidecar included.
        let held = o.functions.reduce(0.0) { $0 + $1.outcome.instanceSeconds * $1.memoryMB / 1024 }
        #expect(abs(o.total.memoryGBSeconds - held) < 1e-6)
    }

    /// A cloud target bills its own sizes: no footprint, no basis.
    @Test func cloudTargetsAreUntouched() throws {
        let o = try Self.run("aws-lambda-x86")
        #expect(o.instanceMemory == nil && Self.memory(o)["big"] == 300)
    }
}
