import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// Timeouts and provisioned (always-warm) instances, on scenarios checked by hand.
struct LimitsAndProvisionedTests {
    static func one(_ starts: [Double], _ durations: [Double], timeoutMs: Double? = nil, provisioned: Int? = nil, span: Int = 1440) -> Workload {
        let f = FunctionWorkload(key: FunctionKey(app: "a", function: "f"), trigger: .http, memoryMB: 512,
                                 calls: .exact(startSeconds: starts, durationMs: durations), timeoutMs: timeoutMs, provisioned: provisioned)
        return Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: span)
    }

    static func lambda(initMs: Double = 0) throws -> (Profile, TargetModel) {
        let profile = try SimulationTests.profile()
        var model = TargetModel(profile: profile)
        model.keepAlive = .fixed(idleSeconds: 600)
        model.coldStart = .fixed(ms: initMs)
        return (profile, model)
    }

    @Test func timeoutCutsAndBills() throws {
        let (profile, model0) = try Self.lambda(initMs: 200)
        var model = model0
        #expect(model.timeoutMs == 900_000)  // the profile's limit
        model.timeoutMs = 1000
        let w = Self.one([0, 10, 20, 30], [100, 5000, 1000, 2000])
        let o = try SimulationTests.run(w, model)
        #expect(o.total.timedOut == 2)
        #expect(o.functions[0].outcome.timedOut == 2)
        #expect(o.functions[0].outcome.latencyMs.p99 == 1000)  // exact up to 4,096 calls
        // Billed as 100 + 1000 + 1000 + 1000 ms.
        var recorder = try UsageRecorder(profile: profile, days: 1)
        let shape = try recorder.shape(memoryMB: 512)
        recorder.invocations(1, durationMs: 100, shape: shape, initMs: 200)
        recorder.invocations(3, durationMs: 1000, shape: shape)
        #expect(o.bill == (try BillingEngine.price(recorder.summary, on: profile)))
        // The deployment's own timeout is used when lower than the target's, never above it.
        let tighter = try SimulationTests.run(Self.one([0, 10, 20, 30], [100, 5000, 1000, 2000], timeoutMs: 500), model)
        #expect(tighter.total.timedOut == 3)
        let looser = try SimulationTests.run(Self.one([0, 10, 20, 30], [100, 5000, 1000, 2000], timeoutMs: 10_000), model)
        #expect(looser.total.timedOut == 2)
        // Rejected calls never run, so never time out.
        var one = model
        one.maxInstances = 1
        let rejected = try SimulationTests.run(Self.one([0, 0.5], [5000, 5000]), one)
        #expect(rejected.total.rejected == 1 && rejected.total.timedOut == 1)
        #expect(try SimulationTests.run(w, model0).total.timedOut == 0)
    }

    @Test func provisionedInstancesServeWarmAndAreBilledAsProvisioned() throws {
        // A call every 30 min with a 10-min keep-alive: every call cold on demand, none with one
        // provisioned instance, which is held (and billed) for the whole day.
        let (profile, model) = try Self.lambda()
        let starts = (0..<48).map { Double($0) * 1800 }
        let w = Self.one(starts, [Double](repeating: 100, count: 48))
        let onDemand = try SimulationTests.run(w, model)
        #expect(onDemand.total.coldStarts == 48)
        var warm = model
        warm.provisioned = 1
        let o = try SimulationTests.run(w, warm)
        #expect(o.total.coldStarts == 0)
        #expect(o.total.peakInstances == 1)
        #expect(o.total.instanceSeconds == 86_400)
        #expect(o.instancesPerMinute.allSatisfy { $0 == 1 })
        var recorder = try UsageRecorder(profile: profile, days: 1)
        let shape = try recorder.shape(memoryMB: 512)
        try recorder.provisioned(environments: 1, heldMs: 86_400_000, shape: shape)
        recorder.invocations(48, durationMs: 100, shape: shape, onProvisioned: true)
        let expected = try BillingEngine.price(recorder.summary, on: profile)
        #expect(o.bill == expected)
        #expect((o.bill?.provisioned ?? 0) > 0)
        #expect(abs(o.total.billedGBSeconds - (86_400 + 48 * 0.1) * 0.5) < 1e-6)
    }

    @Test func overflowBeyondProvisionedIsOnDemand() throws {
        // Three calls at once on two provisioned instances: the third starts cold and its
        // instance idles out; the function's own count (deployment) beats the target's.
        let (_, model0) = try Self.lambda()
        var model = model0
        model.provisioned = 2
        let o = try SimulationTests.run(Self.one([0, 0, 0], [1000, 1000, 1000], span: 60), model)
        #expect(o.total.coldStarts == 1)
        #expect(o.total.peakInstances == 3)
        #expect(abs(o.total.instanceSeconds - (2 * 3600 + 601)) < 1e-9)
        let own = try SimulationTests.run(Self.one([0, 0, 0], [1000, 1000, 1000], provisioned: 3, span: 60), model)
        #expect(own.total.coldStarts == 0)
        #expect(own.total.instanceSeconds == 3 * 3600)
        let none = try SimulationTests.run(Self.one([0, 0, 0], [1000, 1000, 1000], provisioned: 0, span: 60), model)
        #expect(none.total.coldStarts == 3)
    }

    @Test func provisionedNeedsAPrice() throws {
        var model = TargetModel(profile: try SimulationTests.profile("oci-functions"))
        model.provisioned = 1
        #expect(throws: PricingError.self) {
            _ = try SimulationTests.run(Self.one([0], [100]), model, profile: "oci-functions")
        }
    }

    @Test func provisionedFromTheProfileOrAnOverride() throws {
        let catalog = try Catalog.bundled()
        let c = try catalog.overriding("aws-lambda-x86", with: YAMLTree.parse("keepAlive: {provisioned: 2, idle: 5m}"),
                                       origin: "placer.yaml", read: "2026-11-29")
        let model = TargetModel(profile: try c.profile("aws-lambda-x86"))
        #expect(model.provisioned == 2)
        #expect(model.keepAlive == .fixed(idleSeconds: 300))
        #expect(TargetModel(profile: try catalog.profile("aws-lambda-x86")).provisioned == 0)
    }
}
