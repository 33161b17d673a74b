import Executor
import Foundation

extension Bench {
    /// Local executor figures beside a naive executor that spawns a process per invocation.
    public struct ExecuteRequest: Sendable {
        /// No-op invocations for the throughput of warm instances.
        public var warm = 20_000
        /// Invocations for the naive baseline's throughput.
        public var naive = 1_000
        /// Rate for the lateness figures, invocations/s, over `seconds`.
        public var rate = 500.0
        /// Seconds of calls at `rate`.
        public var seconds = 4.0
        /// Slots (nil: the cores here).
        public var slots: Int?
        /// Repetitions; medians are reported.
        public var repetitions = 3
        /// The `placer-worker` executable.
        public var worker: String

        /// A request with what most callers set; the rest keep their defaults.
        public init(worker: String) { self.worker = worker }
    }

    /// Medians over the repetitions: warm instances (left) against a process per call (right).
    public struct ExecuteFigures: Sendable {
        /// Slots the runs used.
        public var slots: Int
        /// No-op invocations for the throughput of warm instances.
        public var warmRate: Double, naiveRate: Double
        /// No-op invocations for the throughput of warm instances.
        public var warmLateness99: Double, naiveLateness99: Double
        /// No-op invocations for the throughput of warm instances.
        public var warmLateness50: Double, naiveLateness50: Double
        /// placer-worker spawned until ready, alone; and inside the naive replay.
        public var coldStart: Double, naiveInit: Double
    }

    /// No-op invocations (0 ms of work, no memory) through the local executor with warm
    /// instances kept, beside the same calls with a new process per invocation.
    public static func execute(_ request: ExecuteRequest) throws -> ExecuteFigures {
        let worker = request.worker
        let slots = request.slots ?? ProcessInfo.processInfo.activeProcessorCount
        func okRate(_ r: ExecutionResult) -> Double {
            let ok = r.records.filter { $0.outcome == .ok }.count
            guard ok == r.scheduled else { return 0 }
            return Double(ok) / max(r.wallSeconds, 1e-9)
        }
        func lateness(_ r: ExecutionResult, _ p: Double) -> Double {
            let sorted = r.records.compactMap(\.latenessMs).sorted()
            guard !sorted.isEmpty else { return 0 }
            return sorted[max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1)]
        }
        var warmRates: [Double] = [], naiveRates: [Double] = [], warmLate: [Double] = [], naiveLate: [Double] = []
        var colds: [Double] = [], naiveInit: [Double] = [], warmLate50: [Double] = [], naiveLate50: [Double] = []
        let paced = Int(request.rate * request.seconds)
        for _ in 0..<request.repetitions {
            warmRates.append(okRate(Probe.noOpReplay(worker: worker, count: request.warm, slots: slots)))
            naiveRates.append(okRate(Probe.noOpReplay(worker: worker, count: request.naive, slots: slots, keepAlive: .forkPerRequest)))
            let warmPaced = Probe.noOpReplay(worker: worker, count: paced, slots: slots, interval: 1 / request.rate)
            warmLate.append(lateness(warmPaced, 0.99))
            warmLate50.append(lateness(warmPaced, 0.5))
            let naivePaced = Probe.noOpReplay(worker: worker, count: paced, slots: slots, interval: 1 / request.rate, keepAlive: .forkPerRequest)
            naiveLate.append(lateness(naivePaced, 0.99))
            naiveLate50.append(lateness(naivePaced, 0.5))
            naiveInit.append(median(naivePaced.records.compactMap(\.initMs)))
            do { colds.append(median(try Probe.coldStarts([worker], samples: 20))) } catch {
                throw UseCaseError.failure("cannot start \(worker): \(error)")
            }
        }
        return ExecuteFigures(slots: slots, warmRate: median(warmRates), naiveRate: median(naiveRates),
                              warmLateness99: median(warmLate), naiveLateness99: median(naiveLate),
                              warmLateness50: median(warmLate50), naiveLateness50: median(naiveLate50),
                              coldStart: median(colds), naiveInit: median(naiveInit))
    }
}
