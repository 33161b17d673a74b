import Foundation
import Pricing
import Results
@testable import Simulation
import Testing
import Traces

/// A run split into N shards and merged gives the whole run's JSON byte for byte: counts, exact
/// sums, series, percentiles from merged histograms, bills priced once from the merged usage.
struct ShardMergeTests {
    /// Splits `workload` into `n` shards, writes each partial as JSON and reads it back (as
    /// `placer merge` does), merges them in reverse order.
    static func sharded(_ workload: Workload, _ targets: [SimulationTarget], _ options: SimulationOptions, n: Int) throws -> SimulationResult {
        var parts: [PartialRun] = []
        for k in 1...n {
            let part = try Simulator.runShard(workload, targets: targets, options: options, shard: Shard(index: k, count: n)!)
            var text = ""
            part.jsonValue().write(into: &text)
            parts.append(try PartialRun(json: try JSONNode.parse(Data(text.utf8), file: "part\(k).json"), file: "part\(k).json"))
        }
        return try Simulator.merge(parts.reversed(), targets: targets)
    }

    static func targets(_ ids: [String]) throws -> [SimulationTarget] {
        try ids.map { SimulationTarget(profile: try SimulationTests.profile($0)) }
    }

    /// Binned and exact functions, apps of one to four functions, sync and async, a busy one
    /// per app now and then (the per-minute path), over `minutes`.
    static func randomWorkload(seed: UInt64, apps: Int, minutes: Int) -> Workload {
        var random = SeededRandom(seed: seed, stream: 77)
        var list: [AppWorkload] = []
        for a in 0..<apps {
            var functions: [FunctionWorkload] = []
            for f in 0..<(1 + random.int(below: 4)) {
                let key = FunctionKey(app: "app\(a)", function: "fn\(f)")
                let trigger: Trigger = random.bernoulli(0.7) ? .http : .queue
                let memory = [128.0, 256, 700, 1536][random.int(below: 4)]
                if random.bernoulli(0.3) {
                    var t = random.uniform(0, 60), starts: [Double] = [], durations: [Double] = []
                    while t < Double(minutes) * 60 {
                        starts.append(t); durations.append(random.uniform(1, 3000))
                        t += random.bernoulli(0.2) ? random.uniform(300, 1500) : random.uniform(0.1, 40)
                    }
                    functions.append(FunctionWorkload(key: key, trigger: trigger, memoryMB: memory, calls: .exact(startSeconds: starts, durationMs: durations)))
                } else {
                    let busy = random.bernoulli(0.15)
                    var mins: [Int32] = [], counts: [Int32] = []
                    for m in 0..<minutes where busy || random.bernoulli(0.3) {
                        mins.append(Int32(m)); counts.append(Int32(1 + random.poisson(mean: busy ? 400 : 3)))
                    }
                    let p = DurationPercentiles(day: 1, averageMs: 300, count: 1, minimumMs: nil, maximumMs: nil,
                                                percentilesMs: [3, 10, 80, 250, 700, 2500, 8000])
                    functions.append(FunctionWorkload(key: key, trigger: trigger, memoryMB: memory, calls: .binned(minutes: mins, counts: counts, durations: [p])))
                }
            }
            list.append(AppWorkload(key: "app\(a)", functions: functions))
        }
        return Workload(apps: list, spanMinutes: minutes)
    }

