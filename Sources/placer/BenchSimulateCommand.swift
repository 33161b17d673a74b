import ArgumentParser
import Foundation
import UseCases

/// `placer bench simulate`: simulated invocations per second on the exact (per-invocation) path.
struct BenchSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulated invocations per second on the exact path, on 1 thread and on every core.",
        discussion: """
            Builds FUNCTIONS functions with seeded Poisson arrivals (rates spread over four orders of magnitude, \
            INVOCATIONS in all, per-invocation durations) and replays them on each TARGET; reports the median of \
            REPETITIONS runs beside the baseline of one pass summing the same durations, and beside the same replay \
            with every call through the event replay (no branch for calls that find their unit with nothing in flight).
            """)

    @Option(help: "Functions.") var functions = 2_000
    @Option(help: "Invocations in all.") var invocations = 5_000_000
    @Option(name: .long, help: "Target ids.") var target: [String] = ["aws-lambda-x86"]
    @Option(help: "Repetitions; medians are reported.") var repetitions = 3
    @Option(help: "Threads for the parallel run (default: every core).") var workers: Int?

    func run() throws {
        var request = Bench.SimulateRequest()
        request.functions = functions
        request.invocations = invocations
        request.targets = target
        request.repetitions = repetitions
        request.workers = workers
        let f = try Bench.simulate(request)
        func rate(_ s: Double) -> String { String(format: "%.2f M/s", f.simulated / s / 1e6) }
        print("\(f.invocations) invocations of \(f.functions) functions on \(f.targets) target(s): \(Int(f.simulated)) simulated (checksum \(f.checksum))")
        print("baseline: one pass over the durations   \(String(format: "%.3f s", f.baseline))  \(rate(f.baseline))")
        print("exact path, 1 thread                    \(String(format: "%.3f s", f.oneThread))  \(rate(f.oneThread))")
        print("the same, event replay alone            \(String(format: "%.3f s", f.eventsOnly))  \(rate(f.eventsOnly))  (1 thread: \(String(format: "%.2f", f.eventsOnly / f.oneThread))x its time)")
        print("exact path, \(f.threads) threads                   \(String(format: "%.3f s", f.manyThreads))  \(rate(f.manyThreads))")
    }
}
