import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// The per-minute fast path against the exact replay of the same busy traces.
struct FastPathTests {
    static func binned(_ counts: [Int32], percentiles: [Double], days: Int = 1) -> FunctionWorkload {
        let tables = (1...days).map {
            DurationPercentiles(day: $0, averageMs: percentiles[3], count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: percentiles)
        }
        return FunctionWorkload(key: FunctionKey(app: "a", function: "f"), trigger: .http, memoryMB: 512,
                                calls: .binned(minutes: (0..<Int32(counts.count)).map { $0 }, counts: counts, durations: tables))
    }

    static func both(_ f: FunctionWorkload, span: Int, model: TargetModel, arrivals: ArrivalMode)
        throws -> (fast: TargetOutcome, exact: TargetOutcome) {
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: span)
        let target = SimulationTarget(profile: try SimulationTests.profile(), model: model)
        func run(_ fast: Bool) throws -> TargetOutcome {
            try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: 3, arrivals: arrivals, fastPath: fast)).targets[0]
        }
        return (try run(true), try run(false))
    }

    static func perMinute(_ o: TargetOutcome) -> Bool { o.notes.contains { $0.contains("replayed per minute") } }

    static func lambda(coldStart: ColdStartModel) throws -> TargetModel {
        var model = TargetModel(profile: try SimulationTests.profile())
        model.keepAlive = .fixed(idleSeconds: 600)
        model.coldStart = coldStart
        return model
    }

    @Test func bitForBitWhereItIsExact() throws {
        // 60 calls a minute, 1 s apart, 2.5 s each, no init time: 3 in flight at every moment,
        // so 3 instances, 3 cold starts, and every call billed 2,500 ms. Both paths must say
        // exactly that; instance-seconds differ only by the first minute's staggered starts.
        let f = Self.binned([Int32](repeating: 60, count: 1440), percentiles: [Double](repeating: 2500, count: 7))
        let (fast, exact) = try Self.both(f, span: 1460, model: try Self.lambda(coldStart: .unknown), arrivals: .equidistant)
        #expect(Self.perMinute(fast) && !Self.perMinute(exact))
        #expect(fast.total.invocations == 86_400 && exact.total.invocations == 86_400)
        #expect(exact.total.coldStarts == 3 && exact.total.peakInstances == 3)
        for (a, b) in [(fast.total, exact.total), (fast.functions[0].outcome, exact.functions[0].outcome)] {
            #expect(a.invocations == b.invocations)
            #expect(a.coldStarts == b.coldStarts)
            #expect(a.throttled == b.throttled)
            #expect(a.peakInstances == b.peakInstances)
            #expect(a.billedGBSeconds == b.billedGBSeconds)
            #expect(a.latencyMs == b.latencyMs)
            #expect(a.monthlyCost == b.monthlyCost)
            #expect(abs(a.instanceSeconds - b.instanceSeconds) <= 3 + 1e-9, "\(a.instanceSeconds) vs \(b.instanceSeconds)")
        }
        #expect(fast.bill == exact.bill)
    }

    @Test func withinToleranceOnBusyRandomTraces() throws {
        // Two days of a diurnal load (60 to 1,140 calls a minute), durations from a skewed table,
        // log-normal cold starts, Poisson-like (exponential) arrivals.
        let counts = (0..<2880).map { m in Int32(600 + 540 * sin(Double(m) / 1440 * 2 * Double.pi)) }
        let f = Self.binned(counts, percentiles: [5, 20, 120, 300, 700, 2500, 9000], days: 2)
        for mode in [ArrivalMode.exponential] {
            let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
            let (fast, exact) = try Self.both(f, span: 2880, model: model, arrivals: mode)
            #expect(Self.perMinute(fast) && !Self.perMinute(exact))
            let a = fast.total, b = exact.total
            func off(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(abs(y), 1e-9) }
            print("fast path \(mode): cold \(a.coldStarts)/\(b.coldStarts) peak \(a.peakInstances)/\(b.peakInstances) inst-s \(a.instanceSeconds)/\(b.instanceSeconds) GB-s \(a.billedGBSeconds)/\(b.billedGBSeconds) p50 \(a.latencyMs.p50)/\(b.latencyMs.p50) p99 \(a.latencyMs.p99)/\(b.latencyMs.p99)")
            #expect(a.invocations == b.invocations)
            #expect(a.throttled == 0 && b.throttled == 0)
            #expect(off(a.billedGBSeconds, b.billedGBSeconds) < 0.005, "billed GB-s \(a.billedGBSeconds) vs \(b.billedGBSeconds)")
            #expect(off(a.instanceSeconds, b.instanceSeconds) < 0.08, "instance-seconds \(a.instanceSeconds) vs \(b.instanceSeconds)")
            #expect(off(Double(a.peakInstances), Double(b.peakInstances)) < 0.15, "peak \(a.peakInstances) vs \(b.peakInstances)")
            #expect(off(Double(a.coldStarts), Double(b.coldStarts)) < 0.3, "cold starts \(a.coldStarts) vs \(b.coldStarts)")
            #expect(off(a.latencyMs.p50, b.latencyMs.p50) < 0.03 && off(a.latencyMs.p99, b.latencyMs.p99) < 0.03)
            let seriesGap = zip(fast.instancesPerMinute, exact.instancesPerMinute).map { abs($0 - $1) }.max() ?? 0
            #expect(seriesGap < 0.25 * Double(b.peakInstances), "series differ by \(seriesGap)")
        }
    }

    @Test func quietOrLimitedUnitsTakeTheExactPath() throws {
        let model = try Self.lambda(coldStart: .unknown)
        let table = [Double](repeating: 100, count: 7)
        // A minute below 60 calls, a missing minute, or too few calls: exact.
        var counts = [Int32](repeating: 100, count: 200)
        counts[50] = 10
        #expect(!Self.perMinute(try Self.both(Self.binned(counts, percentiles: table), span: 200, model: model, arrivals: .exponential).fast))
        var gap = Self.binned([Int32](repeating: 100, count: 200), percentiles: table)
        gap.calls = .binned(minutes: (0..<200).map { $0 < 100 ? Int32($0) : Int32($0 + 1) }, counts: [Int32](repeating: 100, count: 200),
                            durations: [DurationPercentiles(day: 1, averageMs: 100, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: table)])
        #expect(!Self.perMinute(try Self.both(gap, span: 210, model: model, arrivals: .exponential).fast))
        #expect(!Self.perMinute(try Self.both(Self.binned([Int32](repeating: 60, count: 60), percentiles: table), span: 60, model: model,
                                              arrivals: .exponential).fast))
        // Limits that would bind, short keep-alive, per-instance concurrency, provisioned: exact.
        let busy = Self.binned([Int32](repeating: 600, count: 100), percentiles: table)
        var limited = model
        limited.maxInstances = 1
        var short = model
        short.keepAlive = .fixed(idleSeconds: 30)
        var packed = model
        packed.perInstanceConcurrency = 10
        var warm = model
        warm.provisioned = 1
        #expect(Self.perMinute(try Self.both(busy, span: 100, model: model, arrivals: .exponential).fast))
        // Uniform draws, or equidistant calls of varying durations, are not Poisson: exact.
        #expect(!Self.perMinute(try Self.both(busy, span: 100, model: model, arrivals: .uniform).fast))
        let varying = Self.binned([Int32](repeating: 600, count: 100), percentiles: [10, 20, 50, 100, 200, 400, 800])
        #expect(!Self.perMinute(try Self.both(varying, span: 100, model: model, arrivals: .equidistant).fast))
        for m in [limited, short, packed, warm] {
            #expect(!Self.perMinute(try Self.both(busy, span: 100, model: m, arrivals: .exponential).fast))
        }
    }

    @Test func levelCrossingBounds() {
        // Light load: every instance from the first is uncertain; q rises towards 1 up the tail.
        let (first, light) = FastPlan.notReached(2.5, calls: 60)
        #expect(first == 1)
        #expect(light.count > 5 && light.last! > -1e-11)
        // Instance 1 is missed in a minute only if no arrival finds the system empty: e^(−60·e^(−2.5)).
        #expect(abs(light[0] - (-60 * exp(-2.5))) < 1e-9)
        // Heavy load: the first ~ρ instances are surely reached; only the right tail is uncertain.
        let (heavyFirst, heavy) = FastPlan.notReached(1000, calls: 60_000)
        #expect(heavyFirst > 1000 && heavyFirst < 1200)
        #expect(heavy.count < 400)
    }
}
