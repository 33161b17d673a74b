import Foundation
import Simulation
import Traces

extension Bench {
    /// Simulated invocations per second on the exact (per-invocation) path.
    public struct SimulateRequest: Sendable {
        /// Functions generated.
        public var functions = 2_000
        /// Invocations in all.
        public var invocations = 5_000_000
        /// Target ids replayed.
        public var targets = ["aws-lambda-x86"]
        /// Repetitions; medians are reported.
        public var repetitions = 3
        /// Threads for the parallel run (nil: every core).
        public var workers: Int?

        public init() {}
    }

    /// Medians in seconds of the baseline pass and the exact path on one thread and on many.
    public struct SimulateFigures: Sendable {
        /// Invocations generated.
        public var invocations: Int
        /// Functions generated.
        public var functions: Int
        /// Targets replayed.
        public var targets: Int
        /// Invocations times targets.
        public var simulated: Double
        /// A figure of the baseline's sum, so that its pass is not optimised away.
        public var checksum: Int
        /// Seconds of one pass summing the durations.
        public var baseline: Double
        /// Seconds of the exact path on one thread.
        public var oneThread: Double
        /// Seconds of the same on the event replay alone: every call through the completion heap,
        /// none through the branch for calls that find their unit with nothing in flight.
        public var eventsOnly: Double
        /// Threads of the parallel run.
        public var threads: Int
        /// Seconds of the exact path on `threads` threads.
        public var manyThreads: Double
    }

    /// Builds the functions with seeded Poisson arrivals (rates spread over four orders of
    /// magnitude, per-invocation durations) and replays them on each target.
    public static func simulate(_ request: SimulateRequest) throws -> SimulateFigures {
        let catalog = try Inputs.catalog(nil)
        let targets: [SimulationTarget]
        do { targets = try request.targets.map { SimulationTarget(profile: try catalog.profile($0)) } } catch { throw UseCaseError.usage("\(error)") }
        var random = SeededRandom(seed: 1)
        let weights = (0..<request.functions).map { _ in pow(10, random.uniform(0, 4)) }
        let weightSum = weights.reduce(0, +)
        let window = 86_400.0
        var apps: [AppWorkload] = []
        var total = 0
        for (f, w) in weights.enumerated() {
            let n = max(1, Int(Double(request.invocations) * w / weightSum))
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
        func timedMedian(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<max(1, request.repetitions) { times.append(try seconds(body)) }
            return times.sorted()[times.count / 2]
        }
        var sink = 0.0
        let baseline = timedMedian {
            for app in apps { if case .exact(_, let d) = app.functions[0].calls { sink += d.reduce(0, +) } }
        }
        let cores = request.workers ?? ProcessInfo.processInfo.activeProcessorCount
        let one = try timedMedian { _ = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 1, workers: 1)) }
        var events = SimulationOptions(seed: 1, workers: 1)
        events.soleCalls = false
        let eventsOnly = try timedMedian { _ = try Simulator.run(workload, targets: targets, options: events) }
        let many = try timedMedian { _ = try Simulator.run(workload, targets: targets, options: SimulationOptions(seed: 1, workers: cores)) }
        return SimulateFigures(invocations: total, functions: request.functions, targets: targets.count, simulated: Double(total * targets.count),
                               checksum: Int(sink) % 10, baseline: baseline, oneThread: one, eventsOnly: eventsOnly, threads: cores, manyThreads: many)
    }
}
