import Testing
import Traces
@testable import Simulation

/// The schedule the HTTP backend sends is the simulator's own arrivals.
struct ScheduleTests {
    static func workload() -> Workload {
        let table = [DurationPercentiles(day: 1, averageMs: 100, count: 100, minimumMs: 5, maximumMs: 900,
                                         percentilesMs: [5, 10, 50, 90, 150, 600, 900])]
        let busy = FunctionWorkload(key: FunctionKey(app: "a", function: "busy"), memoryMB: 256,
                                    calls: .binned(minutes: [0, 1, 2, 5], counts: [30, 12, 7, 40], durations: table))
        let quiet = FunctionWorkload(key: FunctionKey(app: "a", function: "quiet"), memoryMB: 128,
                                     calls: .binned(minutes: [1, 3], counts: [2, 1], durations: table))
        let exact = FunctionWorkload(key: FunctionKey(app: "b", function: "exact"), memoryMB: 512,
                                     calls: .exact(startSeconds: [0.5, 61, 200], durationMs: [10, 20, 30]))
        return Workload(apps: [AppWorkload(key: "a", functions: [busy, quiet]), AppWorkload(key: "b", functions: [exact])], spanMinutes: 6)
    }

    @Test func sameSeedSameScheduleAndItIsTheSimulatorsArrivals() {
        let w = Self.workload()
        for seed: UInt64 in [1, 2, 99] {
            for mode in ArrivalMode.allCases {
                let a = ArrivalSchedule.calls(w, seed: seed, mode: mode)
                #expect(a == ArrivalSchedule.calls(w, seed: seed, mode: mode), "seed \(seed) \(mode)")
                #expect(a.count == 30 + 12 + 7 + 40 + 3 + 3, "seed \(seed) \(mode)")
                #expect(zip(a, a.dropFirst()).allSatisfy { $0.seconds <= $1.seconds }, "seed \(seed) \(mode)")
                // Per function, exactly the expansion the simulator replays.
                for function in w.apps.flatMap(\.functions) {
                    let expected = ArrivalExpansion.expand(function, seed: seed, mode: mode)
                    let mine = a.filter { FunctionKey(app: $0.app, function: $0.function) == function.key }
                    #expect(mine.map(\.seconds) == expected.times, "seed \(seed) \(mode) \(function.key)")
                    #expect(mine.map(\.durationMs) == expected.durationsMs, "seed \(seed) \(mode) \(function.key)")
                    #expect(mine.allSatisfy { $0.memoryMB == function.memoryMB })
                }
            }
        }
        #expect(ArrivalSchedule.calls(w, seed: 1, mode: .exponential) != ArrivalSchedule.calls(w, seed: 2, mode: .exponential))
    }

    @Test func aWindowAndASelectionKeepTheirPartOfTheWholeSchedule() {
        let w = Self.workload()
        func strip(_ calls: [ScheduledCall]) -> [String] { calls.map { "\($0.app)/\($0.function)@\($0.seconds):\($0.durationMs)" } }
        let whole = ArrivalSchedule.calls(w, seed: 5, mode: .uniform)
        let part = ArrivalSchedule.calls(w, seed: 5, mode: .uniform, from: 60, to: 180).filter { $0.function != "quiet" }
        #expect(strip(part) == strip(whole.filter { (60..<180).contains($0.seconds) && $0.function != "quiet" }))
        #expect(!part.isEmpty)
    }
}
