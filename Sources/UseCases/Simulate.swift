import Advice
import Deployment
import Executor
import Foundation
import Logging
import Placement
import Pricing
import Results
import Simulation
import Store
import TraceLoading
import Traces

/// Keep-alive policies that no profile names, chosen for a whole run.
public enum KeepAliveChoice: String, Sendable, CaseIterable {
    /// "Serverless in the Wild"'s hybrid histogram policy, on every target.
    case hybridHistogram = "hybrid-histogram"
}

/// What one replay needs: the trace, the deployment, the targets and the run-wide choices.
/// Shared by `simulate` and the use cases that simulate on the way (advise, place, compare).
public struct SimulationRequest: Sendable {
    /// A database written by `placer ingest`, or trace files and folders.
    public var paths: [String]
    /// Target ids (empty: the deployment's targets).
    public var targets: [String] = []
    /// The deployment file.
    public var deployment: String?
    /// Seed for arrival times, durations and cold starts.
    public var seed: UInt64 = 1
    /// How a minute's invocations are spread.
    public var arrivals: ArrivalMode = .exponential
    /// A folder of profiles that add to or override the bundled ones.
    public var catalog: String?
    /// The region whose price multiplier applies.
    public var region: String?
    /// A keep-alive policy for every target (nil: each profile's own).
    public var keepAlive: KeepAliveChoice?
    /// Threads (nil: every core); results do not depend on it.
    public var workers: Int?
    /// A format forced on trace files (nil: detected from each file).
    public var format: TraceFormat?
    /// Where functions run today, for the lock-in section (nil: guessed from the trace's format).
    public var current: String?
    /// Apply free grants.
    public var freeTier = true
    /// Skip rows with bad values (reported by reason) instead of stopping.
    public var skipInvalidRows = false
    /// Replay every call, also of busy functions the per-minute fast path would take.
    public var exact = false
    /// A machine profile from `placer calibrate` (on-prem targets take its measured cold start),
    /// or a fit from `placer calibrate --from` (its target takes the fitted keep-alive and cold
    /// start, and the result gets the fit's error on the trace's own calls).
    public var calibration: String?
    /// Whose quota and free grants each app uses (nil: per-owner when the trace names owners, else one).
    public var accounts: AccountMode?
    /// A placement follows the replay: keep every function's usage, and the per-function series
    /// of the on-prem platform `onPrem` (if any) whose cluster it sizes.
    public var placementFollows = false
    /// The on-prem platform a following placement sizes a cluster of.
    public var onPrem: String?
    /// The period a log without times covers, seconds (`--period 7d`): its calls are spread
    /// evenly over it, so bills can be estimated; concurrency is not modelled.
    public var periodSeconds: Double?
    /// Replay on-prem targets on a fixed cluster of this many servers (`--servers`; nil: the
    /// deployment's `onprem.servers`, else instances unlimited).
    public var servers: Int?

    /// A request with what most callers set; the rest keep their defaults.
    public init(paths: [String], targets: [String] = [], deployment: String? = nil, seed: UInt64 = 1,
                arrivals: ArrivalMode = .exponential, catalog: String? = nil, region: String? = nil,
                keepAlive: KeepAliveChoice? = nil, workers: Int? = nil, format: TraceFormat? = nil, current: String? = nil,
                freeTier: Bool = true, skipInvalidRows: Bool = false, exact: Bool = false, calibration: String? = nil, servers: Int? = nil,
                accounts: AccountMode? = nil) {
        self.servers = servers
        self.paths = paths
        self.targets = targets
        self.deployment = deployment
        self.seed = seed
        self.arrivals = arrivals
        self.catalog = catalog
        self.region = region
        self.keepAlive = keepAlive
        self.workers = workers
        self.format = format
        self.current = current
        self.freeTier = freeTier
        self.skipInvalidRows = skipInvalidRows
        self.exact = exact
        self.calibration = calibration
        self.accounts = accounts
    }

