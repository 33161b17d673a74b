import Advice
import Deployment
import Executor
import Foundation
import Pricing
import Simulation
import Store
import TraceLoading
import Traces

/// What one replay needs: the trace, the deployment, the targets and the run-wide choices.
/// Shared by `simulate` and the commands that simulate on the way (advise, compare).
struct SimulationRequest {
    var paths: [String]
    var targets: [String] = []
    var deployment: String?
    var seed: UInt64 = 1
    var arrivals: ArrivalMode = .exponential
    var catalog: String?
    var region: String?
    var keepAlive: KeepAliveChoice?
    var workers: Int?
    var format: TraceFormat?
    var current: String?
    var freeTier = true
    var skipInvalidRows = false
    /// Replay every call, also of busy functions the per-minute fast path would take.
    var exact = false
    /// A machine profile from `placer calibrate`: on-prem targets take its measured cold start.
    var calibration: String?
    /// Last say on the engine's options (e.g. placement asks for per-function series).
    var adjust: (SimulationOptions) -> SimulationOptions = { $0 }
}

/// A finished replay, with what it was made from.
struct SimulationRun {
    var result: SimulationResult
    var store: TraceStore
    var workload: Workload
    var plan: Deployment?
    var catalog: Catalog
    var targets: [SimulationTarget]
    var lockIn: LockInReport
    /// The engine's options the replay ran with (break-even re-simulates with them).
    var options: SimulationOptions

    /// Loads the trace and deployment, simulates every target and adds the lock-in section.
    /// User mistakes become `fail(…)` errors with the right exit status.
    static func run(_ request: SimulationRequest) throws -> SimulationRun {
        var catalog = try loadCatalog(request.catalog)
        let plan = try loadDeployment(request.deployment)
        let ids = request.targets.isEmpty ? (plan?.targets.map(\.id) ?? []) : request.targets
        guard !ids.isEmpty else { throw fail("give at least one --target (see `placer catalog list`), or a --deployment with targets", Exit.usage) }

        let measured: Calibration?
        do { measured = try request.calibration.map { try Calibration.read(path: $0) } } catch { throw fail("\(error)", Exit.badInput) }
        var targets: [SimulationTarget] = []
        do {
            let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
            for id in ids {
                var discount: Decimal = 0
                if let selection = plan?.targets.first(where: { $0.id == id }) {
                    if let override = selection.override {
                        catalog = try catalog.overriding(id, with: override, origin: plan?.file ?? "", read: today)
                    }
                    discount = selection.discountPercent ?? 0
                }
                let profile = try catalog.profile(id)
                var selected = SimulationTarget(profile: profile, pricing: PricingOptions(freeTier: request.freeTier, discountPercent: discount, region: request.region))
                if request.keepAlive == .hybridHistogram { selected.model.keepAlive = .hybridHistogram(HybridHistogram()) }
                if let measured, profile.kind == .onprem { measured.apply(to: &selected.model) }
                targets.append(selected)
            }
        } catch let error as CatalogError {
            throw fail(error, Exit.usage)
        }

        let store = try loadTrace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows)
        var workload: Workload
        do {
            workload = try WorkloadLoader.load(store, configuredMemory: { key in plan?.settings(function: key.function, app: key.app).memoryMB },
                                               inferredFloorMB: catalog.smallestCloudMemoryMB)
        } catch {
            throw fail("cannot read the trace: \(error)", Exit.badInput)
        }
        if let plan {
            // Per-function timeout and provisioned instances from the deployment's rules.
            for a in workload.apps.indices {
                for f in workload.apps[a].functions.indices {
                    let key = workload.apps[a].functions[f].key
                    let settings = plan.settings(function: key.function, app: key.app)
                    workload.apps[a].functions[f].timeoutMs = settings.timeoutSeconds.map { $0 * 1000 }
                    workload.apps[a].functions[f].provisioned = settings.provisioned
                }
            }
        }
        guard !workload.apps.isEmpty else { throw fail("the trace holds no invocations to replay", Exit.badInput) }

        let options = request.adjust(SimulationOptions(seed: request.seed, arrivals: request.arrivals,
                                                       workers: request.workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                                       fastPath: !request.exact))
        var result: SimulationResult
        do { result = try Simulator.run(workload, targets: targets, options: options) } catch let error as PricingError {
            throw fail(error, Exit.usage)
        }
        // Lock-in and compliance of every function on the simulated targets (docs/lockin.md).
        let lockIn = try lockInReport(store: store, candidates: targets.map(\.profile), catalog: catalog, plan: plan, current: request.current)
        for diagnostic in lockIn.diagnostics { printError(diagnostic.description) }
        result.sections["lockIn"] = .raw(lockIn.json())
        let used: [MemoryUse]
        do { used = try store.memoryUse() } catch { throw fail("cannot read the trace: \(error)", Exit.badInput) }
        result.sections["memory"] = workload.memoryJSON(used: Dictionary(used.map { ($0.app + "/" + $0.function, ($0.peakMB, $0.meanMB, $0.calls)) },
                                                                          uniquingKeysWith: { a, _ in a }))
        return SimulationRun(result: result, store: store, workload: workload, plan: plan, catalog: catalog, targets: targets,
                             lockIn: lockIn, options: options)
    }
}

/// Writes a result JSON, or fails with "cannot create".
func writeResult(_ result: SimulationResult, to path: String) throws {
    do { try result.json().write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw fail("\(path): cannot write the result: \(error.localizedDescription)", Exit.cannotCreate)
    }
}
