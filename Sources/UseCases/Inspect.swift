import Store
import Traces

/// `placer inspect`: what a trace holds (files, apps, functions, invocations, span, triggers,
/// shape, duration and memory percentiles) and whether it looks like production.
public enum Inspect {
    /// A database written by `placer ingest`, or trace files and folders read into memory.
    public struct Request: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?
        /// Skip rows with bad values (reported by reason) instead of stopping.
        public var skipInvalidRows: Bool

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String], format: TraceFormat? = nil, skipInvalidRows: Bool = false) {
            self.paths = paths
            self.format = format
            self.skipInvalidRows = skipInvalidRows
        }
    }

    /// The trace's summary; warnings about skipped rows go to `progress`.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> TraceSummary {
        let store = try Inputs.trace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows, progress: progress)
        do { return try store.summary() } catch { throw UseCaseError.reading(error, context: "cannot read the trace") }
    }
}