    /// The engine's options for this request.
    var options: SimulationOptions {
        let base = SimulationOptions(seed: seed, arrivals: arrivals, workers: threads, fastPath: !exact)
        return placementFollows ? PlacementRequest.simulationOptions(base, onPrem: onPrem) : base
    }

    /// The threads to use: `workers`, else every core here.
    var threads: Int { workers ?? ProcessInfo.processInfo.activeProcessorCount }
}

/// `placer simulate`: a finished replay of every target, with what it was made from.
public struct SimulationRun {
    /// The replay's result, with its lockIn and memory sections.
    public var result: SimulationResult
    /// The trace as stored.
    public var store: TraceStore
    /// The engine's workload made from it.
    public var workload: Workload
    /// The deployment file read, if any.
    public var deployment: Deployment?
    /// The catalog, with the deployment's overrides.
    public var catalog: Catalog
    /// The simulated targets as configured.
    public var targets: [SimulationTarget]
    /// Lock-in and compliance of every function on them.
    public var lockIn: LockInReport
    /// The engine's options the replay ran with (break-even re-simulates with them).
    public var options: SimulationOptions

    /// Loads the trace and deployment, simulates every target, and adds the lock-in and memory
    /// sections. Notes and lock-in diagnostics go to `progress`.
    public static func run(_ request: SimulationRequest, progress: some ProgressObserver = IgnoringProgress()) throws -> SimulationRun {
        let setup = try TargetSetup(request)
        let plan = setup.plan
        var targets = setup.targets
        let catalog = setup.catalog
        let ids = targets.map(\.profile.id)
        let cluster = try FixedClusterChoice(servers: request.servers, deployment: plan)

        let store = try Inputs.trace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows, progress: progress)
        var workload = try Self.workload(store, deployment: plan, inferredFloorMB: catalog.smallestCloudMemoryMB,
                                         periodSeconds: request.periodSeconds)
        if let accounts = request.accounts { workload.accounts = accounts }
        // A fixed cluster places each function's calls by the cores they need (the workload's).
        for i in targets.indices where targets[i].profile.kind == .onprem {
            targets[i].model.cluster = try cluster.model(for: targets[i].profile, workload: workload)
        }

        var options = request.options
        // Placement costs every on-prem platform simulated: each needs its per-function series.
        if request.placementFollows { options.functionSeries = Set(targets.filter { $0.profile.kind == .onprem }.map(\.profile.id)) }
        var result: SimulationResult
        logger.debug("replaying \(workload.apps.count) scaling groups on \(ids.joined(separator: ", ")): seed \(options.seed), \(options.workers) threads, fast path \(options.fastPath ? "on" : "off")")
        do { result = try timed("replay") { try Simulator.run(workload, targets: targets, options: options) } } catch let error as PricingError {
            throw UseCaseError.usage("\(error)")
        }
        let (sections, lockIn) = try timed("sections") { try Self.sections(request: request, store: store, workload: workload, setup: setup,
                                                   outcomes: result.targets, progress: progress) }
        for (key, value) in sections { result.sections[key] = value }
        return SimulationRun(result: result, store: store, workload: workload, deployment: plan, catalog: catalog, targets: targets,
                             lockIn: lockIn, options: options)
    }

    /// The sections computed outside the replay (lock-in, memory, the calibration fit's error on
    /// the replay's `outcomes`), and the lock-in report.
    static func sections(request: SimulationRequest, store: TraceStore, workload: Workload, setup: TargetSetup,
                         outcomes: [TargetOutcome], progress: some ProgressObserver) throws -> (sections: [String: JSONValue], lockIn: LockInReport) {
        var sections: [String: JSONValue] = [:]
        let (plan, fitted, targets, catalog) = (setup.plan, setup.fitted, setup.targets, setup.catalog)
        // Lock-in and compliance of every function on the simulated targets (docs/lockin.md).
        let lockIn = try LockInCheck.report(store: store, candidates: targets.map(\.profile), catalog: catalog, deployment: plan,
                                            current: request.current, progress: progress)
        for diagnostic in lockIn.diagnostics { progress.observe(.message(diagnostic.description)) }
        sections["lockIn"] = .raw(lockIn.json())
        let used: [MemoryUse]
        do { used = try store.memoryUse() } catch { throw UseCaseError.reading(error, context: "cannot read the trace") }
        sections["memory"] = workload.memoryJSON(used: Dictionary(used.map { ($0.app + "/" + $0.function, ($0.peakMB, $0.meanMB, $0.calls)) },
                                                                          uniquingKeysWith: { a, _ in a }))
        if let fitted, let path = request.calibration, let outcome = outcomes.first(where: { $0.id == fitted.target }) {
            sections["calibration"] = try Self.fitError(fitted, file: path, outcome: outcome, store: store)
        }
        return (sections, lockIn)
    }
}

