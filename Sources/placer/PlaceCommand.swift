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

    func run() throws {
        var catalog = try loadCatalog(catalog)
        let plan = try loadDeployment(deployment)
        let inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw fail("\(error)", Exit.badInput) }

        // Candidates: --targets, else the deployment's, else every active cloud target; plus one on-prem platform.
        var ids: [String]
        if let targets {
            ids = targets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else if let plan, !plan.targets.isEmpty {
            ids = plan.targets.map(\.id)
        } else {
            ids = catalog.ids.filter { id in (try? catalog.profile(id)).map { $0.kind == .cloud && $0.status.state == .active } ?? false }
        }
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
        var selected: [SimulationTarget] = []
        let onPremId: String
        do {
            for selection in plan?.targets ?? [] where selection.override != nil {
                catalog = try catalog.overriding(selection.id, with: selection.override!, origin: plan?.file ?? "", read: today)
            }
            let profiles = try ids.map { try catalog.profile($0) }
            onPremId = onprem ?? profiles.first(where: { $0.kind == .onprem })?.id ?? "openfaas"
            let onPremProfile = try catalog.profile(onPremId)
            guard onPremProfile.kind == .onprem else { throw fail("--onprem \(onPremId) is a cloud target; give an on-prem platform (see `placer catalog list`)", Exit.usage) }
            for profile in profiles where profile.kind == .cloud {
                let discount = plan?.targets.first(where: { $0.id == profile.id })?.discountPercent ?? 0
                selected.append(SimulationTarget(profile: profile, pricing: PricingOptions(discountPercent: discount)))
            }
            selected.append(SimulationTarget(profile: onPremProfile))
        } catch let error as CatalogError {
            // A wrong --targets or --onprem is a usage error; a wrong id in the deployment file is bad input.
            if targets == nil, onprem == nil, let plan { throw fail("\(plan.file): \(error)", Exit.badInput) }
            throw fail(error, Exit.usage)
        }
        let skipped = ids.filter { id in id != onPremId && (try? catalog.profile(id))?.kind == .onprem }
        if !skipped.isEmpty { printError("note: one on-prem platform is placed at a time: \(onPremId) (not \(skipped.joined(separator: ", "))); --onprem to choose") }

        let store = try loadTrace(paths, format: format, skipInvalidRows: false)
        let workload: Workload
        do {
            workload = try WorkloadLoader.load(store) { key in plan?.settings(function: key.function, app: key.app).memoryMB }
        } catch {
            throw fail("cannot read the trace: \(error)", Exit.badInput)
        }
        guard !workload.apps.isEmpty else { throw fail("the trace holds no invocations to replay", Exit.badInput) }

        let base = SimulationOptions(seed: seed, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        let options = PlacementRequest.simulationOptions(base, onPrem: onPremId)
        var result: SimulationResult
        do { result = try Simulator.run(workload, targets: selected, options: options) } catch {
            throw fail("\(error)", Exit.usage)
        }
        let lockIn = try lockInReport(store: store, candidates: selected.map(\.profile), catalog: catalog, plan: plan, current: current)
        for diagnostic in lockIn.diagnostics { printError(diagnostic.description) }

        let placement: PlacementPlan
        var breakEven: BreakEvenAnalysis?
        do {
            placement = try Placement.plan(PlacementRequest(result: result, targets: selected, onPrem: onPremId, inputs: inputs,
                                                            deployment: plan, lockIn: lockIn))
            if !noBreakEven {
                breakEven = try BreakEven.analyse(BreakEvenRequest(result: result, targets: selected, onPrem: onPremId, inputs: inputs,
                                                                   workload: workload, options: base))
            }
        } catch {
            throw fail("\(error)", Exit.failure)
        }
        if let json {
            result.sections["lockIn"] = .raw(lockIn.json())
            result.sections["placement"] = placement.jsonValue()
            if let breakEven { result.sections["breakEven"] = breakEven.jsonValue() }
            do { try result.json().write(toFile: json, atomically: true, encoding: .utf8) } catch {
                throw fail("\(json): cannot write the result: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        print(PlacementText.render(placement, breakEven: breakEven), terminator: "")
    }
}
