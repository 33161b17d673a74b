import ArgumentParser
import Deployment
import Executor
import Foundation
import Pricing
import Reporting
import Simulation
import Store
import TraceLoading
import Traces

extension ArrivalMode: ExpressibleByArgument {}

/// Keep-alive policies that no profile names, chosen on the command line.
enum KeepAliveChoice: String, ExpressibleByArgument, CaseIterable {
    case hybridHistogram = "hybrid-histogram"
}

/// `placer simulate`: replays a trace on each target and prints what it would do and cost.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay a trace on each target: cold starts, latency, instances and the monthly bill.",
        discussion: "Give a database written by `placer ingest`, or trace files and folders. The same inputs and seed give byte-identical JSON (placer.result/v1, see docs/result.md).")

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "A target id (repeat for several; default: the deployment's targets).") var target: [String] = []
    @Option(name: .long, help: "A deployment file: target overrides, discounts and per-function memory.") var deployment: String?
    @Option(name: .long, help: "Seed for arrival times, durations and cold starts.") var seed: UInt64 = 1
    @Option(name: .long, help: "How a minute's invocations are spread: uniform, exponential or equidistant.") var arrivals: ArrivalMode = .exponential
    @Option(name: .long, help: "Write the result as JSON to this file.") var json: String?
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(name: .long, help: "Region whose price multiplier applies.") var region: String?
    @Option(name: .customLong("keep-alive"), help: "Replace every target's keep-alive policy: hybrid-histogram (Serverless in the Wild).") var keepAlive: KeepAliveChoice?
    @Option(name: .long, help: "Threads to use (default: every core); results do not depend on it.") var workers: Int?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?
    @Option(name: .long, help: "Where functions run today, for the lock-in section (default: guessed from the trace's format).") var current: String?
    @Option(name: .long, help: "A machine profile from `placer calibrate`: on-prem targets take its measured cold start.") var calibration: String?
    @Flag(name: .customLong("no-free-tier"), help: "Do not apply free grants.") var noFreeTier = false
    @Flag(help: "Skip rows with bad values instead of stopping.") var skipInvalidRows = false

    func run() throws {
        var catalog = try loadCatalog(catalog)
        let plan = try loadDeployment(deployment)
        let ids = target.isEmpty ? (plan?.targets.map(\.id) ?? []) : target
        guard !ids.isEmpty else { throw fail("give at least one --target (see `placer catalog list`), or a --deployment with targets", Exit.usage) }

        let measured: Calibration?
        do { measured = try calibration.map { try Calibration.read(path: $0) } } catch { throw fail("\(error)", Exit.badInput) }
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
                var selected = SimulationTarget(profile: profile, pricing: PricingOptions(freeTier: !noFreeTier, discountPercent: discount, region: region))
                if keepAlive == .hybridHistogram { selected.model.keepAlive = .hybridHistogram(HybridHistogram()) }
                if let measured, profile.kind == .onprem { measured.apply(to: &selected.model) }
                targets.append(selected)
            }
        } catch let error as CatalogError {
            throw fail(error, Exit.usage)
        }

        let store = try loadTrace(paths, format: format, skipInvalidRows: skipInvalidRows)
        let workload: Workload
        do {
            workload = try WorkloadLoader.load(store) { key in plan?.settings(function: key.function, app: key.app).memoryMB }
        } catch {
            throw fail("cannot read the trace: \(error)", Exit.badInput)
        }
        guard !workload.apps.isEmpty else { throw fail("the trace holds no invocations to replay", Exit.badInput) }

        let options = SimulationOptions(seed: seed, arrivals: arrivals, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
        var result: SimulationResult
        do { result = try Simulator.run(workload, targets: targets, options: options) } catch let error as PricingError {
            throw fail(error, Exit.usage)
        }
        // Lock-in and compliance of every function on the simulated targets (docs/lockin.md).
        let lockIn = try lockInReport(store: store, candidates: targets.map(\.profile), catalog: catalog, plan: plan, current: current)
        for diagnostic in lockIn.diagnostics { printError(diagnostic.description) }
        result.sections["lockIn"] = .raw(lockIn.json())
        if let json {
            do { try result.json().write(toFile: json, atomically: true, encoding: .utf8) } catch {
                throw fail("\(json): cannot write the result: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        print(SimulationText.render(result), terminator: "")
    }
}

/// The terminal summary of a simulation result.
enum SimulationText {
    static func render(_ r: SimulationResult) -> String {
        let functions = r.targets.first?.functions.count ?? 0
        var lines = ["Replayed \(functions) functions over \(Format.number(r.days)) days (seed \(r.seed), \(r.arrivals.rawValue) arrivals)", ""]
        let header = [("target", 20), ("invocations", 12), ("cold", 8), ("throttled", 10), ("p50 ms", 9), ("p99 ms", 9),
                      ("peak inst", 10), ("inst-hours", 11), ("billed GB-s", 12), ("USD/month", 12)]
        lines.append(header.enumerated().map { $0.offset == 0 ? Format.pad($0.element.0, $0.element.1) : Format.padLeft($0.element.0, $0.element.1) }.joined())
        for t in r.targets {
            let o = t.total
            let cold = o.invocations > 0 ? Format.percent(Double(o.coldStarts) / Double(o.invocations)) : "-"
            let cost = o.monthlyCost.map { usd($0.total) } ?? "on-prem"
            let cells = [Format.pad(t.id, 20), Format.padLeft(Format.count(Double(o.invocations)), 12), Format.padLeft(cold, 8),
                         Format.padLeft(Format.count(Double(o.throttled)), 10), Format.padLeft(String(format: "%.0f", o.latencyMs.p50), 9),
                         Format.padLeft(String(format: "%.0f", o.latencyMs.p99), 9), Format.padLeft(String(o.peakInstances), 10),
                         Format.padLeft(String(format: "%.1f", o.instanceSeconds / 3600), 11),
                         Format.padLeft(String(format: "%.0f", o.billedGBSeconds), 12), Format.padLeft(cost, 12)]
            lines.append(cells.joined())
        }
        lines.append("")
        for t in r.targets {
            lines.append("\(t.id): instances per \(t.scalingUnit), keep-alive \(t.keepAlive)")
            for note in t.notes + (t.bill?.notes ?? []) { lines.append("  note: \(note)") }
        }
        for note in r.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func usd(_ d: Decimal) -> String {
        var value = d, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return "$" + String(format: "%.2f", NSDecimalNumber(decimal: rounded).doubleValue)
    }
}
