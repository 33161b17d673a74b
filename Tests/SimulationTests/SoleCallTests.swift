import Foundation
import Results
import Testing
import Traces
@testable import Simulation

/// Calls that find their unit with nothing in flight skip the completion heap
/// (`InstancePool.arriveAlone`): every outcome, and the state handed to the event replay when a
/// call overlaps, is the one the event replay alone gives, bit for bit.
struct SoleCallTests {
    /// One arrival's outcome, compared field by field (NaN-safe through the bit patterns).
    struct Seen: Equatable {
        var kind: UInt8, latency: UInt64, initMs: UInt64, starts: UInt64, ends: UInt64, provisioned: Bool
        init(_ a: Arrival) {
            kind = a.kind.rawValue; latency = a.latency.bitPattern; initMs = a.initMs.bitPattern
            starts = a.starts.bitPattern; ends = a.ends.bitPattern; provisioned = a.provisioned
        }
    }

    /// The pool's state as the event replay sees it: the held call put back in the heap, the heap
    /// in its order, the idle list from its head, the slots of live instances and dead ones' reuse
    /// order, the limits' counters, and the next draw of its random stream.
    struct State: Equatable {
        var heap: [[UInt64]], idle: [Int32], partial: [[UInt32]], dead: [Int32], slots: [[UInt64]]
        var alive: Int, nextSerial: UInt32, window: UInt64, startedInWindow: Int, unitIdleSince: UInt64
        var peak: Int, started: Int, discarded: Int, seconds: UInt64, lifetimes: [[UInt64]], active: [UInt64], draw: UInt64

        init(_ pool: InstancePool) {
            var p = pool
            p.settleSole()
            var h: [[UInt64]] = []
            while let (t, i) = p.heap.popFirst(upTo: .infinity) { h.append([t.bitPattern, UInt64(i)]) }
            heap = h
            idle = Array(p.idle[p.idleHead...])
            partial = p.partial.map { [UInt32(bitPattern: $0.slot), $0.serial] }
            dead = p.deadSlots
            slots = p.slots.map {
                [$0.born.bitPattern, $0.activeSince.bitPattern, $0.expiresAt.bitPattern, UInt64(UInt32(bitPattern: $0.inFlight)),
                 UInt64(UInt32(bitPattern: $0.node)), $0.freedAt.bitPattern, UInt64($0.serial)]
            }
            alive = p.alive; nextSerial = p.nextSerial; window = p.window.bitPattern; startedInWindow = p.startedInWindow
            unitIdleSince = p.unitIdleSince.bitPattern
            peak = p.peakInstances; started = p.instancesStarted; discarded = p.discarded; seconds = p.instanceSeconds.bitPattern
            lifetimes = (p.lifetimes + p.reservedLifetimes).map { [$0.0.bitPattern, $0.1.bitPattern] }
            active = (p.activePeriodsMs + p.reservedActivePeriodsMs).map(\.bitPattern)
            draw = p.random.next()
        }
    }

    /// Replays `calls` on two pools, with and without the branch, comparing each arrival and the
    /// whole state after it, then after `finish`. Returns how many arrivals found the branch's
    /// pool holding its one call out of the heap (the branch was taken).
    static func compare(_ calls: [(Double, Double, Bool)], model: TargetModel, provisioned: Int, concurrency: Int, seed: UInt64,
                        reuse: Bool = true) -> Int {
        func pool(_ sole: Bool) -> InstancePool {
            var p = InstancePool(model: model, memoryMB: 256, endSeconds: 4000, random: SeededRandom(seed: seed, stream: 9),
                                 provisioned: provisioned, concurrency: concurrency)
            p.takesSoleCalls = sole
            p.reusesSlots = reuse
            return p
        }
        var fast = pool(true), events = pool(false), taken = 0
        for (k, call) in calls.enumerated() {
            let a = fast.arrive(at: call.0, durationMs: call.1, synchronous: call.2)
            let b = events.arrive(at: call.0, durationMs: call.1, synchronous: call.2)
            if fast.soleSlot >= 0 { taken += 1 }
            guard Seen(a) == Seen(b), State(fast) == State(events) else {
                Issue.record("seed \(seed): call \(k) at \(call.0) s (\(call.1) ms) differs: \(a) against \(b)")
                return taken
            }
        }
        fast.finish(); events.finish()
        #expect(State(fast) == State(events), "seed \(seed): after finish")
        #expect(fast.soleSlot < 0)
        return taken
    }

    /// Light schedules: gaps around the idle time, so calls are cold and warm in turn, on a
    /// half-second grid so arrivals tie with the previous call's end and with its expiry
    /// (`end + T`); zero durations; now and then a burst of overlapping calls (the event replay
    /// takes over, then hands back).
    static func schedule(_ random: inout SeededRandom, idle: Double, calls: Int = 300) -> [(Double, Double, Bool)] {
        var out: [(Double, Double, Bool)] = []
        var t = 0.0, lastEnd = 0.0
        while out.count < calls {
            let d = Double(random.int(below: 5)) * 500
            let sync = random.uniform() < 0.7
            let u = random.uniform()
            if u < 0.25 {
                t = lastEnd                                          // exactly at the end
            } else if u < 0.4 {
                t = lastEnd + idle                                   // exactly at the expiry
            } else if u < 0.5 {
                t += Double(random.int(below: 3)) * 0.5              // a burst: overlaps
            } else {
                t = max(t, lastEnd) + Double(random.int(below: Int(2 * idle / 0.5) + 4)) * 0.5
            }
            t = max(t, out.last?.0 ?? 0)
            out.append((t, d, sync))
            lastEnd = max(lastEnd, t + d / 1000)
        }
        return out
    }

