import Store
import Traces

/// `placer inspect`: what a trace holds (files, apps, functions, invocations, span, triggers,
/// shape, duration and memory percentiles) and whether it looks like production.
public enum Inspect {
    /// A database written by `placer ingest`, or trace files and folders read into memory.
    public struct Request: Sendable {
        public var paths: [String]
        public var format: TraceFormat?
        public var skipInvalidRows: Bool

        public init(paths: [String], format: TraceFormat? = nil, skipInvalidRows: Bool = false) {
            self.paths = paths
            self.format = format
            self.skipInvalidRows = skipInvalidRows
        }
    }

    /// The trace's summary; warnings about skipped rows go to `progress`.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> TraceSummary {
        let store = try Inputs.trace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows, progress: progress)
        return try store.summary()
    }
}