/// The targets a request simulates, as configured: the catalog with the deployment's overrides,
/// each profile's discount, account quota, region candidates, calibration and keep-alive choice
/// (no fixed cluster: that needs the workload). What `simulate` and the merge of its shards share.
struct TargetSetup {
    var catalog: Catalog
    var plan: Deployment?
    var fitted: ObservedCalibration?
    var targets: [SimulationTarget]

    init(_ request: SimulationRequest) throws {
        var catalog = try Inputs.catalog(request.catalog)
        let plan = try Inputs.deployment(request.deployment)
        let ids = request.targets.isEmpty ? (plan?.targets.map(\.id) ?? []) : request.targets
        guard !ids.isEmpty else { throw UseCaseError.usage("give at least one --target (see `placer catalog list`), or a --deployment with targets") }

        let calibration = try Inputs.calibrationFile(request.calibration)
        var measured: Calibration?, fitted: ObservedCalibration?
        switch calibration {
        case .machine(let m)?: measured = m
        case .observed(let o)?:
            guard ids.contains(o.target) else {
                throw UseCaseError.usage("\(request.calibration ?? ""): the fit is for \(o.target), which is not among the targets simulated (\(ids.joined(separator: ", ")))")
            }
            fitted = o
        case nil: break
        }
        var targets: [SimulationTarget] = []
        do {
            let today = Inputs.today()
            for id in ids {
                var discount: Decimal = 0
                var newAccount = false
                if let selection = plan?.targets.first(where: { $0.id == id }) {
                    if let override = selection.override {
                        // A wrong --target is a usage error; a wrong override in the deployment file is bad input.
                        do { catalog = try catalog.overriding(id, with: override, origin: plan?.file ?? "", read: today) } catch let error as CatalogError {
                            throw UseCaseError.badInput("\(error)")
                        }
                    }
                    discount = selection.discountPercent ?? 0
                    newAccount = selection.newAccount
                }
                var profile = try catalog.profile(id)
                if newAccount {
                    guard let quota = profile.limits.newAccountConcurrency else {
                        throw UseCaseError.badInput("\(plan?.file ?? "deployment"): \(id) has no new-account quota in its profile (limits.newAccountConcurrency); drop 'account: new' or set limits.concurrency")
                    }
                    profile.limits.concurrency = quota
                }
                let quotaNote = newAccount ? "new account ('account: new'): the account quota is \(profile.limits.concurrency?.value ?? 0) calls in flight (limits.newAccountConcurrency), not the established account's" : nil
                var pricing = PricingOptions(freeTier: request.freeTier, discountPercent: discount, region: request.region)
                if request.region == nil, let plan { pricing.regionCandidates = SimulationRun.compliantRegions(profile, deployment: plan) }
                var selected = SimulationTarget(profile: profile, pricing: pricing)
                if let fitted, fitted.target == id { fitted.apply(to: &selected.model) }
                if request.keepAlive == .hybridHistogram { selected.model.keepAlive = .hybridHistogram(HybridHistogram()) }
                if let quotaNote { selected.model.notes.append(quotaNote) }
                if let measured, profile.kind == .onprem { measured.apply(to: &selected.model) }
                targets.append(selected)
            }
        } catch let error as CatalogError {
            throw UseCaseError.usage("\(error)")
        }
        self.catalog = catalog
        self.plan = plan
        self.fitted = fitted
        self.targets = targets
    }
}

