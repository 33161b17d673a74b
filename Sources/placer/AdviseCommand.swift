import ArgumentParser
import Foundation
import Placement
import Pricing
import Results
import Simulation
import Traces

/// `placer advise`: replays a trace on every target, adds what the report needs, and writes the
/// result JSON and the markdown report with its charts.
struct AdviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Simulate every target and write the markdown report (with charts) and the result JSON.",
        discussion: "Targets: --targets, else the deployment's, else every target in the catalog. The JSON (placer.result/v1, docs/result.md) holds everything the report shows: `placer report` renders it again.")

    @Argument(help: "A database written by `placer ingest`, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "A deployment file: targets, overrides, per-function settings, requirements.") var deployment: String?
    @Option(name: .long, parsing: .singleValue, help: "Target ids, comma-separated (default: the deployment's, else every catalog target).") var targets: [String] = []
    @Flag(name: .customLong("execute-sample"), help: "Execute the trace's first minute here through real processes and report the model's error.") var executeSample = false
    @Option(name: .long, help: "The report's path; SVG charts are written beside it.") var out = "placer-report.md"
    @Option(name: .long, help: "The result JSON's path (default: the report's path with .json).") var json: String?
    @Option(name: .long, help: "Seed for arrival times, durations and cold starts.") var seed: UInt64 = 1
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(name: .long, help: "Where functions run today, for lock-in (default: guessed from the trace's format).") var current: String?
    @Option(name: .long, help: "The on-prem platform placement sizes a cluster of (default: the deployment's first on-prem target, else openfaas, else the first on-prem candidate).") var onprem: String?
    @Option(name: .long, help: "Months a plan's saving is counted over against its migration cost (default 36).") var horizon: Int?
    @Option(name: .customLong("day-rate"), help: "USD per developer-day of migration effort (default: a sourced US figure, docs/decision.md).") var dayRate: Double?
    @Option(name: .long, help: "Threads to use (default: every core); results do not depend on it.") var workers: Int?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?

    func run() throws {
        guard out.hasSuffix(".md") else { throw fail("--out \(out): the report's name must end in .md", Exit.usage) }
        let jsonPath = json ?? String(out.dropLast(3)) + ".json"
        let plan = try loadDeployment(deployment)
        let inputs: OnPremInputs
        do { inputs = try OnPremInputs.read(plan) } catch { throw fail("\(error)", Exit.badInput) }
        let known = try loadCatalog(catalog)
        var ids = targets.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        if ids.isEmpty, plan?.targets.isEmpty ?? true { ids = known.ids }
        let onPrem = try onPremPlatform(ids.isEmpty ? (plan?.targets.map(\.id) ?? []) : ids, catalog: known)
        let request = SimulationRequest(paths: paths, targets: ids, deployment: deployment, seed: seed, catalog: catalog,
                                        workers: workers, format: format, current: current,
                                        adjust: { PlacementRequest.simulationOptions($0, onPrem: onPrem) })
        let progress = Progress()
        let decision = try decisionInputs(horizon: horizon, dayRate: dayRate)
        let result = try AdvisePipeline(request: request, progress: progress, onPrem: onPrem, inputs: inputs, decision: decision,
                                        executeSample: executeSample).run()

        // The report is rendered from the JSON as written, so `placer report` of it gives the same bytes.
        let text = result.json()
        let doc: ResultDocument
        do { doc = try ResultDocument.parse(Data(text.utf8), file: jsonPath) } catch {
            throw fail("the result could not be read back: \(error)", Exit.failure)
        }
        try writeAll([(jsonPath, text)])
        let written = try writeReport(doc, to: out)
        print("wrote \(out) (\(chartCount(written.count - 1)) beside it) and \(jsonPath)")
    }

    /// The one on-prem platform placement buys a cluster of: --onprem, else openfaas when it is
    /// a candidate, else the first on-prem candidate; nil (no placement) when there is none.
    func onPremPlatform(_ ids: [String], catalog: Catalog) throws -> String? {
        if let onprem {
            guard (try? catalog.profile(onprem))?.kind == .onprem else {
                throw fail("--onprem \(onprem): not an on-prem target (see `placer catalog list`)", Exit.usage)
            }
            guard ids.contains(onprem) else { throw fail("--onprem \(onprem) is not among the targets simulated", Exit.usage) }
            return onprem
        }
        let onPremIds = ids.filter { (try? catalog.profile($0))?.kind == .onprem }
        return onPremIds.contains("openfaas") ? "openfaas" : onPremIds.first
    }
}
