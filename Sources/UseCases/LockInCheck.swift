import Advice
import Deployment
import Pricing
import Store
import Traces

/// `placer lockin`: how locked-in each function is on each target, what moving costs, and where
/// each function may legally run (module Advice, docs/lockin.md).
public enum LockInCheck {
    /// The trace, the deployment and the targets to judge.
    public struct Request: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        /// The deployment file (placer.yaml).
        public var deployment: String?
        /// Targets to judge (nil: the deployment's targets, else the whole catalog).
        public var targets: [String]?
        /// Where functions without a `target:` pin run today (nil: guessed from the trace's format).
        public var current: String?
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String], deployment: String? = nil, targets: [String]? = nil, current: String? = nil,
                    catalog: String? = nil, format: TraceFormat? = nil) {
            self.paths = paths
            self.deployment = deployment
            self.targets = targets
            self.current = current
            self.catalog = catalog
            self.format = format
        }
    }

    /// The report; its diagnostics are in it for the front end to show (and to judge `--strict` by).
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> LockInReport {
        var catalog = try Inputs.catalog(request.catalog)
        let plan = try Inputs.deployment(request.deployment)
        // Candidates, with any overrides from the deployment.
        var ids = catalog.ids
        if let plan, !plan.targets.isEmpty {
            ids = plan.targets.map(\.id)
            do {
                for selection in plan.targets {
                    if let override = selection.override {
                        catalog = try catalog.overriding(selection.id, with: override, origin: plan.file, read: Inputs.today())
                    }
                }
            } catch let error as CatalogError {
                throw UseCaseError.badInput("\(error)")
            }
        }
        if let targets = request.targets { ids = targets }
        let candidates: [Profile]
        do { candidates = try ids.map { try catalog.profile($0) } } catch let error as CatalogError {
            // A wrong --targets is a usage error; a wrong id in the deployment file is bad input.
            if request.targets == nil { throw UseCaseError.badInput("\(plan?.file ?? "deployment"): \(error)") }
            throw UseCaseError.usage("\(error)")
        }
        let store = try Inputs.trace(request.paths, format: request.format, progress: progress)
        return try report(store: store, candidates: candidates, catalog: catalog, deployment: plan, current: request.current, progress: progress)
    }

    /// Lock-in and compliance of every function of a stored trace on `candidates`; shared with
    /// the replay, whose result carries it as its `lockIn` section. The current target, when not
    /// given, is taken from the trace's format, and a note says so.
    static func report(store: TraceStore, candidates: [Profile], catalog: Catalog, deployment: Deployment?,
                       current: String?, progress: some ProgressObserver) throws -> LockInReport {
        let stored: [StoredFunction]
        let formats: Set<String>
        do {
            stored = try store.functionList()
            formats = try store.fileFormats()
        } catch {
            throw UseCaseError(store: error) ?? .badInput("\(error)")
        }
        var currentTarget = current
        if currentTarget == nil {
            if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("azure") }) {
                currentTarget = "azure-consumption"
                progress.note("current target taken as azure-consumption (the trace is Azure's); --current to change")
            } else if !formats.isEmpty, formats.allSatisfy({ $0.hasPrefix("lambda") }) {
                currentTarget = "aws-lambda-x86"
                progress.note("current target taken as aws-lambda-x86 (the trace is Lambda's); --current to change")
            }
        }
        let functions = stored.map {
            FunctionUse(app: $0.app, function: $0.function, trigger: $0.trigger, invocations: $0.invocations)
        }
        return Advisor.analyse(LockInRequest(functions: functions, candidates: candidates, catalog: catalog,
                                             deployment: deployment, current: currentTarget))
    }
}
