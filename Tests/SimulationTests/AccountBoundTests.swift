import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// Only the accounts whose own bound of calls in flight may pass their quota are replayed
/// coupled (`AccountBounds`); every other account keeps its independent replay, per-minute fast
/// path included. The reference is each account replayed alone: a binding account alone is
/// replayed coupled, a free one independently, so every function's figures, the counts and the
/// billed usage of the whole run are theirs.
struct AccountBoundTests {
    static let quotaModel = TargetModel(id: "aws-lambda-x86", keepAlive: .fixed(idleSeconds: 600), coldStart: .fixed(ms: 0), accountConcurrency: 40)

    /// Account "big": 60 synchronous calls of 20 s at once (20 over a quota of 40). Account
    /// "busy": a binned function of 300 calls a minute of some 300 ms (replayed per minute) and a
    /// few exact calls. Account "small": a few exact calls. All together reach more than 40.
    static let threeAccounts: Workload = {
        let big = SimulationTests.exact("big", "burst", trigger: .http, starts: (0..<60).map { Double($0) * 0.01 }, durationMs: 20_000)
        let p = DurationPercentiles(day: 1, averageMs: 300, count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: [100, 150, 250, 300, 400, 600, 900])
        let binned = FunctionWorkload(key: FunctionKey(app: "busy", function: "steady"), trigger: .http, memoryMB: 256,
                                      calls: .binned(minutes: (0..<30).map { Int32($0) }, counts: [Int32](repeating: 300, count: 30), durations: [p]))
        let sparse = SimulationTests.exact("busy", "sparse", trigger: .queue, starts: [1, 2, 3, 400], durationMs: 5_000)
        let small = SimulationTests.exact("small", "rare", trigger: .http, starts: [0, 0.5, 700], durationMs: 2_000)
        var w = Workload(apps: [AppWorkload(key: "big", functions: [big], owner: "o-big"),
                                AppWorkload(key: "busy", functions: [binned, sparse], owner: "o-busy"),
                                AppWorkload(key: "small", functions: [small], owner: "o-small")], spanMinutes: 30)
        w.accounts = .perOwner
        return w
    }()

    static func run(_ w: Workload, _ model: TargetModel, exact: Bool = false, workers: Int = 1, seed: UInt64 = 1) throws -> SimulationResult {
        let target = SimulationTarget(profile: try SimulationTests.profile(), model: model)
        return try Simulator.run(w, targets: [target], options: SimulationOptions(seed: seed, workers: workers, fastPath: !exact))
    }

    /// A function's figures without its share of the bill (shared out over the whole target).
    struct Figures: Equatable {
        var unit: String, memoryMB: Double, outcome: Outcome
    }

    static func figures(_ f: FunctionOutcome) -> Figures {
        var o = f.outcome
        o.monthlyCost = MonthlyCost()
        return Figures(unit: f.scalingUnit, memoryMB: f.memoryMB, outcome: o)
    }

    /// Checks `whole` against each account replayed alone; returns how many accounts were coupled alone.
    @discardableResult
    static func expectEachAccountAsAlone(_ w: Workload, _ model: TargetModel, exact: Bool, seed: UInt64 = 1,
                                         _ comment: Comment = "") throws -> Int {
        let whole = try run(w, model, exact: exact, seed: seed).targets[0]
        let (numbered, count) = w.numberedAccounts()
        var byFunction: [String: FunctionOutcome] = [:]
        for f in whole.functions { byFunction["\(f.app)/\(f.function)"] = f }
        var invocations = 0, throttled = 0, rejected = 0, coldStarts = 0, perMinute = 0, coupled = 0
        var usage: UsageSummary?
        for part in numbered.splitByAccount(count: count) {
            let alone = try run(part, model, exact: exact, seed: seed).targets[0]
            if alone.notes.contains(where: { $0.contains("replayed in one time order") }) { coupled += 1 }
            for f in alone.functions {
                let mine = try #require(byFunction["\(f.app)/\(f.function)"])
                #expect(figures(mine) == figures(f), "\(f.app)/\(f.function) \(comment)")
            }
            invocations += alone.total.invocations; throttled += alone.total.throttled; rejected += alone.total.rejected
            coldStarts += alone.total.coldStarts; perMinute += alone.perMinuteCalls
            if let u = alone.usage { usage = usage.map { $0 + u } ?? u }
        }
        #expect(whole.total.invocations == invocations, comment)
        #expect(whole.total.throttled == throttled, comment)
        #expect(whole.total.rejected == rejected, comment)
        #expect(whole.total.coldStarts == coldStarts, comment)
        #expect(whole.perMinuteCalls == perMinute, comment)
        #expect(whole.usage == usage, comment)
        return coupled
    }

