import Foundation
import Testing
import Traces
@testable import Simulation

/// A dead instance's slot is reused (`InstancePool.deadSlots`): a unit's memory follows the
/// instances alive at once, and every outcome is the one a pool that never reuses a slot gives.
struct SlotReuseTests {
    @Test func aUnitHoldsSlotsForTheInstancesAliveAtOnceOnly() {
        // 10,000 calls, each after the last one's instance idled out: 10,000 cold starts, one alive
        // at a time. Without reuse the pool kept 10,000 slots.
        let model = TargetModel(id: "t", keepAlive: .fixed(idleSeconds: 60), coldStart: .fixed(ms: 100))
        var pool = InstancePool(model: model, memoryMB: 128, endSeconds: 1e9, random: SeededRandom(seed: 1))
        for k in 0..<10_000 { _ = pool.arrive(at: Double(k) * 100, durationMs: 200, synchronous: true) }
        pool.finish()
        #expect(pool.instancesStarted == 10_000)
        #expect(pool.slots.count == 1)
    }

    /// One arrival's outcome, compared field by field (NaN-safe through the bit patterns).
    struct Seen: Equatable {
        var kind: UInt8, latency: UInt64, starts: UInt64, ends: UInt64, provisioned: Bool
        init(_ a: Arrival) {
            kind = a.kind.rawValue; latency = a.latency.bitPattern; starts = a.starts.bitPattern
            ends = a.ends.bitPattern; provisioned = a.provisioned
        }
    }

    /// Everything a pool reports, for one schedule, with or without reuse.
    static func replay(_ calls: [(Double, Double, Bool)], model: TargetModel, provisioned: Int, concurrency: Int, reuse: Bool)
        -> (arrivals: [Seen], lifetimes: [[UInt64]], reserved: [[UInt64]], active: [UInt64], seconds: UInt64, peak: Int, started: Int, discarded: Int, slots: Int) {
        var pool = InstancePool(model: model, memoryMB: 256, endSeconds: 4000, random: SeededRandom(seed: 7),
                                provisioned: provisioned, concurrency: concurrency)
        pool.reusesSlots = reuse
        let seen = calls.map { Seen(pool.arrive(at: $0.0, durationMs: $0.1, synchronous: $0.2)) }
        pool.finish()
        return (seen, pool.lifetimes.map { [$0.0.bitPattern, $0.1.bitPattern] },
                pool.reservedLifetimes.map { [$0.0.bitPattern, $0.1.bitPattern] },
                pool.activePeriodsMs.map(\.bitPattern), pool.instanceSeconds.bitPattern, pool.peakInstances,
                pool.instancesStarted, pool.discarded, pool.slots.count)
    }

    @Test(arguments: [1, 3])
    func reuseChangesNoOutcomeOnRandomSchedules(concurrency: Int) {
        // Times and durations on a half-second grid, so completions, arrivals and expiries tie
        // often (the order of ties is where reuse could show); zero durations, bursts of
        // simultaneous arrivals, synchronous and asynchronous calls, provisioned instances and
        // limits that bind, a keep-alive the gaps straddle, log-normal cold starts.
        for seed in UInt64(1)...40 {
            var random = SeededRandom(seed: seed)
            var calls: [(Double, Double, Bool)] = []
            var t = 0.0
            for _ in 0..<400 {
                if random.uniform() < 0.6 { t += Double(random.int(below: 6)) * 0.5 * (random.uniform() < 0.1 ? 40 : 1) }
                calls.append((t, Double(random.int(below: 5)) * 500, random.uniform() < 0.7))
            }
            let model = TargetModel(id: "t", perInstanceConcurrency: concurrency, maxInstances: 1 + Int(seed % 6),
                                    scaleOutEnvironments: seed % 3 == 0 ? 2 : nil, keepAlive: .fixed(idleSeconds: Double(seed % 4) * 2.5),
                                    coldStart: seed % 2 == 0 ? .fixed(ms: 500) : .lognormal(mu: log(300), sigma: 0.8),
                                    heldMaxAgeSeconds: 30)
            let provisioned = Int(seed % 3)
            let reused = Self.replay(calls, model: model, provisioned: provisioned, concurrency: concurrency, reuse: true)
            let kept = Self.replay(calls, model: model, provisioned: provisioned, concurrency: concurrency, reuse: false)
            #expect(reused.arrivals == kept.arrivals, "seed \(seed)")
            #expect(reused.lifetimes == kept.lifetimes, "seed \(seed)")
            #expect(reused.reserved == kept.reserved, "seed \(seed)")
            #expect(reused.active == kept.active, "seed \(seed)")
            #expect(reused.seconds == kept.seconds, "seed \(seed)")
            #expect(reused.peak == kept.peak && reused.started == kept.started && reused.discarded == kept.discarded, "seed \(seed)")
            #expect(reused.slots <= provisioned + reused.peak, "seed \(seed)")
        }
    }

    @Test func tiedCompletionsGoInOrderOfBirthWhateverTheSlot() {
        // A (slot 0) runs 0–1 s and idles out at 11 s; C (slot 1) runs from 0.5 s to 102 s. B starts
        // cold at 100 s in A's slot 0 and ends at 102 s with C. Born after C, B is freed after it
        // (as by index in a pool that never reuses a slot), so it is the most recently freed and
        // the call at 103 s takes B. Ties broken by slot would free B first and hand the call to C.
        var pool = InstancePool(model: TargetModel(id: "t", keepAlive: .fixed(idleSeconds: 10), coldStart: .fixed(ms: 0)),
                                memoryMB: 256, endSeconds: 1000, random: SeededRandom(seed: 1))
        _ = pool.arrive(at: 0, durationMs: 1000, synchronous: true)         // A
        _ = pool.arrive(at: 0.5, durationMs: 101_500, synchronous: true)    // C
        _ = pool.arrive(at: 100, durationMs: 2000, synchronous: true)       // B, in A's slot
        #expect(pool.slots.count == 2)
        #expect(pool.arrive(at: 103, durationMs: 1000, synchronous: true).kind == .warm)
        pool.finish()
        let lives = pool.lifetimes.map { [$0.0, $0.1] }.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        #expect(lives == [[0, 11], [0.5, 112], [100, 114]])
    }
}
