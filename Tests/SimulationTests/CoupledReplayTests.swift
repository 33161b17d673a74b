import Formatting
import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// The account-wide concurrency quota and the pre-warmed pool: what couples a target's functions
/// (`CoupledReplay`), on scenarios checked by hand.
struct CoupledReplayTests {
    static func model(quota: Int?) -> TargetModel {
        TargetModel(id: "aws-lambda-x86", keepAlive: .fixed(idleSeconds: 600), coldStart: .fixed(ms: 0), accountConcurrency: quota)
    }

    /// Three functions of three apps, each alone under a quota of 3: two synchronous calls at 0 s,
    /// two queued ones at 0.5 s, one synchronous at 0.7 s; every call 1 s.
    static let threeApps: Workload = {
        let a = SimulationTests.exact("a", "sync", trigger: .http, starts: [0, 0], durationMs: 1000)
        let b = SimulationTests.exact("b", "queue", trigger: .queue, starts: [0.5, 0.5], durationMs: 1000)
        let c = SimulationTests.exact("c", "late", trigger: .http, starts: [0.7], durationMs: 1000)
        return Workload(apps: [AppWorkload(key: "a", functions: [a]), AppWorkload(key: "b", functions: [b]),
                               AppWorkload(key: "c", functions: [c])], spanMinutes: 5)
    }()

    static func conserved(_ o: TargetOutcome) -> Bool {
        o.functions.allSatisfy { $0.outcome.served + $0.outcome.rejected == $0.outcome.invocations }
            && o.total.served + o.total.rejected == o.total.invocations
            && o.total.invocations == o.functions.reduce(0) { $0 + $1.outcome.invocations }
    }

    @Test func sharedQuotaThrottlesWhatNoFunctionAloneWould() throws {
        let shared = try SimulationTests.run(Self.threeApps, Self.model(quota: 3))
        let a = shared.functions[0].outcome, b = shared.functions[1].outcome, c = shared.functions[2].outcome
        // At 0.5 s the account has 3 calls in flight: the second queued call waits for the first
        // completion anywhere (1 s), then starts a second instance of its own function.
        #expect((a.invocations, a.throttled, a.served) == (2, 0, 2))
        #expect((b.invocations, b.throttled, b.delayed, b.rejected, b.served) == (2, 1, 1, 0, 2))
        #expect(b.latencyMs.p50 == 1000 && b.latencyMs.p99 == 1500)
        #expect(b.coldStarts == 2)
        // At 0.7 s: 3 in flight (the held call is not): the synchronous call is rejected.
        #expect((c.invocations, c.throttled, c.rejected, c.served) == (1, 1, 1, 0))
        #expect((shared.total.throttled, shared.total.rejected, shared.total.delayed) == (2, 1, 1))
        #expect(Self.conserved(shared))
        #expect(shared.notes.contains { $0.contains("is shared by all functions") && $0.contains("rejected 1 synchronous calls and delayed 1") })
        // Without an account quota, or with each function on its own, nothing is throttled.
        let free = try SimulationTests.run(Self.threeApps, Self.model(quota: nil))
        #expect(free.total.throttled == 0)
        #expect(free.functions[1].outcome.latencyMs.p99 == 1000)
        for f in 0..<3 {
            let alone = Workload(apps: [Self.threeApps.apps[f]], spanMinutes: 5)
            #expect(try SimulationTests.run(alone, Self.model(quota: 3)).total.throttled == 0)
        }
    }