    @Test func onlyTheAccountOverItsQuotaIsCoupled() throws {
        for exact in [false, true] {
            let result = try Self.run(Self.threeAccounts, Self.quotaModel, exact: exact)
            let o = result.targets[0]
            // The burst's 60 calls at once: 40 in flight, 20 rejected; nothing else is throttled.
            #expect(o.functions.map(\.function) == ["burst", "steady", "sparse", "rare"])
            #expect((o.functions[0].outcome.rejected, o.total.throttled) == (20, 20))
            #expect(CoupledReplayTests.conserved(o))
            let note = try #require(o.notes.first { $0.contains("account concurrency quota") })
            #expect(note.contains("each of the 3 accounts has its own account concurrency quota (40 calls in flight)"), "\(note)")
            #expect(note.contains("1 account's own upper bound of calls in flight exceeded it (highest 60)"), "\(note)")
            #expect(note.contains("the other 2 accounts' bound stayed within it"), "\(note)")
            #expect(note.contains("the quota rejected 20 synchronous calls"), "\(note)")
            // The busy account kept its per-minute replay (9,000 calls) unless every call is replayed.
            #expect(o.perMinuteCalls == (exact ? 0 : 9_000))
            try Self.expectEachAccountAsAlone(Self.threeAccounts, Self.quotaModel, exact: exact)
            #expect(try Self.run(Self.threeAccounts, Self.quotaModel, exact: exact, workers: 3).json() == result.json())
        }
    }

    @Test func beforeTheChangeEveryAccountWasCoupled() throws {
        // The same trace as one account: the 60 calls and the others share the quota of 40, so
        // the whole trace is coupled (no per-minute path) and more calls are turned away.
        var one = Self.threeAccounts
        one.accounts = .one
        let o = try Self.run(one, Self.quotaModel).targets[0]
        #expect(o.perMinuteCalls == 0)
        #expect(o.total.throttled > 20)
    }

    @Test func noAccountOverItsQuotaKeepsEveryIndependentReplay() throws {
        // Quota 60: the burst alone reaches exactly 60, all accounts together more; none binds.
        var model = Self.quotaModel
        model.accountConcurrency = 60
        let o = try Self.run(Self.threeAccounts, model).targets[0]
        #expect(o.total.throttled == 0)
        #expect(o.perMinuteCalls == 9_000)
        let note = try #require(o.notes.first { $0.contains("account concurrency quota") })
        #expect(note.contains("never bound") && note.contains("no account's own bound exceeded its quota (highest 60)"), "\(note)")
        // The same figures as no quota at all.
        var none = model
        none.accountConcurrency = nil
        let free = try Self.run(Self.threeAccounts, none).targets[0]
        #expect(o.functions.map(Self.figures) == free.functions.map(Self.figures))
        #expect(o.bill == free.bill)
    }

    @Test func theCoarseBoundIsTheSumOfUnitsPeaks() throws {
        // 60 instances for the burst, at least one each for the others: the coarse bound of an
        // account is what its units held at once, which its calls in flight never pass.
        let (numbered, count) = Self.threeAccounts.numberedAccounts()
        let prepared = try PreparedTarget(SimulationTarget(profile: try SimulationTests.profile(), model: Self.quotaModel), workload: numbered)
        let (totals, _) = Simulator.accumulate(numbered, [prepared], apps: Array(numbered.apps.indices), options: SimulationOptions(seed: 1))
        #expect(count == 3)
        let bounds = totals[0].accountBounds
        // Owners in ascending order: o-big 0, o-busy 1, o-small 2.
        #expect(bounds[0] == 60)
        #expect((bounds[1] ?? 0) >= 2 && (bounds[1] ?? 99) <= 40)
        #expect(bounds[2] == 2)
    }

