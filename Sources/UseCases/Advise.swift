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
        public var paths: [String]
        public var deployment: String?
        /// Target ids (empty: the deployment's, else every catalog target).
        public var targets: [String] = []
        /// Execute the trace's first minute here and measure the model's error.
        public var executeSample = false
        /// The report's path (it must end in .md); SVG charts are written beside it.
        public var out = "placer-report.md"
        /// The result JSON's path (nil: the report's path with .json).
        public var json: String?
        public var seed: UInt64 = 1
        public var catalog: String?
        public var current: String?
        /// The on-prem platform placement sizes a cluster of (nil: openfaas when simulated, else the first on-prem candidate).
        public var onPrem: String?
        public var horizonMonths: Int?
        public var dayRateUSD: Double?
        public var workers: Int?
        public var format: TraceFormat?
        /// The `placer-worker` executable, for `executeSample`.
        public var worker = "placer-worker"

        public init(paths: [String], deployment: String? = nil, targets: [String] = [], out: String = "placer-report.md") {
            self.paths = paths
            self.deployment = deployment
            self.targets = targets
            self.out = out
        }
    }

    /// The files written.
    public struct Outcome: Sendable {
        public var report: String
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
        let inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw UseCaseError.badInput("\(error)") }
        let known = try Inputs.catalog(request.catalog)
        var ids = request.targets
        if ids.isEmpty, plan?.targets.isEmpty ?? true { ids = known.ids }
        let onPrem = try onPremPlatform(request.onPrem, among: ids.isEmpty ? (plan?.targets.map(\.id) ?? []) : ids, catalog: known)
        var simulation = SimulationRequest(paths: request.paths, targets: ids, deployment: request.deployment, seed: request.seed,
                                           catalog: request.catalog, workers: request.workers, format: request.format, current: request.current)
        simulation.placementFollows = true
        simulation.onPrem = onPrem
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
