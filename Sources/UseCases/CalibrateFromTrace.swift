import Executor
import Foundation
import Simulation
import Store
import Traces

/// `placer calibrate --from TRACE --target ID`: the target's keep-alive and cold start fitted to
/// the cold starts a team's own trace observed (Lambda's `Init Duration`, a `cold` column),
/// written as an override marked `observed` (docs/calibration.md).
public enum CalibrateFromTrace {
    /// The trace, the target and where to write the override.
    public struct Request: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        public var target: String
        /// Write the override (YAML) here (nil: return it only).
        public var out: String?
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?

        public init(paths: [String], target: String, out: String? = nil) {
            self.paths = paths
            self.target = target
            self.out = out
        }
    }

    /// The fit, also written to `out` when given.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> ObservedCalibration {
        let catalog = try Inputs.catalog(request.catalog)
        guard catalog.ids.contains(request.target) else {
            throw UseCaseError.usage("unknown target \"\(request.target)\" (see `placer catalog list`)")
        }
        let store = try Inputs.trace(request.paths, format: request.format, progress: progress)
        let observed: [ObservedCalls]
        do { observed = try store.observedCalls() } catch { throw UseCaseError.badInput("cannot read the trace: \(error)") }
        let evidence = observed.map { f in
            KeepAliveFit.evidence(f.key, f.starts.indices.map {
                KeepAliveFit.Call(start: f.starts[$0], durationMs: f.durationsMs[$0], initMs: f.initMs[$0], cold: f.cold[$0])
            })
        }
        let keepAlive: KeepAliveFit.Result
        do { keepAlive = try KeepAliveFit.fit(evidence) } catch {
            throw UseCaseError.badInput("\(request.paths.joined(separator: ", ")): cannot fit a keep-alive: \(error.description)")
        }
        let coldStart = ColdStartFit(initMs: observed.flatMap { $0.initMs.compactMap { $0 } })
        let fit = ObservedCalibration(target: request.target, trace: request.paths.joined(separator: " "), functions: observed.count,
                                      keepAlive: keepAlive, coldStart: coldStart)
        logger.debug("calibrate: \(keepAlive.calls) calls of \(observed.count) functions, \(keepAlive.warmObservations) warm and \(keepAlive.coldObservations) cold observations")
        if let out = request.out { try Outputs.write(fit.yaml(), to: out, what: "") }
        return fit
    }
}