    @Test func shardsMergeWhenNoAccountMayBindAndRefuseWhenOneMay() throws {
        // Two apps of 30 calls of 20 s at once, in different shards of 2. Each its own account
        // under a quota of 40: all together reach 60, each account 30, so nothing binds and the
        // partials (through their JSON) merge to the whole run's bytes. One account for both:
        // the quota may bind across shards, and the merge says so.
        var keys = ("x", "y")
        for i in 0..<200 where Shard.part(app: "x\(i)", count: 2) != Shard.part(app: "y\(i)", count: 2) { keys = ("x\(i)", "y\(i)"); break }
        let starts = (0..<30).map { Double($0) * 0.01 }
        var w = Workload(apps: [AppWorkload(key: keys.0, functions: [SimulationTests.exact(keys.0, "f", starts: starts, durationMs: 20_000)], owner: "o1"),
                                AppWorkload(key: keys.1, functions: [SimulationTests.exact(keys.1, "g", starts: starts, durationMs: 20_000)], owner: "o2")],
                         spanMinutes: 2)
        w.accounts = .perOwner
        let target = SimulationTarget(profile: try SimulationTests.profile(), model: Self.quotaModel)
        let options = SimulationOptions(seed: 1)
        let whole = try Simulator.run(w, targets: [target], options: options)
        #expect(whole.targets[0].total.throttled == 0)
        #expect(whole.targets[0].notes.contains { $0.contains("no account's own bound exceeded its quota (highest 30)") })
        #expect(try ShardMergeTests.sharded(w, [target], options, n: 2).json() == whole.json())
        w.accounts = .one
        #expect(throws: ShardError.quotaMayBind(target: "aws-lambda-x86", bound: 60, quota: 40)) {
            try ShardMergeTests.sharded(w, [target], options, n: 2)
        }
        // One account of two apps in different shards, each app 30: 60 together, refused too.
        w.accounts = .perOwner
        w.apps[1].owner = "o1"
        #expect(throws: ShardError.quotaMayBind(target: "aws-lambda-x86", bound: 60, quota: 40)) {
            try ShardMergeTests.sharded(w, [target], options, n: 2)
        }
    }

    @Test func callsOneAfterAnotherOnOneInstanceCannotBindAQuotaOfTwo() throws {
        // Ten calls of 10 ms, 50 ms apart, in the first second: the per-second bound counts all
        // ten in that second, but one instance served them one at a time, so the account never
        // had more than one call in flight and a quota of 2 cannot bind: independent replay.
        let f = SimulationTests.exact("a", "f", trigger: .http, starts: (0..<10).map { Double($0) * 0.05 }, durationMs: 10)
        var model = Self.quotaModel
        model.accountConcurrency = 2
        let o = try Self.run(Workload(apps: [AppWorkload(key: "a", functions: [f])], spanMinutes: 1), model).targets[0]
        #expect(o.total.throttled == 0)
        let note = try #require(o.notes.first { $0.contains("account concurrency quota") })
        #expect(note.contains("never bound (peak bound 1 of 2 calls in flight") && note.contains("reached 10"), "\(note)")
    }

    /// A random trace of 12 apps over 30 minutes, each app owned by one of 4 owners (drawn from
    /// `stream`), accounts per owner.
    static func randomOwned(seed: UInt64, stream: UInt64) -> Workload {
        var w = ShardMergeTests.randomWorkload(seed: seed, apps: 12, minutes: 30)
        var random = SeededRandom(seed: seed, stream: stream)
        for a in w.apps.indices { w.apps[a].owner = "owner\(random.int(below: 4))" }
        w.accounts = .perOwner
        return w
    }

    /// Random traces with owners: each account as it is alone, whatever the quota.
    @Test(arguments: [UInt64(1), 2, 3])
    func randomAccountsAreWhatTheyAreAlone(_ seed: UInt64) throws {
        let w = Self.randomOwned(seed: seed, stream: 91)
        var sawCoupled = false, sawFree = false
        for quota in [3, 12, 40, 400] {
            var model = Self.quotaModel
            model.accountConcurrency = quota
            for exact in [false, true] {
                let coupled = try Self.expectEachAccountAsAlone(w, model, exact: exact, seed: seed, "seed \(seed) quota \(quota) exact \(exact)")
                sawCoupled = sawCoupled || coupled > 0
                sawFree = sawFree || coupled < w.numberedAccounts().count
                let target = SimulationTarget(profile: try SimulationTests.profile(), model: model)
                let one = try Simulator.run(w, targets: [target], options: SimulationOptions(seed: seed, workers: 1, fastPath: !exact)).json()
                let three = try Simulator.run(w, targets: [target], options: SimulationOptions(seed: seed, workers: 3, fastPath: !exact)).json()
                #expect(one == three, "seed \(seed) quota \(quota) exact \(exact)")
            }
        }
        // The loads and quotas reach both cases.
        #expect(sawCoupled && sawFree)
    }

    /// Accounts replayed apart from the start (`AccountBounds.replayApart`) change the time only:
    /// on random traces with owners, several quotas, with and without the per-minute path and
    /// beside a target without a quota, the result is the same byte for byte whether no account,
    /// every account, some or the guessed ones go apart; among them, the cases where every binding
    /// account went apart (nothing built again) and where one did not (built again) both occur.
    @Test(arguments: [UInt64(1), 2, 3])
    func accountsReplayedApartChangeNothing(_ seed: UInt64) throws {
        let w = Self.randomOwned(seed: seed, stream: 92)
        var free = Self.quotaModel
        free.id = "no-quota"
        free.accountConcurrency = nil
        var sawLeftOut = false, sawBuiltAgain = false
        for quota in [3, 12, 40, 400] {
            var model = Self.quotaModel
            model.accountConcurrency = quota
            let targets = [SimulationTarget(profile: try SimulationTests.profile(), model: model),
                           SimulationTarget(profile: try SimulationTests.profile(), model: free)]
            for exact in [false, true] {
                var options = SimulationOptions(seed: seed, workers: 2, fastPath: !exact)
                options.apart = .none
                let reference = try Simulator.run(w, targets: targets, options: options).json()
                for rule in [ApartRule.all, .guess, .these([0, 2]), .these([1])] {
                    options.apart = rule
                    let apart = try Simulator.run(w, targets: targets, options: options).json()
                    #expect(apart == reference, "seed \(seed) quota \(quota) exact \(exact) \(rule)")
                }
                // Which path the named accounts took: left out of the totals, and whether every
                // binding account was among them.
                let (numbered, count) = w.numberedAccounts()
                let prepared = try targets.map { try PreparedTarget($0, workload: numbered) }
                let binding = Self.bindingAccounts(numbered, prepared, count: count, options: options)
                var totals = prepared.map { Accumulator(spanMinutes: numbered.spanMinutes, target: $0) }
                let counts = prepared.map { $0.model.accountConcurrency == nil ? nil : OverlapCounter(spanMinutes: numbered.spanMinutes) }
                let named = ApartRule.these([0, 2]).accounts(numbered, prepared, accounts: count)
                let (_, left) = AccountBounds.replayApart(numbered, prepared, apart: named, totals: &totals, overall: counts, options: options)
                #expect(left[1].isEmpty)
                #expect(left[0] == binding.intersection(named))
                sawLeftOut = sawLeftOut || !left[0].isEmpty
                sawBuiltAgain = sawBuiltAgain || !binding.subtracting(named).isEmpty && !left[0].isEmpty
            }
        }
        #expect(sawLeftOut && sawBuiltAgain)
    }

    /// The accounts that bind on the first target, as a run with none apart decides them.
    static func bindingAccounts(_ w: Workload, _ prepared: [PreparedTarget], count: Int, options: SimulationOptions) -> Set<Int> {
        let (totals, overlaps) = Simulator.accumulate(w, prepared, apps: Array(w.apps.indices), options: options)
        let bounds = prepared.indices.map { t in overlaps[0][t] == nil ? nil : OverlapCounter.peak(overlaps.compactMap { $0[t] }) }
        let quotas = AccountBounds.decide(w, prepared, overall: bounds, coarse: totals.map(\.accountBounds), accounts: count, options: options)
        return Set(quotas[0]?.binding ?? [])
    }
}
