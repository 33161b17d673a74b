import Executor

/// `placer calibrate`: this machine measured for the on-prem targets' cold-start and overhead
/// model (module Executor's `Probe`): process cold start, warm overhead, dispatch rate.
public enum Calibrate {
    /// How many samples of each, the worker to measure, and where to write the profile.
    public struct Request: Sendable {
        public var coldSamples = 30
        public var warmSamples = 2000
        public var dispatchCalls = 20_000
        /// The `placer-worker` executable.
        public var worker: String
        /// Write the profile (YAML) here (nil: return it only).
        public var out: String?

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