extension SimulationRun {
    /// The regions of a cloud `profile` that meet the requirements every function has (the
    /// deployment's `requirements:` and `defaults:`), where those name regions or data classes
    /// that do; empty when they name none (the profile's own region is billed) or none complies
    /// (the compliance verdicts say so).
    static func compliantRegions(_ profile: Profile, deployment plan: Deployment) -> [String] {
        let common = Requirements(plan.defaults)
        guard profile.kind == .cloud, !common.regionConstraints.isEmpty else { return [] }
        let verdict = ComplianceModel.verdict(common, on: profile, site: plan.site)
        return verdict.allowed ? verdict.regions : []
    }

    /// The `calibration` section: the fit's figures and its error on the trace's own calls.
    static func fitError(_ fit: ObservedCalibration, file: String, outcome: TargetOutcome, store: TraceStore) throws -> JSONValue {
        let observed: [ObservedCalls]
        do { observed = try store.observedCalls() } catch { throw UseCaseError.badInput("cannot read the trace: \(error)") }
        var counts: [FunctionKey: (calls: Int, cold: Int)] = [:]
        for f in observed { counts[f.key] = (f.cold.count, f.coldCount) }
        let check = ColdStartCheck(outcome, observed: counts)
        let k = fit.keepAlive
        var fields: [String: JSONValue] = [
            "file": .string(file), "trace": .string(fit.trace), "confidence": .string("observed"),
            "keepAliveSeconds": .fixed(k.idleSeconds, 3),
            "longestWarmSeconds": k.longestWarmSeconds.map { JSONValue.fixed($0, 3) } ?? JSONValue.null,
            "shortestColdSeconds": k.shortestColdSeconds.map { JSONValue.fixed($0, 3) } ?? JSONValue.null,
            "observations": .int(k.warmObservations + k.coldObservations), "disagreeing": .int(k.disagreeing),
        ]
        fields["coldStart"] = fit.coldStart.map { c in
            JSONValue.object(["medianMs": .fixed(c.medianMs, 3), "p99Ms": .fixed(c.p99Ms, 3), "samples": .int(c.samples)])
        } ?? JSONValue.null
        return check.json(fit: fields)
    }

    /// The engine's workload from the store: memory from the deployment's rules where they set
    /// it, then each function's timeout and provisioned instances from them.
    static func workload(_ store: TraceStore, deployment plan: Deployment?, inferredFloorMB: Double?,
                         periodSeconds: Double? = nil) throws -> Workload {
        var workload: Workload
        do {
            workload = try WorkloadLoader.load(store, configuredMemory: { key in plan?.settings(function: key.function, app: key.app).memoryMB },
                                               inferredFloorMB: inferredFloorMB, untimedPeriodSeconds: periodSeconds)
        } catch {
            throw UseCaseError.reading(error, context: "cannot read the trace")
        }
        if let plan {
            for a in workload.apps.indices {
                for f in workload.apps[a].functions.indices {
                    let key = workload.apps[a].functions[f].key
                    let settings = plan.settings(function: key.function, app: key.app)
                    workload.apps[a].functions[f].timeoutMs = settings.timeoutSeconds.map { $0 * 1000 }
                    workload.apps[a].functions[f].provisioned = settings.provisioned
                    workload.apps[a].functions[f].ephemeralStorageMB = settings.ephemeralStorageMB
                }
            }
        }
        guard !workload.apps.isEmpty else {
            if store.untimedInvocations > 0 {
                throw UseCaseError.badInput("the trace's \(store.untimedInvocations) invocations carry no times: give the period the log covers (e.g. --period 7d) for a cost estimate")
            }
            throw UseCaseError.badInput("the trace holds no invocations to replay")
        }
        return workload
    }
}
