import Executor

/// `placer calibrate`: this machine measured for the on-prem targets' cold-start and overhead
/// model (module Executor's `Probe`): process cold start, warm overhead, dispatch rate.
public enum Calibrate {
    /// How many samples of each, the worker to measure, and where to write the profile.
    public struct Request: Sendable {
        /// Processes started to measure the cold start.
        public var coldSamples = 30
        /// Round trips to a warm instance.
        public var warmSamples = 2000
        /// No-op invocations for the dispatch rate.
        public var dispatchCalls = 20_000
        /// The `placer-worker` executable.
        public var worker: String
        /// Write the profile (YAML) here (nil: return it only).
        public var out: String?

        /// A request with what most callers set; the rest keep their defaults.
        public init(worker: String, out: String? = nil) {
            self.worker = worker
            self.out = out
        }
    }

    /// The measured profile, also written to `out` when given.
    public static func run(_ request: Request) throws -> Calibration {
        let calibration: Calibration
        do {
            calibration = try Probe.calibrate(worker: request.worker, coldSamples: request.coldSamples,
                                              warmSamples: request.warmSamples, dispatchCalls: request.dispatchCalls)
        } catch {
            throw UseCaseError.failure("cannot calibrate: \(error)")
        }
        if let out = request.out { try Outputs.write(calibration.yaml(), to: out, what: "") }
        return calibration
    }
}
