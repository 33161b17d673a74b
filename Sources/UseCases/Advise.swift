import Foundation
import Placement
import Pricing
import Results
import Simulation
import Traces

/// `placer advise`: every target replayed, the plans placed and compared, the keep-alive
/// alternative, and the markdown report with its charts and the result JSON written.
public enum Advise {
    /// The trace, the candidates, the decision's inputs and where to write.
    public struct Request: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        /// The deployment file (placer.yaml).
        public var deployment: String?
        /// Target ids (empty: the deployment's, else every catalog target).
        public var targets: [String] = []
        /// Execute the trace's first minute here and measure the model's error.
        public var executeSample = false
        /// The report's path (it must end in .md); SVG charts are written beside it.
        public var out = "placer-report.md"
        /// The result JSON's path (nil: the report's path with .json).
        public var json: String?
        /// Seed for arrival times, durations and cold starts.
        public var seed: UInt64 = 1
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// Where functions run today (nil: guessed from the trace's format).
        public var current: String?
        /// The on-prem platform placement sizes a cluster of (nil: openfaas when simulated, else the first on-prem candidate).
        public var onPrem: String?
        /// Months a plan's saving is counted over (nil: the bundled default).
        public var horizonMonths: Int?
        /// USD per developer-day of migration effort (nil: the bundled, sourced default).
        public var dayRateUSD: Double?
        /// Threads (nil: every core); results do not depend on it.
        public var workers: Int?
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?
        /// The period a log without times covers, seconds (`--period 7d`): its calls are spread
        /// evenly over it, so bills can be estimated; concurrency is not modelled.
        public var periodSeconds: Double?
        /// A fit from `placer calibrate --from` (or a machine profile from `placer calibrate`).
        public var calibration: String?
        /// Whose quota and free grants each app uses (nil: per-owner when the trace names owners, else one).
        public var accounts: AccountMode?
        /// The `placer-worker` executable, for `executeSample`.
        public var worker = "placer-worker"
        /// A fixed cluster of this many servers for on-prem targets (nil: the deployment's, else sized by simulation).
        public var servers: Int?

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String], deployment: String? = nil, targets: [String] = [], out: String = "placer-report.md") {
            self.paths = paths
            self.deployment = deployment
            self.targets = targets
            self.out = out
        }
    }

    /// The files written.
    public struct Outcome: Sendable {
        /// The markdown report's path.
        public var report: String
        /// The result JSON's path.
        public var json: String
        /// The SVG charts written beside the report.
        public var charts: [String]
        /// The result as written.
        public var document: ResultDocument
    }

    /// Replays, places, writes; progress shows each step.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> Outcome {
        let out = request.out
        guard out.hasSuffix(".md") else { throw UseCaseError.usage("--out \(out): the report's name must end in .md") }
        let jsonPath = request.json ?? String(out.dropLast(3)) + ".json"
        let plan = try Inputs.deployment(request.deployment)
        var inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw UseCaseError.badInput("\(error)") }
        if let servers = request.servers { inputs.servers = servers }
        let known = try Inputs.catalog(request.catalog)
        var ids = request.targets
        if ids.isEmpty, plan?.targets.isEmpty ?? true { ids = known.ids }
        let onPrem = try onPremPlatform(request.onPrem, among: ids.isEmpty ? (plan?.targets.map(\.id) ?? []) : ids, catalog: known)
        var simulation = SimulationRequest(paths: request.paths, targets: ids, deployment: request.deployment, seed: request.seed,
                                           catalog: request.catalog, workers: request.workers, format: request.format, current: request.current)
        simulation.periodSeconds = request.periodSeconds
        simulation.placementFollows = true
        simulation.onPrem = onPrem
        simulation.calibration = request.calibration
        simulation.servers = request.servers
        simulation.accounts = request.accounts
        let decision = try Place.decisionInputs(horizonMonths: request.horizonMonths, dayRateUSD: request.dayRateUSD)
        let pipeline = AdvisePipeline(request: simulation, onPrem: onPrem, inputs: inputs, decision: decision,
                                      executeSample: request.executeSample, worker: request.worker)
        let result = try pipeline.run(progress: progress)

        // The report is rendered from the JSON as written, so `placer report` of it gives the same bytes.
        let text = result.json()
        let doc: ResultDocument
        do { doc = try ResultDocument.parse(Data(text.utf8), file: jsonPath) } catch {
            throw UseCaseError.failure("the result could not be read back: \(error)")
        }
        try Outputs.writeAll([(jsonPath, text)])
        let written = try Outputs.writeReport(doc, to: out)
        return Outcome(report: out, json: jsonPath, charts: Array(written.dropFirst()), document: doc)
    }

    /// The one on-prem platform placement buys a cluster of: the one asked for, else openfaas
    /// when it is a candidate, else the first on-prem candidate; nil (no placement) when there is none.
    static func onPremPlatform(_ asked: String?, among ids: [String], catalog: Catalog) throws -> String? {
        if let asked {
            guard (try? catalog.profile(asked))?.kind == .onprem else {
                throw UseCaseError.usage("--onprem \(asked): not an on-prem target (see `placer catalog list`)")
            }
            guard ids.contains(asked) else { throw UseCaseError.usage("--onprem \(asked) is not among the targets simulated") }
            return asked
        }
        let onPremIds = ids.filter { (try? catalog.profile($0))?.kind == .onprem }
        return onPremIds.contains("openfaas") ? "openfaas" : onPremIds.first
    }
}