    @Test(arguments: [1, 3])
    func theBranchGivesTheEventReplaysOutcomesOnRandomSchedules(concurrency: Int) {
        var taken = 0, total = 0
        for seed in UInt64(1)...60 {
            var random = SeededRandom(seed: seed)
            let idle = Double(seed % 4) * 2.5
            let calls = Self.schedule(&random, idle: idle)
            let keepAlive: KeepAlivePolicy = switch seed % 10 {
            case 7: .forkPerRequest
            case 8: .alwaysOn
            case 9: .memoryPool(poolMB: seed % 20 == 9 ? 100 : 600)
            default: .fixed(idleSeconds: idle)
            }
            var model = TargetModel(id: "t", perInstanceConcurrency: concurrency, maxInstances: 1 + Int(seed % 5),
                                    scaleOutEnvironments: seed % 3 == 0 ? 1 + Int(seed % 2) : nil, keepAlive: keepAlive,
                                    coldStart: seed % 2 == 0 ? .fixed(ms: 500) : .lognormal(mu: log(300), sigma: 0.8),
                                    heldMaxAgeSeconds: seed % 4 == 0 ? 1 : 30)
            model.activePeriodsBillInit = seed % 5 != 0
            taken += Self.compare(calls, model: model, provisioned: 0, concurrency: concurrency, seed: seed, reuse: seed % 7 != 0)
            total += calls.count
        }
        // Not vacuous: a third of the calls at least took the branch (after a burst the event
        // replay keeps the unit until all but one instance have expired).
        #expect(taken * 3 > total, "\(taken) of \(total)")
    }

    @Test func unitsTheBranchDoesNotServeStillAgree() {
        // Provisioned instances and the hybrid histogram keep every call on the event replay.
        for seed in UInt64(1)...20 {
            var random = SeededRandom(seed: seed)
            let calls = Self.schedule(&random, idle: 5)
            let keepAlive: KeepAlivePolicy = seed % 2 == 0 ? .hybridHistogram(HybridHistogram()) : .fixed(idleSeconds: 5)
            let model = TargetModel(id: "t", maxInstances: 3, keepAlive: keepAlive, coldStart: .fixed(ms: 500))
            let taken = Self.compare(calls, model: model, provisioned: seed % 2 == 0 ? 0 : 1, concurrency: 1, seed: seed)
            #expect(taken == 0, "seed \(seed)")
        }
    }

    @Test func aCallAtTheExpiryIsWarmAndJustAfterItCold() {
        // `expire(before:)` removes an instance whose expiry is strictly before the arrival.
        var pool = InstancePool(model: TargetModel(id: "t", keepAlive: .fixed(idleSeconds: 10), coldStart: .fixed(ms: 200)),
                                memoryMB: 128, endSeconds: 1000, random: SeededRandom(seed: 1))
        #expect(pool.arrive(at: 0, durationMs: 800, synchronous: true).kind == .cold)   // ends 1 s
        #expect(pool.arrive(at: 11, durationMs: 1000, synchronous: true).kind == .warm) // expiry 11 s
        #expect(pool.arrive(at: 22.000001, durationMs: 0, synchronous: true).kind == .cold)
        #expect(pool.heap.isEmpty && pool.soleSlot >= 0)
        pool.finish()
        #expect(pool.lifetimes.map { [$0.0, $0.1] } == [[0, 22], [22.000001, 22.000001 + 0.2 + 10]])
        #expect(pool.instancesStarted == 2 && pool.peakInstances == 1 && pool.slots.count == 1)
    }

    @Test func anOverlapHandsTheCallInFlightToTheHeap() {
        var pool = InstancePool(model: TargetModel(id: "t", keepAlive: .fixed(idleSeconds: 10), coldStart: .fixed(ms: 0)),
                                memoryMB: 128, endSeconds: 1000, random: SeededRandom(seed: 1))
        _ = pool.arrive(at: 0, durationMs: 2000, synchronous: true)
        #expect(pool.heap.isEmpty && pool.soleSlot == 0)
        #expect(pool.arrive(at: 1, durationMs: 2000, synchronous: true).kind == .cold)  // overlaps: a second instance
        #expect(pool.heap.count == 2 && pool.soleSlot < 0 && pool.alive == 2)
    }

    /// A light workload's whole result, with the branch and without, on cloud targets: the same
    /// JSON byte for byte (counts, bills, series, percentiles). Some functions' timeout cuts calls.
    @Test(arguments: ["aws-lambda-x86", "azure-consumption", "azure-flex", "cloud-run", "gcf-gen1"])
    func aLightWorkloadsResultIsTheSameWithTheBranchAndWithout(target: String) throws {
        for seed in UInt64(1)...3 {
            var workload = ShardMergeTests.randomWorkload(seed: seed, apps: 12, minutes: 240)
            for a in workload.apps.indices where a % 3 == 0 { workload.apps[a].functions[0].timeoutMs = 1500 }
            let targets = try ShardMergeTests.targets([target])
            var on = SimulationOptions(seed: seed, fastPath: false)
            on.functionUsage = true
            var off = on
            off.soleCalls = false
            let a = try Simulator.run(workload, targets: targets, options: on)
            let b = try Simulator.run(workload, targets: targets, options: off)
            #expect(a.targets[0].total.timedOut > 0, "seed \(seed)")
            #expect(a.json() == b.json(), "\(target) seed \(seed)")
        }
    }
}
