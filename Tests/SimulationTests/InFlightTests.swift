import Foundation
import Testing
import Traces
@testable import Simulation

/// The chances `InFlight` builds the per-minute busy time from.
struct InFlightTests {
    @Test func chancesAddUpToTheMeanDuration() {
        // Over every part of every lag, a call's chances of still running, times the part's
        // width, add up to its mean duration in minutes: the first call's and the others' alike.
        var random = SeededRandom(seed: 7)
        for shape in 0..<20 {
            let quantiles: [Double] = shape == 0 ? [Double](repeating: 90_000, count: 64)   // every call 1.5 min
                : (0..<256).map { _ in Double(random.next() % 400_000) / (shape % 2 == 0 ? 1 : 100) }.sorted()
            let mean = quantiles.reduce(0, +) / Double(quantiles.count) / 60_000
            let lags = InFlight.lags(quantiles.max()!)
            let (first, later) = InFlight.stillRunning(quantiles, lags: lags)
            let width = 1 / Double(InFlight.points)
            #expect(abs(first.reduce(0, +) * width - mean) < 1e-9 * max(1, mean), "shape \(shape)")
            #expect(abs(later.reduce(0, +) * width - mean) < 1e-9 * max(1, mean), "shape \(shape)")
            #expect((first + later).allSatisfy { $0 >= 0 && $0 <= 1 }, "shape \(shape)")
        }
        // Calls of exactly 1.5 minutes: the first call runs through every part of its own minute
        // and the first half of the next, surely (chances at 1 up to rounding, never above: the log
        // of 1 − p must not be NaN), and none after.
        let (first, _) = InFlight.stillRunning([Double](repeating: 90_000, count: 64), lags: 3)
        let p = InFlight.points
        #expect(first[0..<(p + p / 2)].allSatisfy { $0 > 1 - 1e-12 && !log1p(-$0).isNaN })
        #expect(first[(p + p / 2)...].allSatisfy { $0 == 0 })
    }

    @Test func steadyRateGivesTheMinutesLoad() {
        // n calls every minute: after the longest call, each minute's mean in flight, averaged over
        // its parts, is n E[D] / 60 s; the chance of idle is a real number in [0, 1].
        let table = [300.0, 1_000, 5_000, 20_000, 40_000, 70_000, 95_000]
        var f = FastPathTests.binned([Int32](repeating: 6, count: 30), percentiles: table)
        f.memoryMB = 128
        let plan = FastPlan.calls(of: f, clock: nil)!
        let flight = InFlight([plan], firstMinute: plan.firstMinute)
        let rho = 6 * plan.days[0].meanMs / 60_000
        let p = InFlight.points
        for k in 3..<28 {
            let mean = flight.means[k * p..<(k + 1) * p].reduce(0, +) / Double(p)
            #expect(abs(mean - rho) < 1e-9, "minute \(k): \(mean) against \(rho)")
        }
        #expect(flight.logIdle.allSatisfy { !$0.isNaN && $0 <= 0 })
        #expect(flight.minuteCount == 30 + InFlight.lags(plan.longestMs))
    }

    @Test func callsStartingTogetherRunWhileTheLongestRuns() {
        // One set: the same as a minute's first call. Sets of one duration each: the longest
        // alone. Two sets: 1 − (1 − P(A runs)) (1 − P(B runs)) at every moment, averaged over each
        // part, which for durations inside one part is the mean of the longer over the part.
        var random = SeededRandom(seed: 9)
        let a = (0..<128).map { _ in Double(random.next() % 150_000) }.sorted()
        let one = InFlight.longestRunning([a], lags: 4)
        let alone = InFlight.stillRunning(a, lags: 4).first
        #expect(zip(one, alone).allSatisfy { abs($0 - $1) < 1e-9 })
        let together = InFlight.longestRunning([[Double](repeating: 30_000, count: 8), [Double](repeating: 70_000, count: 8)], lags: 3)
        let longest = InFlight.stillRunning([Double](repeating: 70_000, count: 8), lags: 3).first
        #expect(zip(together, longest).allSatisfy { abs($0 - $1) < 1e-9 })
        // Two calls of 100 ms and 200 ms within the first part (5 s): busy 200 ms of it, not 300.
        let short = InFlight.longestRunning([[100], [200]], lags: 1)
        #expect(abs(short[0] - 0.2 / (60.0 / Double(InFlight.points))) < 1e-9 && short.dropFirst().allSatisfy { $0 == 0 })
    }
}