    @Test func heldCallsTakeFreedPlacesFirstInFirstOut() throws {
        // Quota 2, every call 1 s: six queued calls of q at 0 s (two start, four held), one
        // queued call of r at 0.5 s (held behind them), one synchronous call of s at 1.5 s (two
        // in flight and calls held: rejected). Each completion frees one place for the call held
        // longest: q's third and fourth start at 1 s, its fifth and sixth at 2 s, r's at 3 s.
        let q = SimulationTests.exact("q", "queue", trigger: .queue, starts: [0, 0, 0, 0, 0, 0], durationMs: 1000)
        let r = SimulationTests.exact("r", "queue", trigger: .queue, starts: [0.5], durationMs: 1000)
        let s = SimulationTests.exact("s", "sync", trigger: .http, starts: [1.5], durationMs: 1000)
        let workload = Workload(apps: [AppWorkload(key: "q", functions: [q]), AppWorkload(key: "r", functions: [r]),
                                       AppWorkload(key: "s", functions: [s])], spanMinutes: 5)
        let outcome = try SimulationTests.run(workload, Self.model(quota: 2))
        let oq = outcome.functions[0].outcome, or = outcome.functions[1].outcome, os = outcome.functions[2].outcome
        #expect((oq.invocations, oq.served, oq.delayed, oq.rejected) == (6, 6, 4, 0))
        #expect(oq.latencyMs.p50 == 2000 && oq.latencyMs.p99 == 3000)
        #expect(oq.peakInstances == 2)
        #expect((or.served, or.delayed) == (1, 1))
        #expect(or.latencyMs.p50 == 3500)
        #expect((os.invocations, os.rejected, os.served) == (1, 1, 0))
        #expect(Self.conserved(outcome))
    }

    @Test func aLongQueueOfHeldCallsDrainsAtTheQuotasPace() throws {
        // 20,000 queued calls at once under a quota of 100, 1 s each: they run in 200 waves, the
        // last starting at 199 s; the mean latency is the mean wave (99.5) + 1 s.
        let q = SimulationTests.exact("q", "queue", trigger: .queue, starts: [Double](repeating: 0, count: 20_000), durationMs: 1000)
        let outcome = try SimulationTests.run(Workload(apps: [AppWorkload(key: "q", functions: [q])], spanMinutes: 5),
                                              Self.model(quota: 100))
        let o = outcome.functions[0].outcome
        #expect((o.invocations, o.served, o.delayed) == (20_000, 20_000, 19_900))
        // Wave w (0-based) waits w s: the 10,000th latency is 100 s, the 19,800th 198 s (the
        // latency histogram keeps them to 1 %).
        #expect(abs(o.latencyMs.p50 - 100_000) <= 1_000 && abs(o.latencyMs.p99 - 198_000) <= 1_980, "\(o.latencyMs)")
        #expect(o.peakInstances == 100)
        // Each instance is held from 0 s to the end of the 5-minute window.
        #expect(abs(o.instanceSeconds - 100 * 300) < 1e-6)
        #expect(Self.conserved(outcome))
    }

    @Test func heldCallsOlderThanTheMaximumAgeAreDiscarded() throws {
        // The same 20,000 queued calls, held at most 30 s: waves 0–30 start (a wave that frees
        // its places at 31 s finds the rest 31 s old), the other 16,900 are discarded unserved.
        let q = SimulationTests.exact("q", "queue", trigger: .queue, starts: [Double](repeating: 0, count: 20_000), durationMs: 1000)
        var model = Self.model(quota: 100)
        model.heldMaxAgeSeconds = 30
        let outcome = try SimulationTests.run(Workload(apps: [AppWorkload(key: "q", functions: [q])], spanMinutes: 5), model)
        let o = outcome.functions[0].outcome
        #expect((o.invocations, o.served, o.delayed, o.rejected, o.throttled) == (20_000, 3_100, 3_000, 16_900, 19_900))
        #expect(abs(o.latencyMs.p99 - 31_000) <= 310, "\(o.latencyMs)")
        #expect(Self.conserved(outcome))
        #expect(outcome.notes.contains { $0.contains("delayed 19900 asynchronous ones, of which 16900 waited longer than 30.0 s and were discarded unserved") })
        // Lambda's profile holds them 6 hours.
        #expect(TargetModel(profile: try SimulationTests.profile()).heldMaxAgeSeconds == 6 * 3600)
        #expect(Numbers.duration(seconds: 6 * 3600, .exact) == "6 h")
    }

