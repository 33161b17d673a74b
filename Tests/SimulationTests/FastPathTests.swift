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

    /// The tolerances of the per-minute path on traces of a few to a few hundred calls a minute:
    /// the same invocations, billed GB-s within 0.5 %, instance-seconds within 8 %, peak within 2,
    /// cold starts within 30 %, p50 within 3 % and p99 within 8 % (where a table's quantile function
    /// leaps from 2.5 s to 9 s within its top percent, the exact path's own sampled p99 moves by
    /// several percent from seed to seed). Prints both sides under `label`.
    static func expectWithinTolerance(_ fast: TargetOutcome, _ exact: TargetOutcome, _ label: String,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        let a = fast.total, b = exact.total
        func off(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(abs(y), 1e-9) }
        print("fast path \(label): cold \(a.coldStarts)/\(b.coldStarts) peak \(a.peakInstances)/\(b.peakInstances) inst-s \(a.instanceSeconds)/\(b.instanceSeconds) GB-s \(a.billedGBSeconds)/\(b.billedGBSeconds) p50 \(a.latencyMs.p50)/\(b.latencyMs.p50) p99 \(a.latencyMs.p99)/\(b.latencyMs.p99)")
        #expect(perMinute(fast) && !perMinute(exact), "\(label)", sourceLocation: sourceLocation)
        #expect(a.invocations == b.invocations, "\(label)", sourceLocation: sourceLocation)
        #expect(off(a.billedGBSeconds, b.billedGBSeconds) < 0.005, "\(label) billed GB-s", sourceLocation: sourceLocation)
        #expect(off(a.instanceSeconds, b.instanceSeconds) < 0.08, "\(label) instance-seconds", sourceLocation: sourceLocation)
        #expect(abs(a.peakInstances - b.peakInstances) <= 2, "\(label) peak", sourceLocation: sourceLocation)
        #expect(off(Double(a.coldStarts), Double(b.coldStarts)) < 0.3, "\(label) cold starts", sourceLocation: sourceLocation)
        #expect(off(a.latencyMs.p50, b.latencyMs.p50) < 0.03 && off(a.latencyMs.p99, b.latencyMs.p99) < 0.08, "\(label) latency",
                sourceLocation: sourceLocation)
    }

    static func lambda(coldStart: ColdStartModel) throws -> TargetModel {
        var model = TargetModel(profile: try SimulationTests.profile())
        model.keepAlive = .fixed(idleSeconds: 600)
        model.coldStart = coldStart
        return model
    }

    /// Every call is either in a unit the per-minute path took or counted under the reason it
    /// declined its unit (`TargetOutcome.perCallReasons`, what `placer bench trace` prints).
    @Test func declinedUnitsAreCountedByReason() throws {
        func function(_ app: String, _ counts: [Int32]) -> AppWorkload {
            var f = Self.binned(counts, percentiles: [Double](repeating: 200, count: 7))
            f.key = FunctionKey(app: app, function: "f")
            return AppWorkload(key: app, functions: [f])
        }
        let workload = Workload(apps: [function("busy", [Int32](repeating: 60, count: 1440)),
                                       function("light", [Int32](repeating: 4, count: 1440)),
                                       function("few", [Int32](repeating: 2, count: 100))],
                                spanMinutes: 1440)
        let target = SimulationTarget(profile: try SimulationTests.profile(), model: try Self.lambda(coldStart: .fixed(ms: 100)))
        for fast in [true, false] {
            let o = try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: 3, fastPath: fast)).targets[0]
            #expect(o.total.invocations == 86_400 + 5_760 + 200)
            #expect(o.perMinuteCalls == (fast ? 86_400 : 0))
            #expect(o.perCallReasons == (fast ? [PerCallReason(words: "light", calls: 5_760), PerCallReason(words: "few calls", calls: 200)] : []))
        }
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

    @Test func withinToleranceOnModerateTraces() throws {
        // Three days of 8 to 40 calls a minute: a few instances, which come and go.
        let counts = (0..<4320).map { m in Int32(24 + 16 * sin(Double(m) / 1440 * 2 * Double.pi)) }
        let f = Self.binned(counts, percentiles: [5, 20, 120, 300, 700, 2500, 9000], days: 3)
        let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        let (fast, exact) = try Self.both(f, span: 4320, model: model, arrivals: .exponential)
        Self.expectWithinTolerance(fast, exact, "moderate")
    }

    /// A day of 20 to 60 calls a minute (40 on average).
    static let swinging = (0..<1440).map { m in Int32(40 + 20 * sin(Double(m) / 1440 * 2 * Double.pi)) }

    /// Calls of 0.1 s to 200 s with a mean of 4.4 s, under `FastPlan.longCallMs`: a tail a 60 s
    /// clamp would cut off.
    static let longTail = [100.0, 300, 1000, 2000, 3000, 15_000, 200_000]

    @Test func withinToleranceUpToTheLongCallBound() throws {
        // Means of 4.6 s (1.8 s to 9.6 s) and 4.4 s (a tail to 200 s), just under the bound: per
        // minute, within the busy trace's tolerances. The tail's top percent spans 15 s to 200 s,
        // so the replay's own figures wander from seed to seed (200 seeds: its mean duration's
        // standard deviation is 1.1 %, where the fast path sits on the expectation; its p99,
        // where the quantile function leaps, read 15 to 30 s over 8 seeds): there, billed GB-s
        // within 3.5 % (about 3 σ), and the p95 and the leap stand in for the p99.
        for (table, billedTolerance) in [([1800.0, 2400, 3800, 4500, 5200, 7400, 9600], 0.005), (Self.longTail, 0.035)] {
            let f = Self.binned(Self.swinging, percentiles: table)
            let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
            let (fast, exact) = try Self.both(f, span: 1440, model: model, arrivals: .exponential)
            #expect(Self.perMinute(fast) && !Self.perMinute(exact))
            let a = fast.total, b = exact.total
            func off(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(abs(y), 1e-9) }
            print("fast path near the long-call bound: cold \(a.coldStarts)/\(b.coldStarts) peak \(a.peakInstances)/\(b.peakInstances) inst-s \(a.instanceSeconds)/\(b.instanceSeconds) GB-s \(a.billedGBSeconds)/\(b.billedGBSeconds) p50 \(a.latencyMs.p50)/\(b.latencyMs.p50) p95 \(a.latencyMs.p95)/\(b.latencyMs.p95) p99 \(a.latencyMs.p99)/\(b.latencyMs.p99)")
            #expect(a.invocations == b.invocations)
            #expect(a.timedOut == 0 && b.timedOut == 0)
            #expect(off(a.billedGBSeconds, b.billedGBSeconds) < billedTolerance, "billed GB-s \(a.billedGBSeconds) vs \(b.billedGBSeconds)")
            #expect(off(a.instanceSeconds, b.instanceSeconds) < 0.08, "instance-seconds \(a.instanceSeconds) vs \(b.instanceSeconds)")
            #expect(off(Double(a.peakInstances), Double(b.peakInstances)) < 0.15, "peak \(a.peakInstances) vs \(b.peakInstances)")
            #expect(off(Double(a.coldStarts), Double(b.coldStarts)) < 0.3, "cold starts \(a.coldStarts) vs \(b.coldStarts)")
            #expect(off(a.latencyMs.p50, b.latencyMs.p50) < 0.03 && off(a.latencyMs.p95, b.latencyMs.p95) < 0.03)
            if table == Self.longTail {
                #expect(a.latencyMs.p99 > 15_000 && b.latencyMs.p99 > 15_000 && a.latencyMs.p99 < 35_000 && b.latencyMs.p99 < 35_000)
            } else {
                #expect(off(a.latencyMs.p99, b.latencyMs.p99) < 0.03)
            }
        }
    }

    @Test func longCallsReplayExactly() throws {
        // The sample's most expensive function: minutes a call (p50 225 s, top 480 s), about 150
        // in flight. No call reaches Lambda's 900 s timeout, but calls this long drift per minute
        // (`FastPlan.longCallMs`): refused for that reason, both paths replay every call alike.
        let f = Self.binned(Self.swinging, percentiles: [90_000, 120_000, 190_000, 225_000, 260_000, 370_000, 480_000])
        let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        var crossings: [Int: FastPlan.Crossings] = [:]
        let decision = FastPlan.make(f, model: model, provisioned: 0, timeoutMs: model.timeoutMs, mode: .exponential, clock: nil,
                                     spanMinutes: 1440, crossings: &crossings)
        #expect(decision.failure == .longCalls)
        let (fast, exact) = try Self.both(f, span: 1440, model: model, arrivals: .exponential)
        #expect(!Self.perMinute(fast))
        #expect(fast.total == exact.total && fast.functions[0].outcome == exact.functions[0].outcome && fast.bill == exact.bill)
        #expect(fast.total.timedOut == 0)
        #expect(abs(fast.total.latencyMs.p99 - 370_000) < 0.01 * 370_000, "p99 \(fast.total.latencyMs.p99)")
    }

    @Test func callsTheTimeoutMayCutReplayExactly() throws {
        // The long tail (to 200 s) on a 150 s timeout: a call may run past it, so the unit is
        // refused per minute for that reason; at 200 s nothing can be cut and the plan is made.
        let f = Self.binned(Self.swinging, percentiles: Self.longTail)
        var model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        var crossings: [Int: FastPlan.Crossings] = [:]
        func decide(_ timeoutMs: Double) -> FastPlan.Refusal? {
            FastPlan.make(f, model: model, provisioned: 0, timeoutMs: timeoutMs, mode: .exponential, clock: nil,
                          spanMinutes: 1440, crossings: &crossings).failure
        }
        #expect(decide(150_000) == .mayTimeOut)
        #expect(decide(200_000) == nil)
        model.timeoutMs = 150_000
        let (fast, exact) = try Self.both(f, span: 1440, model: model, arrivals: .exponential)
        #expect(!Self.perMinute(fast))
        let a = fast.functions[0].outcome, b = exact.functions[0].outcome
        // Above 150 s: (200 − 150) / (200 − 15) of the top percent, 0.27 % of the calls.
        let share = Double(a.timedOut) / Double(a.served)
        #expect(abs(share - 0.0027) < 0.001, "\(a.timedOut) of \(a.served) timed out")
        #expect(a == b && fast.total == exact.total && fast.bill == exact.bill)
        #expect(fast.total.timedOut == a.timedOut)
    }

    @Test func lightTracesWithinTolerance() throws {
        // Four days of 4 to 16 calls a minute on one-request instances: per minute, within the
        // tolerances of busier traces. On packed instances (Cloud Run) a unit this light replays
        // call by call: its billed active periods drift below 20 calls a minute.
        let counts = (0..<5760).map { m in Int32(10 + 6 * sin(Double(m) / 1440 * 2 * Double.pi)) }
        let f = Self.binned(counts, percentiles: [5, 20, 120, 300, 700, 2500, 9000], days: 4)
        let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        let (fast, exact) = try Self.both(f, span: 5760, model: model, arrivals: .exponential)
        Self.expectWithinTolerance(fast, exact, "light")
        let cloudRun = TargetModel(profile: try SimulationTests.profile("cloud-run"))
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 5760)
        let packed = try Simulator.run(workload, targets: [SimulationTarget(profile: try SimulationTests.profile("cloud-run"), model: cloudRun)],
                                       options: SimulationOptions(seed: 3, arrivals: .exponential)).targets[0]
        #expect(!Self.perMinute(packed))
    }

    @Test func lightTracesReplayExactly() throws {
        // Four days of 1 to 7 calls a minute: mostly one instance, sometimes a second or third.
        // Per minute this drifted (cold starts 129 against 107, instance-seconds +2.4 %), so units
        // under 5 calls a minute on average replay call by call.
        let counts = (0..<5760).map { m in Int32(4 + 3 * sin(Double(m) / 1440 * 2 * Double.pi)) }
        let f = Self.binned(counts, percentiles: [5, 20, 120, 300, 700, 2500, 9000], days: 4)
        let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        let (fast, exact) = try Self.both(f, span: 5760, model: model, arrivals: .exponential)
        #expect(!Self.perMinute(fast) && !Self.perMinute(exact))
        #expect(fast.total.coldStarts == exact.total.coldStarts && fast.total.instanceSeconds == exact.total.instanceSeconds)
        #expect(fast.bill == exact.bill && fast.instancesPerMinute == exact.instancesPerMinute)
    }

    @Test func withinToleranceWithQuietMinutes() throws {
        // Three days of 5 to 70 calls a minute with empty minutes between (runs of up to 6, inside
        // the 10-minute keep-alive): per minute, within the moderate trace's tolerances.
        var minutes: [Int32] = [], counts: [Int32] = []
        for m in 0..<4320 {
            let phase = m % 29
            guard phase % 7 != 0 && !(phase > 20 && phase < 27) else { continue }
            minutes.append(Int32(m))
            counts.append(Int32(36 + 30 * sin(Double(m) / 1440 * 2 * Double.pi) + Double(m % 3)))
        }
        var f = Self.binned([1], percentiles: [5, 20, 120, 300, 700, 2500, 9000], days: 3)
        if case .binned(_, _, let tables) = f.calls { f.calls = .binned(minutes: minutes, counts: counts, durations: tables) }
        let model = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        let (fast, exact) = try Self.both(f, span: 4320, model: model, arrivals: .exponential)
        Self.expectWithinTolerance(fast, exact, "quiet minutes")
    }

    @Test func withinToleranceAcrossGaps() throws {
        // Three days of busy hours parted by quiet stretches: runs of 60 to 240 minutes at 60 to 180
        // calls a minute, then 9 empty minutes (the instance surely lives: one run goes on), 11 or
        // more (it surely dies: a new run), or a night; one run ends on a minute of a single call
        // followed by 10 empty minutes, which that call's instance outlives only if it runs a
        // minute. Per minute on one-request instances (Lambda) and on one packed instance (Cloud
        // Run), within the tolerances of the traces without gaps.
        var minutes: [Int32] = [], counts: [Int32] = []
        var m = 0, run = 0
        let gaps = [10, 12, 500, 25, 10, 11, 700, 40, 10, 300, 15, 900]
        while m < 4320 {
            let length = 60 + (run * 37) % 180
            for k in 0..<length where m + k < 4320 {
                minutes.append(Int32(m + k))
                counts.append(k == length - 1 && run % 4 == 1 ? 1 : Int32(120 + 60 * sin(Double(m + k) / 97)))
            }
            m += length - 1 + gaps[run % gaps.count]
            run += 1
        }
        var f = Self.binned([1], percentiles: [5, 20, 120, 300, 700, 1500, 3000], days: 3)
        if case .binned(_, _, let tables) = f.calls { f.calls = .binned(minutes: minutes, counts: counts, durations: tables) }
        let lambda = try Self.lambda(coldStart: .lognormal(mu: log(250), sigma: 0.5))
        var cloudRun = TargetModel(profile: try SimulationTests.profile("cloud-run"))
        cloudRun.keepAlive = .fixed(idleSeconds: 600)
        for (name, model) in [("lambda", lambda), ("cloud-run", cloudRun)] {
            let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 4320)
            func run(_ fast: Bool) throws -> TargetOutcome {
                try Simulator.run(workload, targets: [SimulationTarget(profile: try SimulationTests.profile(name == "lambda" ? "aws-lambda-x86" : "cloud-run"), model: model)],
                                  options: SimulationOptions(seed: 3, arrivals: .exponential, fastPath: fast)).targets[0]
            }
            Self.expectWithinTolerance(try run(true), try run(false), "across gaps, \(name)")
        }
        // The same trace with 10 empty minutes after a busy minute instead of a single call: that
        // gap may go either way, and the unit replays call by call.
        counts = counts.map { $0 == 1 ? 90 : $0 }
        if case .binned(_, _, let tables) = f.calls { f.calls = .binned(minutes: minutes, counts: counts, durations: tables) }
        #expect(!Self.perMinute(try Self.both(f, span: 4320, model: lambda, arrivals: .exponential).fast))
    }

    @Test func packedInstanceWithinTolerance() throws {
        // Cloud Run (80 requests an instance, billed per 100 ms while a request is in flight): from
        // 0.05 to 22 calls in flight, one instance serves every call; per minute its billed active
        // time must match the exact replay's rounded busy periods. (The tables' top percent leaps
        // fivefold, so the exact path's own sampled p99 moves by about 10 % between seeds.)
        let profile = try SimulationTests.profile("cloud-run")
        let model = TargetModel(profile: profile)
        func off(_ x: Double, _ y: Double) -> Double { abs(x - y) / max(abs(y), 1e-9) }
        for (perMinute, table) in [(30.0, [5.0, 10, 40, 80, 150, 400, 2000]), (300, [20.0, 60, 150, 300, 600, 1500, 9000]),
                                   (600, [200.0, 600, 1200, 1500, 2000, 3000, 6000])] {
            let counts = (0..<1440).map { m in Int32(perMinute * (1 + 0.5 * sin(Double(m) / 1440 * 2 * Double.pi))) }
            let f = Self.binned(counts, percentiles: table)
            let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 1440)
            func run(_ fast: Bool) throws -> TargetOutcome {
                try Simulator.run(workload, targets: [SimulationTarget(profile: profile, model: model)],
                                  options: SimulationOptions(seed: 3, arrivals: .exponential, fastPath: fast)).targets[0]
            }
            let fast = try run(true), exact = try run(false)
            let a = fast.total, b = exact.total
            print("packed \(perMinute)/min: cold \(a.coldStarts)/\(b.coldStarts) peak \(a.peakInstances)/\(b.peakInstances) inst-s \(a.instanceSeconds)/\(b.instanceSeconds) GB-s \(a.billedGBSeconds)/\(b.billedGBSeconds) p50 \(a.latencyMs.p50)/\(b.latencyMs.p50) p99 \(a.latencyMs.p99)/\(b.latencyMs.p99)")
            #expect(Self.perMinute(fast) && !Self.perMinute(exact))
            #expect(a.invocations == b.invocations && a.coldStarts == b.coldStarts && a.peakInstances == b.peakInstances)
            #expect(off(a.instanceSeconds, b.instanceSeconds) < 0.01)
            #expect(off(a.billedGBSeconds, b.billedGBSeconds) < 0.01, "billed GB-s \(a.billedGBSeconds) vs \(b.billedGBSeconds)")
            #expect(off(a.latencyMs.p50, b.latencyMs.p50) < 0.03 && off(a.latencyMs.p99, b.latencyMs.p99) < 0.15)
        }
        // A load that needs a second instance replays exactly.
        let heavy = Self.binned([Int32](repeating: 6000, count: 200), percentiles: [500, 600, 700, 800, 900, 1000, 1200])
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [heavy])], spanMinutes: 200)
        let o = try Simulator.run(workload, targets: [SimulationTarget(profile: profile, model: model)],
                                  options: SimulationOptions(seed: 3, arrivals: .exponential)).targets[0]
        #expect(!Self.perMinute(o))
    }

    @Test func packedNearItsConcurrencyWithinTolerance() throws {
        // Cloud Run (80 requests an instance) at 27 to 45 calls in flight: a minute's calls in
        // flight pass 80 with a chance above e^−25, so a rule of "surely under" replayed it call by
        // call, but an arrival finds 80 in flight in far fewer than `secondInstanceAtMost` of its
        // minutes in expectation: one instance, as the exact replay has, within the tolerances.
        let profile = try SimulationTests.profile("cloud-run")
        let model = TargetModel(profile: profile)
        let table = [200.0, 400, 700, 900, 1200, 2000, 4000]
        func unit(_ perMinute: Double) -> FunctionWorkload {
            Self.binned((0..<1440).map { m in Int32(perMinute * (1 + 0.25 * sin(Double(m) / 1440 * 2 * Double.pi))) }, percentiles: table)
        }
        func chances(_ f: FunctionWorkload) -> (highest: Int, full: Double) {
            let plan = FastPlan.calls(of: f, clock: nil)!
            var highest = 0, full = 0.0
            for k in plan.minutes.indices {
                let rho = Double(plan.counts[k]) * plan.days[Int(plan.dayOf[k])].meanMs / 60_000
                let (low, values) = FastPlan.notReached(rho, calls: Double(plan.counts[k]))
                highest = max(highest, FastPlan.highest(low: low, values: values))
                full += FastPlan.reachedChance(low: low, values: values, instance: 81)
            }
            return (highest, full)
        }
        func run(_ f: FunctionWorkload, fast: Bool) throws -> TargetOutcome {
            let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 1440)
            return try Simulator.run(workload, targets: [SimulationTarget(profile: profile, model: model)],
                                     options: SimulationOptions(seed: 3, arrivals: .exponential, fastPath: fast)).targets[0]
        }
        for perMinute in [1600.0, 1800] {
            let f = unit(perMinute)
            let (highest, full) = chances(f)
            #expect(highest > 80 && full < 0.001, "\(perMinute) a minute: highest \(highest), full \(full)")
            let fast = try run(f, fast: true), exact = try run(f, fast: false)
            Self.expectWithinTolerance(fast, exact, "packed near 80, \(perMinute) a minute")
            #expect(exact.total.peakInstances == 1 && fast.total.peakInstances == 1)
        }
        // Busier, an arrival finds the instance full in about one minute of the day (2,200 a minute)
        // or in hundreds (3,000), and the exact replay starts more instances: call by call.
        for perMinute in [2200.0, 3000] {
            var crossings: [Int: FastPlan.Crossings] = [:]
            let refusal = FastPlan.make(unit(perMinute), model: model, provisioned: 0, timeoutMs: model.timeoutMs, mode: .exponential,
                                        clock: nil, spanMinutes: 1440, crossings: &crossings).failure
            #expect(refusal == .needsSecondInstance, "\(perMinute) a minute: full \(chances(unit(perMinute)).full)")
        }
        #expect(try run(unit(3000), fast: false).total.peakInstances >= 2)
    }

    @Test func unitsSizedForOnPremReplayExactly() throws {
        // On-prem sizing reads each unit's per-minute memory and calls executing and takes the
        // peak of their sum: per minute the fast path holds expectations, whose peak sits 10–16 %
        // under a replay's (measured here before this rule), so a target whose series are
        // collected replays every call, one request per instance or packed.
        let counts = (0..<1440).map { m in Int32(300 + 200 * sin(Double(m) / 1440 * 2 * Double.pi)) }
        let f = Self.binned(counts, percentiles: [20, 60, 150, 300, 600, 1500, 9000])
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 1440)
        for id in ["aws-lambda-x86", "openfaas"] {
            var target = SimulationTarget(profile: try SimulationTests.profile(id))
            // OpenFaaS Pro with its function labelled for scale to zero after 15 minutes (the
            // Community Edition keeps its replicas, which the per-minute path does not model).
            if id == "openfaas" { target.model.keepAlive = .fixed(idleSeconds: 900) }
            var options = SimulationOptions(seed: 3, arrivals: .exponential)
            #expect(Self.perMinute(try Simulator.run(workload, targets: [target], options: options).targets[0]), "\(id)")
            options.functionSeries = [id]
            let sized = try Simulator.run(workload, targets: [target], options: options).targets[0]
            #expect(!Self.perMinute(sized), "\(id)")
            #expect(sized.functions[0].series != nil)
        }
    }

    @Test func sameBytesWhateverTheWorkers() throws {
        // Busy functions (per minute) among quiet ones (per call), in apps of one and of three.
        let p = DurationPercentiles(day: 1, averageMs: 200, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: [5, 10, 50, 150, 300, 900, 2000])
        var apps: [AppWorkload] = []
        for a in 0..<40 {
            let key = String(format: "app%03d", a)
            let functions = (0..<(a % 3 == 0 ? 3 : 1)).map { f in
                let busy = (a + f) % 4 == 0
                let minutes: [Int32] = busy ? (0..<300).map { $0 } : [0, 7, 200]
                let counts: [Int32] = busy ? (0..<300).map { Int32(20 + ($0 * 7 + a) % 50) } : [3, 1, 2]
                return FunctionWorkload(key: FunctionKey(app: key, function: "f\(f)"), trigger: .http, memoryMB: 300,
                                        calls: .binned(minutes: minutes, counts: counts, durations: [p]))
            }
            apps.append(AppWorkload(key: key, functions: functions))
        }
        let workload = Workload(apps: apps, spanMinutes: 320)
        let targets = try ["aws-lambda-x86", "azure-consumption", "gcf-gen1"].map { SimulationTarget(profile: try SimulationTests.profile($0)) }
        let one = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 5, workers: 1))
        let two = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 5, workers: 2))
        #expect(Self.perMinute(one.targets[0]) && Self.perMinute(one.targets[2]))
        #expect(one.json() == two.json())
    }

    @Test func quietOrLimitedUnitsTakeTheExactPath() throws {
        let model = try Self.lambda(coldStart: .unknown)
        let table = [Double](repeating: 100, count: 7)
        // A gap the first instance may or may not idle out across (10 min keep-alive: 10 empty
        // minutes after a minute of 100 calls of 100 ms, 0.16 of which end in the next minute),
        // or too few calls: exact. Up to 9 empty minutes it surely lives, from 11 it surely dies:
        // per minute.
        func gapped(_ empty: Int) -> FunctionWorkload {
            var f = Self.binned([Int32](repeating: 100, count: 200), percentiles: table)
            f.calls = .binned(minutes: (0..<200).map { $0 < 100 ? Int32($0) : Int32($0 + empty) }, counts: [Int32](repeating: 100, count: 200),
                              durations: [DurationPercentiles(day: 1, averageMs: 100, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: table)])
            return f
        }
        #expect(!Self.perMinute(try Self.both(gapped(10), span: 220, model: model, arrivals: .exponential).fast))
        for empty in [8, 9, 11, 100] {
            #expect(Self.perMinute(try Self.both(gapped(empty), span: 320, model: model, arrivals: .exponential).fast), "\(empty) empty minutes")
        }
        var counts = [Int32](repeating: 100, count: 200)
        counts[50] = 0
        #expect(Self.perMinute(try Self.both(Self.binned(counts, percentiles: table), span: 200, model: model, arrivals: .exponential).fast))
        #expect(!Self.perMinute(try Self.both(Self.binned([Int32](repeating: 60, count: 68), percentiles: table), span: 68, model: model,
                                              arrivals: .exponential).fast))
        // Limits that would bind, short keep-alive, an instance of 2 requests that 1 call in flight
        // on average fills, provisioned: exact.
        let busy = Self.binned([Int32](repeating: 600, count: 100), percentiles: table)
        var limited = model
        limited.maxInstances = 1
        var short = model
        short.keepAlive = .fixed(idleSeconds: 90)
        var packed = model
        packed.perInstanceConcurrency = 2
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
        // Each refusal says why.
        func reason(_ f: FunctionWorkload, _ m: TargetModel, _ mode: ArrivalMode = .exponential, span: Int = 100) -> FastPlan.Refusal? {
            var crossings: [Int: FastPlan.Crossings] = [:]
            return FastPlan.make(f, model: m, provisioned: m.provisioned, timeoutMs: m.timeoutMs, mode: mode, clock: nil,
                                 spanMinutes: span, crossings: &crossings).failure
        }
        #expect(reason(busy, model) == nil)
        var clustered = model
        clustered.cluster = ClusterModel(nodes: 1_000, coresPerNode: 1_000, memoryMBPerNode: 1e9,
                                         placement: NodePlacement(rule: .binPacking, nodeChoice: .firstFit, whenFull: .queue, evictIdle: false, source: "test"),
                                         coresPerCall: 1)
        #expect(reason(busy, clustered) == .finiteCluster)
        #expect(reason(gapped(10), model, span: 220) == .idleGap)
        #expect(reason(Self.binned([Int32](repeating: 60, count: 68), percentiles: table), model, span: 68) == .fewCalls)
        #expect(reason(Self.binned([Int32](repeating: 4, count: 1100), percentiles: table), model, span: 1100) == .light)
        #expect(reason(busy, limited) == .limitsBind)
        #expect(reason(busy, packed) == .needsSecondInstance)
        #expect(reason(busy, short) == .keepAlive)
        #expect(reason(busy, warm) == .provisionedOrInstanceBilled)
        #expect(reason(busy, model, .uniform) == .arrivals && reason(varying, model, .equidistant) == .arrivals)
    }

    @Test func levelCrossingBounds() {
        // Light load: instance 1 is surely reached (any call takes it or finds it busy); every
        // instance above is uncertain; q rises towards 1 up the tail.
        let (first, light) = FastPlan.notReached(2.5, calls: 60)
        #expect(first == 2)
        #expect(light.count > 5 && light.last! > -1e-11)
        // Instance 2 is missed in a minute only if no arrival finds exactly one in flight (each
        // finds the other 59 calls' load, s = 2.5 × 59/60: (1 − s e^(−s))^60), or if none was:
        // at most P(N ≤ 1) at the minute's own load.
        let s = 2.5 * 59 / 60
        #expect(abs(light[0] - min(60 * log(1 - s * exp(-s)), log(3.5 * exp(-2.5)))) < 1e-9)
        // A quiet minute: one call at load 0.01 still surely reaches instance 1.
        #expect(FastPlan.notReached(0.01, calls: 1).0 == 2)
        // Heavy load: the first ~ρ instances are surely reached; only the right tail is uncertain.
        let (heavyFirst, heavy) = FastPlan.notReached(1000, calls: 60_000)
        #expect(heavyFirst > 1000 && heavyFirst < 1200)
        #expect(heavy.count < 400)
    }
}

extension Result {
    /// The refusal, or nil when the plan was made.
    var failure: Failure? {
        if case .failure(let reason) = self { return reason }
        return nil
    }
}
