import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// Azure's rules as Microsoft bills and runs them, on crafted calls checked by hand: Flex bills
/// each instance's active period (1,000 ms minimum, then 100 ms steps) and runs several HTTP
/// calls per instance by its memory; Consumption bills its instances' active periods too (100 ms
/// minimum, 1 ms steps) while an instance serves up to 100 HTTP calls or 24 queue messages at once.
struct ProviderRulesTests {
    static func calls(_ starts: [Double], _ durations: [Double], trigger: Trigger = .http, memoryMB: Double, provisioned: Int? = nil) -> Workload {
        let f = FunctionWorkload(key: FunctionKey(app: "a", function: "f"), trigger: trigger, memoryMB: memoryMB,
                                 calls: .exact(startSeconds: starts, durationMs: durations), provisioned: provisioned)
        return Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 1440)
    }

    /// The target's own model with no cold-start time, so active periods are the calls' own.
    static func run(_ w: Workload, _ id: String) throws -> TargetOutcome {
        let profile = try SimulationTests.profile(id)
        var model = TargetModel(profile: profile)
        model.coldStart = .unknown
        let target = SimulationTarget(profile: profile, model: model)
        var options = SimulationOptions(seed: 1)
        options.functionUsage = true
        return try Simulator.run(w, targets: [target], options: options).targets[0]
    }

    @Test func flexConcurrencyFollowsInstanceMemory() throws {
        let model = TargetModel(profile: try SimulationTests.profile("azure-flex"))
        #expect(model.concurrency(memoryMB: 512, trigger: .http) == 4)
        #expect(model.concurrency(memoryMB: 2048, trigger: .http) == 16)
        #expect(model.concurrency(memoryMB: 4096, trigger: nil) == 32)
        #expect(model.concurrency(memoryMB: 2048, trigger: .queue) == 24)
        #expect(model.concurrency(memoryMB: 2048, trigger: .timer) == 1)
        var capped = model
        capped.concurrencyCap = 1
        #expect(capped.concurrency(memoryMB: 4096, trigger: .http) == 1 && capped.highestConcurrency == 1)
        let consumption = TargetModel(profile: try SimulationTests.profile("azure-consumption"))
        #expect(consumption.concurrency(memoryMB: 1536, trigger: .http) == 100)
        #expect(consumption.concurrency(memoryMB: 1536, trigger: .queue) == 24)
        #expect(TargetModel(profile: try SimulationTests.profile()).highestConcurrency == 1)
    }

    @Test func flexBillsEachInstancesActivePeriodWithItsMinimumAndSteps() throws {
        // Three overlapping 300 ms calls on one 2,048 MB instance: active 0–0.5 s, billed as the
        // 1,000 ms minimum (three per-call bills would be 900 ms, or 3,000 ms at the minimum);
        // a 1,234 ms call 100 s later on the same warm instance: 1,300 ms. 2,300 ms × 2 GB.
        let o = try Self.run(Self.calls([0, 0.1, 0.2, 100], [300, 300, 300, 1234], memoryMB: 2048), "azure-flex")
        #expect(o.total.peakInstances == 1 && o.total.coldStarts == 1)
        let usage = try #require(o.functions[0].usage)
        let shape = Shape(memoryMB: 2048, vcpu: 1)
        #expect(usage.executionMs == [shape: 2300])
        #expect(abs(o.functions[0].outcome.billedGBSeconds - 2.3 * 2) < 1e-9)
        let profile = try SimulationTests.profile("azure-flex")
        var expected = UsageSummary(days: 1)
        expected.invocations = 4
        expected.coldStarts = 1
        expected.executionMs = [shape: 2300]
        #expect(o.bill == (try BillingEngine.price(expected, on: profile)))
    }

    @Test func flexSequentialCallsPayTheMinimumEachConcurrentOnesShareIt() throws {
        // The two patterns a user asked Microsoft about (learn.microsoft.com/en-us/answers/a/12389275),
        // on 2,048 MB: two 200 ms calls 2.5 s apart on one warm instance are two active periods,
        // 1,000 ms each; five 300 ms calls at once on one instance are one period, 1,000 ms.
        let apart = try Self.run(Self.calls([0, 2.7], [200, 200], memoryMB: 2048), "azure-flex")
        #expect(apart.total.peakInstances == 1 && apart.functions[0].usage?.executionMs == [Shape(memoryMB: 2048, vcpu: 1): 2000])
        let together = try Self.run(Self.calls([0, 0, 0, 0, 0], [300, 300, 300, 300, 300], memoryMB: 2048), "azure-flex")
        #expect(together.total.peakInstances == 1 && together.functions[0].usage?.executionMs == [Shape(memoryMB: 2048, vcpu: 1): 1000])
    }

    @Test func flexFillsASmallInstanceAtFourCalls() throws {
        // Five calls at once on 512 MB instances (4 calls each): two instances, each active 1 s.
        let o = try Self.run(Self.calls([0, 0, 0, 0, 0], [1000, 1000, 1000, 1000, 1000], memoryMB: 512), "azure-flex")
        #expect(o.total.peakInstances == 2 && o.total.coldStarts == 2)
        #expect(o.functions[0].usage?.executionMs == [Shape(memoryMB: 512, vcpu: Decimal(string: "0.25")!): 2000])
        // A memory between two sizes runs and is billed as the next size up.
        let between = try Self.run(Self.calls([0], [100], memoryMB: 1000), "azure-flex")
        #expect(between.functions[0].memoryMB == 2048)
        #expect(between.functions[0].usage?.executionMs == [Shape(memoryMB: 2048, vcpu: 1): 1000])
    }

    @Test func flexAlwaysReadyActivePeriodsAreBilledAtTheExecutionRate() throws {
        // One always-ready 2,048 MB instance serves both overlapping calls: active 0–0.4 s, billed
        // 1,000 ms as always-ready execution, not on demand.
        let o = try Self.run(Self.calls([0, 0.1], [300, 300], memoryMB: 2048, provisioned: 1), "azure-flex")
        #expect(o.total.coldStarts == 0)
        let usage = try #require(o.functions[0].usage)
        let shape = Shape(memoryMB: 2048, vcpu: 1)
        #expect(usage.executionMs.isEmpty)
        #expect(usage.provisionedExecutionMs == [shape: 1000])
        #expect(usage.provisionedMs == [shape: 86_400_000])
    }

    @Test func consumptionBillsTheInstancesActivePeriodsWhileCallsShareIt() throws {
        // The same calls on Consumption: one instance serves them all (100 HTTP calls at once),
        // and Microsoft bills the process's memory over its active periods, concurrency taken
        // into account: 0–0.5 s (three overlapping 300 ms calls) and 100–101.234 s, 1,734 ms at
        // 1,536 MB, not 300 + 300 + 300 + 1,234 = 2,134 ms as when each execution paid alone.
        let o = try Self.run(Self.calls([0, 0.1, 0.2, 100], [300, 300, 300, 1234], memoryMB: 1536), "azure-consumption")
        #expect(o.total.peakInstances == 1 && o.total.coldStarts == 1)
        #expect(o.functions[0].usage?.executionMs == [Shape(memoryMB: 1536, vcpu: 0): 1734])
        // Short overlapping calls make one 7 ms period, which pays the 100 ms minimum once.
        let short = try Self.run(Self.calls([0, 0.001, 0.002], [5, 5, 5], memoryMB: 1536), "azure-consumption")
        #expect(short.functions[0].usage?.executionMs == [Shape(memoryMB: 1536, vcpu: 0): 100])
        // Apart (no overlap), each call is its own period and pays the minimum: 3 × 100 ms.
        let apart = try Self.run(Self.calls([0, 10, 20], [5, 5, 5], memoryMB: 1536), "azure-consumption")
        #expect(apart.functions[0].usage?.executionMs == [Shape(memoryMB: 1536, vcpu: 0): 300])
    }

    @Test func consumptionTakesQueueMessagesInBatches() throws {
        // 30 queue messages at once: 24 per instance (a batch of 16 plus 8), so two instances.
        let o = try Self.run(Self.calls([Double](repeating: 0, count: 30), [Double](repeating: 1000, count: 30), trigger: .queue,
                                        memoryMB: 256), "azure-consumption")
        #expect(o.total.peakInstances == 2 && o.total.coldStarts == 2 && o.total.throttled == 0)
    }

    @Test func fastPathPlansActivePeriodsWithAMinimum() throws {
        // A busy function on Flex (16 calls per 2,048 MB instance), whose periods pay at least
        // 1,000 ms: one instance serves every call, so it is planned per minute, its periods'
        // minimum from their modelled lengths (`ActivePeriods`; `ActivePeriodTests` hold the bill
        // to the exact replay's).
        var f = FastPathTests.binned(FastPathTests.swinging, percentiles: [20, 40, 60, 80, 100, 120, 150])
        f.memoryMB = 2048
        let flex = try SimulationTests.profile("azure-flex")
        let model = TargetModel(profile: flex)
        let clock = BillingClock(try #require(flex.billing))
        var crossings: [Int: FastPlan.Crossings] = [:]
        let plan = try FastPlan.make(f, model: model, concurrency: 16, provisioned: 0, timeoutMs: model.timeoutMs, mode: .exponential,
                                     clock: clock, spanMinutes: 1440, crossings: &crossings).get()
        // Calls of 20–150 ms at about 40 a minute rarely overlap: nearly every call opens a
        // period billed 1,000 ms.
        let calls = Double(FastPathTests.swinging.reduce(0) { $0 + Int($1) })
        let active = Double(try #require(plan.activeMs))
        #expect(active > 0.9 * calls * 1000 && active < calls * 1000, "\(active) ms for \(calls) calls")
    }

    @Test func lambdaBillsTheFunctionsEphemeralStorage() throws {
        // Two 1 s calls (one cold, no init time) with 1,024 MB of /tmp: 512 MB above the free
        // 512 MB over the 2,000 ms billed; the function carries that line of the bill.
        var w = Self.calls([0, 10], [1000, 1000], memoryMB: 512)
        w.apps[0].functions[0].ephemeralStorageMB = 1024
        let o = try Self.run(w, "aws-lambda-x86")
        #expect(o.functions[0].usage?.storageMs == [512: 2000])
        let bill = try #require(o.bill)
        #expect(bill.quantities.storageGBSeconds == Decimal(512 * 2000) / 1_024_000 * 30)
        #expect(bill.storage == bill.quantities.storageGBSeconds * Decimal(string: "0.0000000309")!)
        #expect(try Self.run(Self.calls([0, 10], [1000, 1000], memoryMB: 512), "aws-lambda-x86").bill?.storage == 0)
    }
}