    @Test func callsTheirUnitDelaysHoldNoPlaceWhileTheyWait() throws {
        // Quota 2; q may run one instance (queued calls at 0 s, 1 s each: they start at 0, 1 and
        // 2 s). Synchronous calls of four other functions: at 0.5 s one call (q's) is in flight,
        // so it is served; at 0.6 s two are (rejected); at 1.2 s q's second took its first's place
        // and the 0.5 s call still runs (rejected); at 1.7 s only q's second runs (served).
        let q = SimulationTests.exact("q", "queue", trigger: .queue, starts: [0, 0, 0], durationMs: 1000)
        var apps = [AppWorkload(key: "q", functions: [q])]
        for (i, t) in [0.5, 0.6, 1.2, 1.7].enumerated() {
            apps.append(AppWorkload(key: "s\(i)", functions: [SimulationTests.exact("s\(i)", "sync", trigger: .http, starts: [t], durationMs: 1000)]))
        }
        var model = Self.model(quota: 2)
        model.maxInstances = 1
        let o = try SimulationTests.run(Workload(apps: apps, spanMinutes: 5), model)
        let oq = o.functions[0].outcome
        #expect((oq.served, oq.delayed, oq.latencyMs.p99) == (3, 2, 3000))
        #expect(o.functions.dropFirst().map(\.outcome.served) == [1, 0, 0, 1])
        #expect(o.notes.contains { $0.contains("rejected 2 synchronous calls and delayed 0") })
        #expect(Self.conserved(o))
        // q alone: its delayed calls never overlap its running one, so the bound is 1 (from their
        // arrival, it would be 3) and the quota is never reached.
        let alone = try SimulationTests.run(Workload(apps: [apps[0]], spanMinutes: 5), model)
        #expect(alone.notes.contains { $0.contains("never bound (peak bound 1 of 2") })
        // Waiting at most 1.5 s, q's third call (2 s away from an instance) is discarded in the
        // coupled replay too; the others fare as before.
        model.heldMaxAgeSeconds = 1.5
        let short = try SimulationTests.run(Workload(apps: apps, spanMinutes: 5), model)
        let sq = short.functions[0].outcome
        #expect((sq.served, sq.delayed, sq.rejected) == (2, 1, 1))
        #expect(short.functions.dropFirst().map(\.outcome.served) == [1, 0, 0, 1])
        #expect(short.notes.contains { $0.hasPrefix("1 asynchronous calls found their scaling unit at its limits") })
        #expect(Self.conserved(short))
    }

    @Test func boundKeepsTheIndependentReplayUnderTheQuota() throws {
        // The bound: per minute, each unit's most calls in flight, summed: 2 + 2 + 1 = 5.
        let five = try SimulationTests.run(Self.threeApps, Self.model(quota: 5))
        #expect(five.notes.contains { $0.contains("never bound (peak bound 5 of 5") })
        // 4 is under the bound: replayed coupled; at 0.7 s the account has 4 in flight.
        let four = try SimulationTests.run(Self.threeApps, Self.model(quota: 4))
        #expect(four.notes.contains { $0.contains("upper bound of calls in flight reached 5") && $0.hasSuffix("an account quota of 5 or more could not bind on this trace (a deployment sets it: limits.concurrency)") })
        #expect((four.total.throttled, four.functions[2].outcome.rejected) == (1, 1))
        // Under the quota the result is the independent replay's, byte for byte (but the note).
        let target = try SimulationTests.profile()
        let workload = Self.busyWorkload(seed: 3)
        func json(_ quota: Int?) throws -> String {
            var model = TargetModel(profile: target)
            model.accountConcurrency = quota
            var result = try Simulator.run(workload, targets: [SimulationTarget(profile: target, model: model)],
                                           options: SimulationOptions(seed: 4, workers: 2))
            #expect(result.targets[0].notes.filter { $0.contains("account concurrency quota") }.count == (quota == nil ? 0 : 1))
            result.targets[0].notes.removeAll { $0.contains("account concurrency quota") }
            return result.json()
        }
        #expect(TargetModel(profile: target).accountConcurrency == 1000)
        #expect(TargetModel(profile: target).maxInstances == .max)
        #expect(try json(1000) == (try json(nil)))
    }

