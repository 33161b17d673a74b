import Testing
import UseCases

// The benchmarks' measurements called directly, at a size that takes milliseconds.

@Suite struct BenchUseCaseTests {
    @Test func simulateCountsWhatItReplayed() throws {
        var request = Bench.SimulateRequest()
        request.functions = 5
        request.invocations = 2_000
        request.repetitions = 1
        request.workers = 2
        let figures = try Bench.simulate(request)
        #expect(figures.functions == 5 && figures.targets == 1 && figures.threads == 2)
        #expect(figures.simulated == Double(figures.invocations) && figures.invocations >= 1_990)
        #expect(figures.oneThread > 0 && figures.eventsOnly > 0 && figures.manyThreads > 0)
        request.targets = ["nowhere"]
        #expect(useCaseError { _ = try Bench.simulate(request) }?.kind == .usage)
    }

    @Test func medianOfOddEvenAndNone() {
        #expect(Bench.median([3, 1, 2]) == 2)
        #expect(Bench.median([4, 1, 2, 3]) == 2.5)
        #expect(Bench.median([]) == 0)
    }
}