    @Test(arguments: [1, 2, 3, 7])
    func randomWorkloadsMergeToTheWholeRunsBytes(_ n: Int) throws {
        let targets = try Self.targets(["aws-lambda-x86", "azure-consumption", "gcf-gen1", "cloud-run", "knative"])
        for seed in UInt64(1)...2 {
            let workload = Self.randomWorkload(seed: seed, apps: 14, minutes: 40)
            for exact in [false, true] {
                let options = SimulationOptions(seed: seed, arrivals: seed == 2 ? .uniform : .exponential, workers: 2, fastPath: !exact)
                let whole = try Simulator.run(workload, targets: targets, options: options).json()
                let merged = try Self.sharded(workload, targets, options, n: n).json()
                #expect(merged == whole, "seed \(seed) n \(n) exact \(exact)")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 7])
    func craftedWorkloadMergesToTheWholeRunsBytes(_ n: Int) throws {
        // Steady calls every 10 s (warm), one every 20 minutes (cold each time), an app of two
        // functions sharing instances on Azure, and a burst past Lambda's free grant.
        let steady = SimulationTests.exact("web", "api", starts: (0..<360).map { Double($0) * 10 }, durationMs: 120)
        let rare = SimulationTests.exact("cron", "nightly", starts: [0, 1200, 2400], durationMs: 4000)
        let a = SimulationTests.exact("shop", "cart", starts: (0..<100).map { Double($0) * 30 }, durationMs: 800)
        let b = SimulationTests.exact("shop", "pay", starts: (0..<100).map { Double($0) * 30 + 5 }, durationMs: 900)
        let burst = SimulationTests.exact("batch", "resize", memoryMB: 2048, starts: (0..<5000).map { Double($0) * 0.5 }, durationMs: 2500)
        let workload = Workload(apps: [AppWorkload(key: "web", functions: [steady]), AppWorkload(key: "cron", functions: [rare]),
                                       AppWorkload(key: "shop", functions: [a, b]), AppWorkload(key: "batch", functions: [burst])],
                                spanMinutes: 60)
        let targets = try Self.targets(["aws-lambda-x86", "azure-consumption", "oci-functions", "openfaas"])
        let options = SimulationOptions(seed: 4, workers: 1)
        let whole = try Simulator.run(workload, targets: targets, options: options)
        let merged = try Self.sharded(workload, targets, options, n: n)
        #expect(merged.json() == whole.json(), "n \(n)")
        // The bill is the merged usage priced once, not a sum of the shards' bills.
        #expect(merged.targets[0].usage == whole.targets[0].usage)
    }

    @Test(arguments: [2, 3])
    func accountsPerOwnerArePricedPerAccountAfterTheMerge(_ n: Int) throws {
        // Owners with free grants of their own: the merge prices each account's merged usage.
        var workload = Self.randomWorkload(seed: 6, apps: 12, minutes: 30)
        for a in workload.apps.indices where a % 4 != 3 { workload.apps[a].owner = "owner\(a % 3)" }
        workload.accounts = .perOwner
        let targets = try Self.targets(["aws-lambda-x86", "azure-consumption"])
        let options = SimulationOptions(seed: 6, workers: 2)
        let whole = try Simulator.run(workload, targets: targets, options: options)
        #expect(whole.accounts.count == 4)
        #expect(try Self.sharded(workload, targets, options, n: n).json() == whole.json(), "n \(n)")
    }

    @Test func shardsSplitAppsByAStableHash() {
        // FNV-1a 64 of the bytes: fixed values any implementation reproduces.
        #expect(Shard.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.part(app: "a", count: 7) == Int(UInt64(0xaf63_dc4c_8601_ec8c) % 7) + 1)
        #expect(Shard("2/3") == Shard(index: 2, count: 3))
        for bad in ["0/3", "4/3", "3", "1/0", "a/b", "1/2/3", "-1/2"] { #expect(Shard(bad) == nil, "\(bad)") }
        // Every app in exactly one shard.
        let keys = (0..<500).map { "app-\($0)" }
        for n in [1, 2, 7] {
            for key in keys { #expect((1...n).filter { Shard(index: $0, count: n)!.holds(app: key) }.count == 1) }
        }
    }

    @Test func missingDuplicateAndForeignShardsAreRefused() throws {
        let workload = Self.randomWorkload(seed: 9, apps: 12, minutes: 30)
        let targets = try Self.targets(["aws-lambda-x86"])
        let options = SimulationOptions(seed: 9)
        let parts = try (1...3).map { try Simulator.runShard(workload, targets: targets, options: options, shard: Shard(index: $0, count: 3)!) }
        func refusal(_ given: [PartialRun], _ targets: [SimulationTarget]) -> String {
            do { _ = try Simulator.merge(given, targets: targets); return "" } catch { return "\(error)" }
        }
        #expect(refusal([parts[0], parts[2]], targets).contains("shard 2/3 missing"))
        #expect(refusal([parts[0], parts[1], parts[1], parts[2]], targets).contains("shard 2/3 is given twice"))
        let other = try Simulator.runShard(workload, targets: targets, options: SimulationOptions(seed: 10), shard: Shard(index: 2, count: 3)!)
        #expect(refusal([parts[0], other, parts[2]], targets).contains("different inputs"))
        let half = try Simulator.runShard(workload, targets: targets, options: options, shard: Shard(index: 1, count: 2)!)
        #expect(refusal([parts[0], half, parts[2]], targets).contains("split in different ways"))
        #expect(refusal(parts, try Self.targets(["gcf-gen1"])).contains("not gcf-gen1"))
        #expect(refusal([], targets).contains("no partial"))
    }

    @Test func aQuotaThatMayBindAcrossShardsIsReportedNotMerged() throws {
        // Two apps of 30 long calls at once each: 60 in flight together, 30 in each shard's
        // view. Under a quota of 40 the whole run couples them; the merge says what to do.
        let f = SimulationTests.exact("x", "f", starts: (0..<30).map { Double($0) * 0.01 }, durationMs: 20_000)
        var g = SimulationTests.exact("y", "g", starts: (0..<30).map { Double($0) * 0.01 }, durationMs: 20_000)
        g.key = FunctionKey(app: "y", function: "g")
        // Two app keys in different shards of 2.
        var keys = ("x", "y")
        for i in 0..<200 where Shard.part(app: "x\(i)", count: 2) != Shard.part(app: "y\(i)", count: 2) { keys = ("x\(i)", "y\(i)"); break }
        var fx = f, gy = g
        fx.key = FunctionKey(app: keys.0, function: "f"); gy.key = FunctionKey(app: keys.1, function: "g")
        let workload = Workload(apps: [AppWorkload(key: keys.0, functions: [fx]), AppWorkload(key: keys.1, functions: [gy])], spanMinutes: 2)
        var target = SimulationTarget(profile: try SimulationTests.profile("aws-lambda-x86"))
        target.model.accountConcurrency = 40
        let options = SimulationOptions(seed: 1)
        let parts = try (1...2).map { try Simulator.runShard(workload, targets: [target], options: options, shard: Shard(index: $0, count: 2)!) }
        #expect(throws: ShardError.quotaMayBind(target: "aws-lambda-x86", bound: 60, quota: 40)) { try Simulator.merge(parts, targets: [target]) }
        // A quota that cannot bind merges to the whole run's bytes, its note included.
        target.model.accountConcurrency = 1000
        let whole = try Simulator.run(workload, targets: [target], options: options).json()
        let again = try (1...2).map { try Simulator.runShard(workload, targets: [target], options: options, shard: Shard(index: $0, count: 2)!) }
        #expect(try Simulator.merge(again, targets: [target]).json() == whole)
        #expect(whole.contains("never bound (peak bound 60 of 1000"))
    }

    @Test func coupledTargetsAreRefusedBeforeReplaying() throws {
        let workload = Self.randomWorkload(seed: 3, apps: 4, minutes: 10)
        var target = SimulationTarget(profile: try SimulationTests.profile("openwhisk"))
        if target.model.prewarmedPool == nil { target.model.prewarmedPool = PrewarmedPool(size: 2, memoryMB: 256, refillSeconds: 1, missColdStart: .fixed(ms: 100)) }
        #expect(throws: ShardError.self) {
            try Simulator.runShard(workload, targets: [target], options: SimulationOptions(), shard: Shard(index: 1, count: 2)!)
        }
    }
}
