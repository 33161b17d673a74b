import ArgumentParser
import Foundation
import Pricing
import Simulation
import Traces
import UseCases

/// `placer bench simulate`: simulated invocations per second on the exact (per-invocation) path.
struct BenchSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulated invocations per second on the exact path, on 1 thread and on every core.",
        discussion: """
            Builds FUNCTIONS functions with seeded Poisson arrivals (rates spread over four orders of magnitude, \
            INVOCATIONS in all, per-invocation durations) and replays them on each TARGET; reports the median of \
            REPETITIONS runs beside the baseline of one pass summing the same durations.
            """)

    @Option(help: "Functions.") var functions = 2_000
    @Option(help: "Invocations in all.") var invocations = 5_000_000
    @Option(name: .long, help: "Target ids.") var target: [String] = ["aws-lambda-x86"]
    @Option(help: "Repetitions; medians are reported.") var repetitions = 3
    @Option(help: "Threads for the parallel run (default: every core).") var workers: Int?

    func run() throws {
        let catalog = try Inputs.catalog(nil)
        let targets = try target.map { SimulationTarget(profile: try catalog.profile($0)) }
        var random = SeededRandom(seed: 1)
        let weights = (0..<functions).map { _ in pow(10, random.uniform(0, 4)) }
        let weightSum = weights.reduce(0, +)
        let window = 86_400.0
        var apps: [AppWorkload] = []
        var total = 0
        for (f, w) in weights.enumerated() {
            let n = max(1, Int(Double(invocations) * w / weightSum))
            // Poisson arrivals rescaled to fill the day (not clamped to its last second: clamping
            // piled the overflow of every function onto one moment, a burst over Lambda's quota).
            var t = 0.0
            var starts: [Double] = [], durations: [Double] = []
            starts.reserveCapacity(n); durations.reserveCapacity(n)
            for _ in 0..<n {
                t += random.exponential(rate: 1)
                starts.append(t)
                durations.append(random.logNormal(mu: log(300), sigma: 1))
            }
            // n + 1 gaps fill the day, so the last call does not fall on its end.
            let scale = window / (t + random.exponential(rate: 1))
            starts = starts.map { $0 * scale }
            total += n
            let key = FunctionKey(app: String(format: "app%06d", f), function: "f")
            apps.append(AppWorkload(key: key.app, functions: [FunctionWorkload(key: key, trigger: .http, memoryMB: 256,
                                                                                calls: .exact(startSeconds: starts, durationMs: durations))]))
        }
        let workload = Workload(apps: apps, spanMinutes: 1440)
        func median(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, repetitions) {
                let start = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            return times.sorted()[times.count / 2]
        }
        var sink = 0.0
        let baseline = median {
            for app in apps { if case .exact(_, let d) = app.functions[0].calls { sink += d.reduce(0, +) } }
        }
        let cores = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let simulated = Double(total * targets.count)
        let one = try median { _ = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 1, workers: 1)) }
        let many = try median { _ = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 1, workers: cores)) }
        func rate(_ s: Double) -> String { String(format: "%.2f M/s", simulated / s / 1e6) }
        print("\(total) invocations of \(functions) functions on \(targets.count) target(s): \(Int(simulated)) simulated (checksum \(Int(sink) % 10))")
        print("baseline: one pass over the durations   \(String(format: "%.3f s", baseline))  \(rate(baseline))")
        print("exact path, 1 thread                    \(String(format: "%.3f s", one))  \(rate(one))")
        print("exact path, \(cores) threads                   \(String(format: "%.3f s", many))  \(rate(many))")
    }
}
