import Deployment
import Foundation
import Logging
import Placement
import Pricing
import Simulation
import Traces

/// `placer place`: the plans compared and recommended for where each function should run (a
/// cloud target or the on-prem cluster), and the volumes at which on-prem overtakes each cloud
/// target (module Placement, docs/decision.md).
public enum Place {
    /// The trace, the candidates, the on-prem platform and the decision's inputs.
    public struct Request: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        /// The deployment file (placer.yaml).
        public var deployment: String?
        /// Candidate targets (nil: the deployment's, else every active cloud target).
        public var targets: [String]?
        /// The on-prem platform to size (nil: the first on-prem candidate, else openfaas).
        public var onPrem: String?
        /// Write placer.result/v1 JSON with the placement and breakEven sections here.
        public var json: String?
        /// Seed for arrival times, durations and cold starts.
        public var seed: UInt64 = 1
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// Threads (nil: every core); results do not depend on it.
        public var workers: Int?
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?
        /// Where functions run today (nil: guessed from the trace's format).
        public var current: String?
        /// Run the break-even and sensitivity analysis.
        public var breakEven = true
        /// Months a plan's saving is counted over (nil: the bundled default).
        public var horizonMonths: Int?
        /// USD per developer-day of migration effort (nil: the bundled, sourced default).
        public var dayRateUSD: Double?
        /// A fixed cluster of this many servers for the on-prem platform (nil: the deployment's
        /// `onprem.servers`, else the smallest cluster meeting the p99 objective, by simulation).
        public var servers: Int?
        /// Whose quota and free grants each app uses (nil: per-owner when the trace names owners, else one).
        public var accounts: AccountMode?

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String], deployment: String? = nil, targets: [String]? = nil, onPrem: String? = nil, json: String? = nil,
                    seed: UInt64 = 1, catalog: String? = nil, workers: Int? = nil, format: TraceFormat? = nil, current: String? = nil,
                    breakEven: Bool = true, horizonMonths: Int? = nil, dayRateUSD: Double? = nil) {
            self.paths = paths
            self.deployment = deployment
            self.targets = targets
            self.onPrem = onPrem
            self.json = json
            self.seed = seed
            self.catalog = catalog
            self.workers = workers
            self.format = format
            self.current = current
            self.breakEven = breakEven
            self.horizonMonths = horizonMonths
            self.dayRateUSD = dayRateUSD
        }
    }

    /// The decision, the break-even analysis, and the replay whose result carries both as sections.
    public struct Outcome {
        /// The replay, its result with the `placement` and `breakEven` sections.
        public var run: SimulationRun
        /// The plans compared and the one recommended.
        public var decision: DecisionOutcome
        /// The volumes at which on-prem overtakes each cloud target (nil: skipped).
        public var breakEven: BreakEvenAnalysis?
        /// Every simulated on-prem platform's cluster with the whole trace on it.
        public var onPremCosts: [OnPremCluster] = []
        /// How the fixed cluster holds the trace, or the smallest cluster found by simulation.
        public var clusterFit: ClusterFit?
    }

    /// Replays the candidates, decides, and writes the JSON if asked.
    public static func run(_ request: Request, progress: some ProgressObserver = IgnoringProgress()) throws -> Outcome {
        let plan = try Inputs.deployment(request.deployment)
        var inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw UseCaseError.badInput("\(error)") }
        if let servers = request.servers { inputs.servers = servers }
        let (ids, onPremId) = try candidates(request, deployment: plan, progress: progress)
        let decision = try decisionInputs(horizonMonths: request.horizonMonths, dayRateUSD: request.dayRateUSD)

        var simulation = SimulationRequest(paths: request.paths, targets: ids, deployment: request.deployment, seed: request.seed,
                                           catalog: request.catalog, workers: request.workers, format: request.format, current: request.current)
        simulation.placementFollows = true
        simulation.onPrem = onPremId
        simulation.servers = request.servers
        simulation.accounts = request.accounts
        var run = try SimulationRun.run(simulation, progress: progress)
        let (outcome, breakEven, fit) = try place(run, onPrem: onPremId, inputs: inputs, decision: decision, breakEven: request.breakEven)
        run.result.sections["placement"] = outcome.jsonValue()
        if let breakEven { run.result.sections["breakEven"] = breakEven.jsonValue() }
        let clusters = try onPremCosts(run, inputs: inputs)
        run.result.sections["onPremCosts"] = OnPremCosts.jsonValue(clusters)
        if let fit { run.result.sections["clusterFit"] = fit.jsonValue() }
        if let json = request.json { try Outputs.writeResult(run.result, to: json) }
        return Outcome(run: run, decision: outcome, breakEven: breakEven, onPremCosts: clusters, clusterFit: fit)
    }

    /// The targets to simulate: the request's, else the deployment's, else every active cloud
    /// target; and the one on-prem platform placed (the request's, else the first on-prem
    /// candidate, else openfaas). Other on-prem candidates are dropped, and a note says so.
    static func candidates(_ request: Request, deployment plan: Deployment?,
                           progress: some ProgressObserver) throws -> (ids: [String], onPrem: String) {
        let catalog = try Inputs.catalog(request.catalog)
        var ids: [String]
        if let targets = request.targets {
            ids = targets
        } else if let plan, !plan.targets.isEmpty {
            ids = plan.targets.map(\.id)
        } else {
            ids = catalog.ids.filter { id in (try? catalog.profile(id)).map { $0.kind == .cloud && [.active, .legacy].contains($0.status.state) } ?? false }
        }
        let onPremId: String
        do {
            let profiles = try ids.map { try catalog.profile($0) }
            onPremId = request.onPrem ?? profiles.first(where: { $0.kind == .onprem })?.id ?? "openfaas"
            guard try catalog.profile(onPremId).kind == .onprem else {
                throw UseCaseError.usage("--onprem \(onPremId) is a cloud target; give an on-prem platform (see `placer catalog list`)")
            }
        } catch let error as CatalogError {
            // A wrong --targets or --onprem is a usage error; a wrong id in the deployment file is bad input.
            if request.targets == nil, request.onPrem == nil, let plan { throw UseCaseError.badInput("\(plan.file): \(error)") }
            throw UseCaseError.usage("\(error)")
        }
        let skipped = ids.filter { id in id != onPremId && (try? catalog.profile(id))?.kind == .onprem }
        if !skipped.isEmpty {
            progress.note("one on-prem platform is placed at a time: \(onPremId) (not \(skipped.joined(separator: ", "))); --onprem to choose")
        }
        return (ids.filter { id in (try? catalog.profile(id))?.kind != .onprem } + [onPremId], onPremId)
    }

    /// The plans compared and recommended (module Placement's `Decision`) and, unless skipped,
    /// the break-even volumes of a finished replay, with the on-prem cluster by simulation
    /// (`ClusterSizingStep`) costed; shared with advise.
    static func place(_ run: SimulationRun, onPrem: String, inputs given: OnPremInputs, decision: DecisionInputs,
                      breakEven: Bool) throws -> (DecisionOutcome, BreakEvenAnalysis?, ClusterFit?) {
        // Each function's CPU from the trace where it measured it (cpu_ms).
        var inputs = given.resolvingDemand(run.workload)
        let fit = try timed("cluster sizing") { try ClusterSizingStep.fit(run, onPrem: onPrem, inputs: &inputs) }
        do {
            let request = PlacementRequest(result: run.result, targets: run.targets, onPrem: onPrem, inputs: inputs,
                                           deployment: run.deployment, lockIn: run.lockIn)
            let decisionRequest = DecisionRequest(placement: request, inputs: decision)
            var outcome = try timed("decision") { try Decision.decide(decisionRequest) }
            outcome.scenarios = try timed("what-ifs") {
                try Decision.scenarios(outcome, request: decisionRequest, workload: run.workload, options: run.options)
            }
            logger.debug("plans: \(outcome.options.map(\.id).joined(separator: ", ")); recommended \(outcome.recommended)")
            guard breakEven else { return (outcome, nil, fit) }
            let analysis = try timed("break-even") { try BreakEven.analyse(BreakEvenRequest(result: run.result, targets: run.targets, onPrem: onPrem, inputs: inputs,
                                                                  workload: run.workload, options: run.options)) }
            return (outcome, analysis, fit)
        } catch {
            throw UseCaseError.failure("\(error)")
        }
    }

    /// Every simulated on-prem platform's cost of ownership with the whole trace on it (shared with advise).
    static func onPremCosts(_ run: SimulationRun, inputs: OnPremInputs) throws -> [OnPremCluster] {
        do { return try OnPremCosts.all(result: run.result, targets: run.targets, inputs: inputs.resolvingDemand(run.workload)) } catch {
            throw UseCaseError.failure("\(error)")
        }
    }

    /// The decision's inputs: the bundled defaults, with the horizon and day rate where given.
    public static func decisionInputs(horizonMonths: Int?, dayRateUSD: Double?) throws -> DecisionInputs {
        var inputs: DecisionInputs
        do { inputs = try DecisionInputs.defaults() } catch { throw UseCaseError.failure("\(error)") }
        if let horizon = horizonMonths {
            guard (1...600).contains(horizon) else { throw UseCaseError.usage("--horizon \(horizon): expected months from 1 to 600") }
            inputs.horizonMonths = horizon
            inputs.origins["horizonMonths"] = "--horizon"
        }
        if let dayRate = dayRateUSD {
            guard dayRate.isFinite, (0...1_000_000).contains(dayRate) else { throw UseCaseError.usage("--day-rate \(dayRate): expected USD from 0 to 1000000") }
            inputs.dayRateUSD = Decimal(string: String(format: "%.2f", dayRate)) ?? 0
            inputs.origins["dayRateUSD"] = "--day-rate"
        }
        return inputs
    }
}
