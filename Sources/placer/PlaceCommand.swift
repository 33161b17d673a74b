import ArgumentParser
import Deployment
import Foundation
import Placement
import Pricing
import Simulation
import TraceLoading
import Traces

/// `placer place`: where each function should run (a cloud target or the on-prem cluster) for
/// the lowest monthly total under the deployment's constraints, and the volumes at which
/// on-prem overtakes each cloud target.
struct PlaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Hybrid placement per function (cloud or the on-prem cluster), its total and savings, and the break-even volumes.",
        discussion: """
            Simulates the trace on the candidates, sizes the on-prem cluster from the peak of the summed \
            per-minute load, and places each function subject to the deployment's pins (`target:`), p99 \
            objective, compliance and maximum lock-in. On-prem cost inputs come from the deployment's \
            `onprem:` section over sourced defaults. JSON: placer.result/v1 with `placement` and \
            `breakEven` sections (docs/result.md).
            """)

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "The deployment file (placer.yaml): rules, requirements, onprem inputs.") var deployment: String?
    @Option(name: .long, help: "Candidate targets, comma-separated (default: the deployment's, else every active cloud target).") var targets: String?
    @Option(name: .long, help: "The on-prem platform to size (default: the first on-prem candidate, else openfaas).") var onprem: String?
    @Option(name: .long, help: "Write placer.result/v1 JSON with the placement and breakEven sections to this file.") var json: String?
    @Option(name: .long, help: "Seed for arrival times, durations and cold starts.") var seed: UInt64 = 1
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(name: .long, help: "Threads to use (default: every core); results do not depend on it.") var workers: Int?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?
    @Option(name: .long, help: "Where functions run today, for the lock-in section (default: guessed from the trace's format).") var current: String?
    @Flag(name: .customLong("no-break-even"), help: "Skip the break-even and sensitivity analysis.") var noBreakEven = false
    @Option(name: .long, help: "Months a plan's saving is counted over against its migration cost (default 36).") var horizon: Int?
    @Option(name: .customLong("day-rate"), help: "USD per developer-day of migration effort (default: a sourced US figure, docs/decision.md).") var dayRate: Double?

    func run() throws {
        let plan = try loadDeployment(deployment)
        let inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw fail("\(error)", Exit.badInput) }
        let (ids, onPremId) = try candidates(plan: plan)
        let decision = try decisionInputs(horizon: horizon, dayRate: dayRate)

        var run = try SimulationRun.run(SimulationRequest(
            paths: paths, targets: ids, deployment: deployment, seed: seed, catalog: catalog, workers: workers, format: format,
            current: current, adjust: { PlacementRequest.simulationOptions($0, onPrem: onPremId) }))
        let (outcome, breakEven) = try placeFunctions(run, onPrem: onPremId, inputs: inputs, decision: decision, breakEven: !noBreakEven)
        run.result.sections["placement"] = outcome.jsonValue()
        if let breakEven { run.result.sections["breakEven"] = breakEven.jsonValue() }
        if let json { try writeResult(run.result, to: json) }
        print(PlacementText.render(outcome, breakEven: breakEven), terminator: "")
    }

    /// The targets to simulate: --targets, else the deployment's, else every active cloud target;
    /// and the one on-prem platform placed (its first on-prem candidate, --onprem, else openfaas).
    func candidates(plan: Deployment?) throws -> (ids: [String], onPrem: String) {
        let catalog = try loadCatalog(catalog)
        var ids: [String]
        if let targets {
            ids = targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if let plan, !plan.targets.isEmpty {
            ids = plan.targets.map(\.id)
        } else {
            ids = catalog.ids.filter { id in (try? catalog.profile(id)).map { $0.kind == .cloud && $0.status.state == .active } ?? false }
        }
        let onPremId: String
        do {
            let profiles = try ids.map { try catalog.profile($0) }
            onPremId = onprem ?? profiles.first(where: { $0.kind == .onprem })?.id ?? "openfaas"
            guard try catalog.profile(onPremId).kind == .onprem else {
                throw fail("--onprem \(onPremId) is a cloud target; give an on-prem platform (see `placer catalog list`)", Exit.usage)
            }
        } catch let error as CatalogError {
            // A wrong --targets or --onprem is a usage error; a wrong id in the deployment file is bad input.
            if targets == nil, onprem == nil, let plan { throw fail("\(plan.file): \(error)", Exit.badInput) }
            throw fail(error, Exit.usage)
        }
        let skipped = ids.filter { id in id != onPremId && (try? catalog.profile(id))?.kind == .onprem }
        if !skipped.isEmpty { printError("note: one on-prem platform is placed at a time: \(onPremId) (not \(skipped.joined(separator: ", "))); --onprem to choose") }
        return (ids.filter { id in (try? catalog.profile(id))?.kind != .onprem } + [onPremId], onPremId)
    }
}

/// The plans compared and recommended (module Placement's `Decision`) and, unless skipped, the
/// break-even volumes of a finished replay; shared by `place` and `advise`.
func placeFunctions(_ run: SimulationRun, onPrem: String, inputs: OnPremInputs, decision: DecisionInputs,
                    breakEven: Bool) throws -> (DecisionOutcome, BreakEvenAnalysis?) {
    do {
        let request = PlacementRequest(result: run.result, targets: run.targets, onPrem: onPrem, inputs: inputs,
                                       deployment: run.plan, lockIn: run.lockIn)
        let decisionRequest = DecisionRequest(placement: request, inputs: decision)
        var outcome = try Decision.decide(decisionRequest)
        outcome.scenarios = try Decision.scenarios(outcome, request: decisionRequest, workload: run.workload, options: run.options)
        guard breakEven else { return (outcome, nil) }
        let analysis = try BreakEven.analyse(BreakEvenRequest(result: run.result, targets: run.targets, onPrem: onPrem, inputs: inputs,
                                                              workload: run.workload, options: run.options))
        return (outcome, analysis)
    } catch {
        throw fail("\(error)", Exit.failure)
    }
}

/// The decision's inputs: the bundled defaults, with --horizon and --day-rate where given.
func decisionInputs(horizon: Int?, dayRate: Double?) throws -> DecisionInputs {
    var inputs: DecisionInputs
    do { inputs = try DecisionInputs.defaults() } catch { throw fail("\(error)", Exit.failure) }
    if let horizon {
        guard (1...600).contains(horizon) else { throw fail("--horizon \(horizon): expected months from 1 to 600", Exit.usage) }
        inputs.horizonMonths = horizon
        inputs.origins["horizonMonths"] = "--horizon"
    }
    if let dayRate {
        guard dayRate.isFinite, (0...1_000_000).contains(dayRate) else { throw fail("--day-rate \(dayRate): expected USD from 0 to 1000000", Exit.usage) }
        inputs.dayRateUSD = Decimal(string: String(format: "%.2f", dayRate)) ?? 0
        inputs.origins["dayRateUSD"] = "--day-rate"
    }
    return inputs
}
