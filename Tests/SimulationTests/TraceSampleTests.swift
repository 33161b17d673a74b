import Foundation
import Testing
import Traces
@testable import Simulation

/// The benchmark's sample of apps and its baseline (every call drawn, nothing replayed).
struct TraceSampleTests {
    static func workload(apps: Int) -> Workload {
        let table = [DurationPercentiles(day: 1, averageMs: 100, count: 10, minimumMs: 1, maximumMs: 1000, percentilesMs: [1, 20, 60, 100, 200, 900, 1000])]
        return Workload(apps: (0..<apps).map { a in
            let key = FunctionKey(app: "app-\(a)", function: "f")
            let calls: Calls = a % 2 == 0
                ? .binned(minutes: [0, 3, 7], counts: [Int32(a % 5 + 1), 0, 4], durations: table)
                : .exact(startSeconds: [1, 2.5, 90], durationMs: [10, 20, 30])
            return AppWorkload(key: key.app, functions: [FunctionWorkload(key: key, memoryMB: 128, calls: calls)])
        }, spanMinutes: 10)
    }

    @Test func sampleIsWholeAppsByAStableHash() {
        let w = Self.workload(apps: 20_000)
        let one = w.sample(percent: 1)
        // 200 expected; a binomial's 4 σ is 56.
        #expect(abs(one.apps.count - 200) < 56)
        #expect(one.apps.map(\.key) == w.sample(percent: 1).apps.map(\.key))
        // A larger share keeps what a smaller one kept (buckets from the first).
        let five = Set(w.sample(percent: 5).apps.map(\.key))
        #expect(Set(one.apps.map(\.key)).isSubset(of: five))
        #expect(w.sample(percent: 100).apps.count == 20_000)
        #expect(one.spanMinutes == w.spanMinutes)
        // Owners and the account mode go with the apps.
        var owned = w
        owned.accounts = .perOwner
        for i in owned.apps.indices { owned.apps[i].owner = "o\(i % 7)" }
        let kept = owned.sample(percent: 1)
        #expect(kept.accounts == .perOwner)
        #expect(kept.apps.allSatisfy { $0.owner != nil })
    }

    @Test func bareExpansionDrawsEveryCallWhateverTheWorkers() {
        let w = Self.workload(apps: 301)
        let one = BareExpansion.run(w, seed: 3, mode: .exponential, workers: 1)
        let three = BareExpansion.run(w, seed: 3, mode: .exponential, workers: 3)
        #expect(one.calls == w.callCount)
        #expect(three.calls == w.callCount)
        // The same draws, added up in another order.
        #expect(abs(one.checksum - three.checksum) <= 1e-9 * one.checksum)
        let listed = w.apps.reduce(0.0) { sum, app in
            sum + ArrivalExpansion.expand(app.functions[0], seed: 3, mode: .exponential).durationsMs.reduce(0, +)
        }
        #expect(abs(one.checksum - listed) <= 1e-9 * listed)
    }
}
