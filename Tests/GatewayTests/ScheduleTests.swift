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
                let a = Schedule.build(w, seed: seed, arrivals: mode)
                #expect(a == Schedule.build(w, seed: seed, arrivals: mode), "seed \(seed) \(mode)")
                #expect(a.count == 30 + 12 + 7 + 40 + 3 + 3, "seed \(seed) \(mode)")
                #expect(zip(a, a.dropFirst()).allSatisfy { $0.startSeconds <= $1.startSeconds }, "seed \(seed) \(mode)")
                // Per function, exactly the expansion the simulator replays.
                for function in w.apps.flatMap(\.functions) {
                    let expected = ArrivalExpansion.expand(function, seed: seed, mode: mode)
                    let mine = a.filter { $0.function == function.key }
                    #expect(mine.map(\.startSeconds) == expected.times, "seed \(seed) \(mode) \(function.key)")
                    #expect(mine.map(\.durationMs) == expected.durationsMs, "seed \(seed) \(mode) \(function.key)")
                    #expect(mine.allSatisfy { $0.memoryMB == function.memoryMB })
                }
            }
        }
        #expect(Schedule.build(w, seed: 1, arrivals: .exponential) != Schedule.build(w, seed: 2, arrivals: .exponential))
    }

    @Test func aWindowAndASelectionKeepTheirPartOfTheWholeSchedule() {
        let w = Self.workload()
        let whole = Schedule.build(w, seed: 5, arrivals: .uniform)
        let part = Schedule.build(w, seed: 5, arrivals: .uniform, window: 60..<180) { $0.key.function != "quiet" }
        #expect(part == whole.filter { (60..<180).contains($0.startSeconds) && $0.function.function != "quiet" })
        #expect(!part.isEmpty)
    }
}