    /// Apps of binned and exact functions, asynchronous and synchronous, some busy enough for
    /// the per-minute fast path.
    static func busyWorkload(seed: UInt64) -> Workload {
        var random = SeededRandom(seed: seed, stream: 77)
        var apps: [AppWorkload] = []
        let p = DurationPercentiles(day: 1, averageMs: 300, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: [5, 20, 100, 250, 600, 2000, 9000])
        for a in 0..<11 {
            var functions: [FunctionWorkload] = []
            for f in 0..<(1 + a % 3) {
                let key = FunctionKey(app: "app\(a)", function: "f\(f)")
                let trigger: Trigger = (a + f) % 2 == 0 ? .http : .queue
                if (a + f) % 3 == 0 {
                    var starts: [Double] = [], durations: [Double] = []
                    var t = random.uniform(0, 30)
                    while t < 3 * 3600 { starts.append(t); durations.append(random.uniform(10, 4000)); t += random.exponential(rate: 0.2) }
                    functions.append(FunctionWorkload(key: key, trigger: trigger, memoryMB: 256, calls: .exact(startSeconds: starts, durationMs: durations)))
                } else {
                    let busy = a % 4 == 1
                    let minutes = (0..<180).map(Int32.init).filter { busy || $0 % 7 == 0 }
                    let counts = minutes.map { _ in Int32(busy ? 40 + Int(random.uniform(0, 60)) : 1 + Int(random.uniform(0, 5))) }
                    functions.append(FunctionWorkload(key: key, trigger: trigger, memoryMB: 512,
                                                      calls: .binned(minutes: minutes, counts: counts, durations: [p])))
                }
            }
            apps.append(AppWorkload(key: "app\(a)", functions: functions))
        }
        return Workload(apps: apps, spanMinutes: 200)
    }

