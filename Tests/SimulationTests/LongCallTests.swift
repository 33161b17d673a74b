import Foundation
import Pricing
import Testing
import Traces
@testable import Simulation

/// Calls run as long as the trace says (no 60 s clamp): billed in full where the target's timeout
/// allows them, cut and billed to the timeout where it does not, and their latency's tail kept.
struct LongCallTests {
    /// A target's own profile and limits, with no cold-start latency (so latencies are durations).
    static func target(_ id: String, freeTier: Bool = false) throws -> SimulationTarget {
        let profile = try SimulationTests.profile(id)
        var model = TargetModel(profile: profile)
        model.coldStart = .fixed(ms: 0)
        return SimulationTarget(profile: profile, model: model, pricing: PricingOptions(freeTier: freeTier))
    }

    static func run(_ functions: [FunctionWorkload], on target: SimulationTarget, span: Int = 1440) throws -> SimulationResult {
        let workload = Workload(apps: functions.map { AppWorkload(key: $0.key.app, functions: [$0]) }, spanMinutes: span)
        return try Simulator.run(workload, targets: [target], options: SimulationOptions(seed: 1))
    }

    static func exact(_ name: String, _ starts: [Double], _ durations: [Double], memoryMB: Double = 1024) -> FunctionWorkload {
        FunctionWorkload(key: FunctionKey(app: name, function: name), trigger: .http, memoryMB: memoryMB,
                         calls: .exact(startSeconds: starts, durationMs: durations))
    }

    static func table(_ percentiles: [Double], days: Int = 1) -> [DurationPercentiles] {
        (1...days).map { DurationPercentiles(day: $0, averageMs: percentiles[3], count: 1, minimumMs: nil, maximumMs: nil, percentilesMs: percentiles) }
    }

    @Test func drawsAreNotClampedToAMinute() {
        // A table from 100 s to 700 s: draws reach past 600 s, never past the table's top; a
        // table of zeros draws the 1 ms floor.
        let p = Self.table([100_000, 150_000, 200_000, 230_000, 260_000, 370_000, 700_000])[0]
        var random = SeededRandom(seed: 9)
        let draws = (0..<20_000).map { _ in ArrivalExpansion.duration(p, &random) }
        #expect((draws.max() ?? 0) > 600_000 && (draws.max() ?? 0) <= 700_000)
        #expect(ArrivalExpansion.duration(p, percent: 50) == 230_000)
        #expect(ArrivalExpansion.longestMs(.binned(minutes: [0], counts: [1], durations: [p])) == 700_000)
        #expect(ArrivalExpansion.longestMs(.exact(startSeconds: [0, 1], durationMs: [5, 729_000])) == 729_000)
        let zeros = Self.table([Double](repeating: 0, count: 7))[0]
        #expect(ArrivalExpansion.duration(zeros, percent: 50) == ArrivalExpansion.minDurationMs)
    }

    @Test func aLongCallIsBilledInFull() throws {
        // One 200 s call at 1,024 MB on Lambda (timeout 900 s): 200 GB-s, projected from one day
        // to 30: 6,000 GB-s at $0.0000166667 = $0.1000002 of compute, and 30 requests at $0.20
        // per million = $0.000006 (free grants off, so the figures are the rates' own).
        let target = try Self.target("aws-lambda-x86")
        let o = try Self.run([Self.exact("f", [0], [200_000])], on: target).targets[0]
        let f = o.functions[0].outcome
        #expect(f.timedOut == 0 && o.total.timedOut == 0)
        #expect(f.billedGBSeconds == 200 && o.total.billedGBSeconds == 200)
        #expect(f.latencyMs.p99 == 200_000)
        #expect(o.bill?.compute == Decimal(string: "0.1000002"))
        #expect(o.bill?.requests == Decimal(string: "0.000006"))
        #expect(o.bill?.total == Decimal(string: "0.1000062"))
        #expect(f.monthlyCost?.total == o.bill?.total)
    }

    @Test func callsPastTheTimeoutAreCutBilledToItAndCounted() throws {
        // OCI Functions (timeout 300 s): "long" runs 400 s (cut at 300 s) then 200 s; "short"
        // runs 1 s. Billed 300 + 200 s and 1 s at 1 GB: 501 GB-s, × 30 days at $0.00001417.
        let target = try Self.target("oci-functions")
        #expect(target.model.timeoutMs == 300_000)
        let long = Self.exact("long", [0, 1000], [400_000, 200_000]), short = Self.exact("short", [0], [1000])
        let result = try Self.run([long, short], on: target)
        let o = result.targets[0]
        let l = o.functions[0].outcome, s = o.functions[1].outcome
        #expect((l.invocations, l.served, l.timedOut) == (2, 2, 1))
        #expect((s.invocations, s.timedOut) == (1, 0))
        #expect(o.total.timedOut == 1)
        #expect(l.billedGBSeconds == 500 && s.billedGBSeconds == 1 && o.total.billedGBSeconds == 501)
        #expect(l.latencyMs.p99 == 300_000 && l.latencyMs.p50 == 200_000)
        #expect(o.bill?.compute == Decimal(501 * 30) * Decimal(string: "0.00001417")!)
        // The result JSON carries the count per function and in total.
        let json = try JSONSerialization.jsonObject(with: Data(result.json().utf8)) as? [String: Any]
        let t = (json?["targets"] as? [[String: Any]])?.first
        #expect(t?["timedOut"] as? Int == 1)
        let counts = (t?["functions"] as? [[String: Any]])?.map { $0["timedOut"] as? Int }
        #expect(counts == [1, 0])
    }

    @Test func percentilesReachTheRealTail() throws {
        // Every call runs 376 s: the p99 reads 376 s (exactly up to 4,096 calls; from the
        // histogram, the largest latency, also exactly), not the 60 s the clamp used to give.
        let target = try Self.target("aws-lambda-x86")
        let few = try Self.run([Self.exact("f", (0..<100).map { Double($0) * 600 }, [Double](repeating: 376_000, count: 100))], on: target)
        #expect(few.targets[0].functions[0].outcome.latencyMs.p99 == 376_000)
        let busy = FunctionWorkload(key: FunctionKey(app: "b", function: "b"), trigger: .http, memoryMB: 1024,
                                    calls: .binned(minutes: (0..<1440).map { Int32($0) }, counts: [Int32](repeating: 10, count: 1440),
                                                   durations: Self.table([Double](repeating: 376_000, count: 7))))
        let o = try Self.run([busy], on: target).targets[0]
        for p99 in [o.functions[0].outcome.latencyMs.p99, o.total.latencyMs.p99] {
            #expect(p99 == 376_000, "p99 \(p99)")
        }
        #expect(o.total.timedOut == 0)
        #expect(abs(o.total.billedGBSeconds - 14_400 * 376) < 1e-6)
    }
}