    @Test func coupledReplayWithAnUnreachedQuotaIsTheIndependentReplay() throws {
        // The coupled path's bookkeeping: with a quota no load reaches it must give what the
        // independent replay of every call gives (same instances, cold starts, latency, bill).
        for id in ["aws-lambda-x86", "azure-consumption", "cloud-run"] {
            let profile = try SimulationTests.profile(id)
            var model = TargetModel(profile: profile)
            model.accountConcurrency = 1_000_000
            let target = SimulationTarget(profile: profile, model: model)
            let workload = Self.busyWorkload(seed: 11)
            var options = SimulationOptions(seed: 9, workers: 2, fastPath: false)
            options.sliceSeconds = 1800
            let independent = try Simulator.run(workload, targets: [target], options: options).targets[0]
            let prepared = try PreparedTarget(target, workload: workload)
            var (acc, report) = CoupledReplay.run(workload, target: prepared, options: options)
            let coupled = try acc.finish(prepared, workload: workload)
            #expect(report.quotaRejected == 0 && report.quotaDelayed == 0)
            #expect(independent.total.invocations > 10_000)
            #expect(coupled.total.invocations == independent.total.invocations, "\(id)")
            #expect(coupled.total.coldStarts == independent.total.coldStarts, "\(id)")
            #expect(coupled.total.throttled == independent.total.throttled, "\(id)")
            #expect(coupled.total.latencyMs == independent.total.latencyMs, "\(id)")
            #expect(coupled.total.peakInstances == independent.total.peakInstances, "\(id)")
            #expect(coupled.bill == independent.bill, "\(id)")
            #expect(abs(coupled.total.instanceSeconds - independent.total.instanceSeconds) <= 1e-9 * independent.total.instanceSeconds, "\(id)")
            #expect(abs(coupled.total.billedGBSeconds - independent.total.billedGBSeconds) <= 1e-9 * independent.total.billedGBSeconds, "\(id)")
            for (x, y) in zip(coupled.functions, independent.functions) {
                #expect(x.outcome.invocations == y.outcome.invocations && x.outcome.coldStarts == y.outcome.coldStarts)
                #expect(x.outcome.peakInstances == y.outcome.peakInstances && x.outcome.instanceSeconds == y.outcome.instanceSeconds)
                #expect(x.outcome.latencyMs == y.outcome.latencyMs && x.outcome.billedGBSeconds == y.outcome.billedGBSeconds)
                #expect(x.outcome.monthlyCost == y.outcome.monthlyCost, "\(id) \(x.app)/\(x.function)")
            }
            for (x, y) in zip(coupled.memoryMBPerMinute, independent.memoryMBPerMinute) { #expect(abs(x - y) <= 1e-6 * max(1, y)) }
        }
    }

    @Test func quotaInvariantsAcrossSeeds() throws {
        // Conservation, and results that do not depend on the worker count, from a quota that
        // does not bind to one that throttles.
        let profile = try SimulationTests.profile()
        for seed in UInt64(1)...4 {
            let workload = Self.busyWorkload(seed: seed)
            var last = 0
            for quota in [400, 60, 20, 5] {
                var model = TargetModel(profile: profile)
                model.accountConcurrency = quota
                let target = SimulationTarget(profile: profile, model: model)
                let one = try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: seed, workers: 1))
                let two = try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: seed, workers: 2))
                #expect(one.json() == two.json(), "seed \(seed) quota \(quota)")
                let o = one.targets[0]
                #expect(Self.conserved(o), "seed \(seed) quota \(quota)")
                if o.notes.contains(where: { $0.contains("never bound") }) { #expect(o.total.throttled == 0) }
                last = o.total.throttled
            }
            #expect(last > 0)
        }
    }

    @Test func overlapBoundCountsCallsInEverySecondTheyTouch() {
        let counter = OverlapCounter(spanMinutes: 5)
        counter.add(start: 50, end: 70)       // seconds 50–69
        counter.add(start: 55.5, end: 200)    // 55–199
        counter.add(start: 61, end: 62)       // 61 only: an end on a whole second stays out of it
        counter.add(start: 250, end: 250.5)
        #expect(OverlapCounter.peak([counter]) == 3)
        // Two workers' counters add up, in any order.
        let other = OverlapCounter(spanMinutes: 5)
        other.add(start: 61.9, end: 61.95)
        #expect(OverlapCounter.peak([counter, other]) == 4 && OverlapCounter.peak([other, counter]) == 4)
        // Calls past the window fold into its last second, together.
        let late = OverlapCounter(spanMinutes: 5)
        late.add(start: 600, end: 601)
        late.add(start: 700, end: 760)
        #expect(OverlapCounter.peak([late]) == 2)
    }

    @Test(arguments: [[50.0, 100, 400, 800, 1500, 4000, 9000], [100, 300, 1000, 2000, 3000, 15_000, 200_000]])
    func fastPathBoundCoversTheExactReplay(_ percentiles: [Double]) throws {
        // A busy function replayed per minute bounds its calls in flight at least as high as the
        // exact replay of its calls finds them, also when a call may run for minutes (to 200 s:
        // it is in flight up to four minutes after its own).
        let p = DurationPercentiles(day: 1, averageMs: 800, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: percentiles)
        let f = FunctionWorkload(key: FunctionKey(app: "a", function: "f"), trigger: .http, memoryMB: 512,
                                 calls: .binned(minutes: (0..<240).map(Int32.init), counts: (0..<240).map { Int32(200 + ($0 % 17) * 40) }, durations: [p]))
        let workload = Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 250)
        let profile = try SimulationTests.profile()
        func peakBound(_ fast: Bool) throws -> (Int, TargetOutcome) {
            var model = TargetModel(profile: profile)
            model.accountConcurrency = 1_000_000
            let o = try Simulator.run(workload, targets: [SimulationTarget(profile: profile, model: model)],
                                      options: SimulationOptions(seed: 2, fastPath: fast)).targets[0]
            let note = try #require(o.notes.first { $0.contains("peak bound") })
            let number = note.components(separatedBy: "peak bound ")[1].split(separator: " ")[0]
            return (try #require(Int(number)), o)
        }
        let (fast, fastOutcome) = try peakBound(true)
        let (exact, _) = try peakBound(false)
        #expect(fastOutcome.notes.contains { $0.contains("replayed per minute") })
        #expect(exact > 10)
        #expect(fast >= exact, "fast bound \(fast), exact bound \(exact)")
        #expect(fast <= 3 * exact, "fast bound \(fast), exact bound \(exact)")
    }

    @Test func fastPathBoundDoesNotPileUpPastTheWindow() throws {
        // A busy function with calls up to the window's last minute: the minutes its calls may
        // still be in flight after the end add nothing to the last second (the last minute's own
        // bound covers them), so the peak is no higher than with the window a few minutes longer.
        let p = DurationPercentiles(day: 1, averageMs: 800, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: [50, 100, 400, 800, 1500, 4000, 9000])
        let f = FunctionWorkload(key: FunctionKey(app: "a", function: "f"), trigger: .http, memoryMB: 512,
                                 calls: .binned(minutes: (0..<240).map(Int32.init), counts: [Int32](repeating: 600, count: 240), durations: [p]))
        var crossings: [Int: FastPlan.Crossings] = [:]
        let model = TargetModel(profile: try SimulationTests.profile())
        guard case .success(let plan) = FastPlan.make(f, model: model, provisioned: 0, timeoutMs: model.timeoutMs, mode: .exponential,
                                                      clock: nil, spanMinutes: 240, crossings: &crossings) else {
            Issue.record("the busy function was refused per minute")
            return
        }
        let ending = OverlapCounter(spanMinutes: 240), longer = OverlapCounter(spanMinutes: 250)
        ending.add(plan)
        longer.add(plan)
        #expect(OverlapCounter.peak([ending]) <= OverlapCounter.peak([longer]))
    }

    // MARK: - Pre-warmed pool

    static func fission(size: Int = 2, refill: Double = 5) throws -> (Profile, TargetModel) {
        let profile = try SimulationTests.profile("fission")
        var model = TargetModel(profile: profile)
        model.coldStart = .fixed(ms: 100)
        model.prewarmedPool = PrewarmedPool(size: size, memoryMB: 128, refillSeconds: refill, missColdStart: .fixed(ms: 3000))
        return (profile, model)
    }

    @Test func poolSpecializesThenMissesAndRefills() throws {
        // Five functions' first calls: three at 0 s (two ready generic pods, then none), one at
        // 4 s (both slots refilling until 5 s), one at 6 s (refilled).
        let starts: [Double] = [0, 0, 0, 4, 6]
        let apps = starts.enumerated().map { i, t in
            AppWorkload(key: "app\(i)", functions: [SimulationTests.exact("app\(i)", "f", starts: [t], durationMs: 1000)])
        }
        let workload = Workload(apps: apps, spanMinutes: 10)
        let (_, model) = try Self.fission()
        let o = try SimulationTests.run(workload, model, profile: "fission")
        #expect(o.functions.map(\.outcome.latencyMs.p50) == [1100, 1100, 4000, 4000, 1100])
        #expect(o.total.coldStarts == 5)
        #expect(o.notes.contains { $0.contains("3 cold starts specialized a generic instance, 2 found the pool empty") })
        // The pool's two pods hold 256 MB all window, in the target's series and figures.
        #expect(o.prewarmedMemoryMB == 256)
        #expect(o.memoryMBPerMinute[9] == 256 && o.instancesPerMinute[9] == 2)
        #expect(o.instancesPerMinute.allSatisfy { $0 >= 2 })
        let functionsSeconds = o.functions.reduce(0) { $0 + $1.outcome.instanceSeconds }
        #expect(abs(o.total.instanceSeconds - (functionsSeconds + 2 * 600)) < 1e-9)
        #expect(abs(o.total.memoryGBSeconds - (functionsSeconds * 512 + 2 * 600 * 128) / 1024) < 1e-9)
        #expect(o.keepAlive.hasPrefix("pre-warmed pool of 2"))
        // A faster refill serves the 4 s call from the pool too; a bigger pool serves all.
        let quick = try SimulationTests.run(workload, try Self.fission(refill: 3).1, profile: "fission")
        #expect(quick.functions.map(\.outcome.latencyMs.p50) == [1100, 1100, 4000, 1100, 1100])
        let big = try SimulationTests.run(workload, try Self.fission(size: 4).1, profile: "fission")
        #expect(big.functions.map(\.outcome.latencyMs.p50) == [1100, 1100, 1100, 1100, 1100])
        #expect(big.memoryMBPerMinute[9] == 512)
        // A warm instance of the function itself takes no slot.
        let again = Workload(apps: [AppWorkload(key: "a", functions: [SimulationTests.exact("a", "f", starts: [0, 2, 4, 6], durationMs: 1000)])], spanMinutes: 10)
        let warm = try SimulationTests.run(again, try Self.fission(size: 1).1, profile: "fission")
        #expect(warm.total.coldStarts == 1 && warm.notes.contains { $0.contains("1 cold starts specialized a generic instance, 0 found") })
    }

    @Test func poolFromTheProfileAndAnOverride() throws {
        let fission = TargetModel(profile: try SimulationTests.profile("fission"))
        #expect(fission.prewarmedPool == PrewarmedPool(size: 3, memoryMB: 128, refillSeconds: 2, missColdStart: .fixed(ms: 3000)))
        #expect(fission.keepAlive == .fixed(idleSeconds: 120))
        let openwhisk = TargetModel(profile: try SimulationTests.profile("openwhisk"))
        #expect(openwhisk.prewarmedPool == PrewarmedPool(size: 2, memoryMB: 256, refillSeconds: 1, missColdStart: .fixed(ms: 1000)))
        #expect(TargetModel(profile: try SimulationTests.profile("knative")).prewarmedPool == nil)
        let c = try SimulationTests.catalog.overriding("fission", with: YAMLTree.parse("keepAlive: {prewarmed: 5, prewarmedRefill: 10s}"),
                                                      origin: "placer.yaml", read: "2026-11-29")
        let overridden = TargetModel(profile: try c.profile("fission"))
        #expect(overridden.prewarmedPool?.size == 5 && overridden.prewarmedPool?.refillSeconds == 10)
        // A pool without its figures is an error a user can act on.
        #expect(throws: (any Error).self) {
            _ = try SimulationTests.catalog.overriding("knative", with: YAMLTree.parse("keepAlive: {prewarmed: {value: 2, unit: containers}}"),
                                                       origin: "placer.yaml", read: "2026-11-29")
        }
    }

    @Test func poolAndQuotaSameBytesWhateverTheWorkers() throws {
        var apps: [AppWorkload] = []
        for a in 0..<40 {
            let p = DurationPercentiles(day: 1, averageMs: 200, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: [5, 10, 50, 150, 300, 900, 2000])
            let key = String(format: "app%03d", a)
            apps.append(AppWorkload(key: key, functions: [
                FunctionWorkload(key: FunctionKey(app: key, function: "f"), trigger: a % 3 == 0 ? .queue : .http, memoryMB: 300,
                                 calls: .binned(minutes: [0, 3, 4, 60], counts: [Int32(a % 7 + 1), 2, 40, 1], durations: [p])),
            ]))
        }
        let workload = Workload(apps: apps, spanMinutes: 90)
        let lambda = try SimulationTests.profile()
        var tight = TargetModel(profile: lambda)
        tight.accountConcurrency = 6
        let targets = [SimulationTarget(profile: try SimulationTests.profile("fission")),
                       SimulationTarget(profile: try SimulationTests.profile("openwhisk")),
                       SimulationTarget(profile: lambda, model: tight)]
        let one = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 5, workers: 1))
        let two = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 5, workers: 2)).json()
        #expect(one.json() == two)
        #expect(one.targets[2].total.throttled > 0)
        #expect(one.targets.allSatisfy(Self.conserved))
        for slice in [7.0, 60, 1e12] {
            var options = SimulationOptions(seed: 5, workers: 2)
            options.sliceSeconds = slice
            options.coupledSliceSeconds = slice
            #expect(try Simulator.run(workload, targets: targets, options: options).json() == two, "slice \(slice)")
        }
    }
}
