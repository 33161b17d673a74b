import ArgumentParser
import Placement
import Simulation
import Traces
import UseCases

/// `placer place`: where each function should run (a cloud target or the on-prem cluster) for
/// the lowest monthly total under the deployment's constraints, and the volumes at which
/// on-prem overtakes each cloud target.
struct PlaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Hybrid placement per function (cloud or the on-prem cluster), its total and savings, and the break-even volumes.",
        discussion: """
            Simulates the trace on the candidates, sizes the on-prem cluster as the fewest servers on which \
            a replay meets the p99 objective (or replays it on --servers N), and places each function subject to the deployment's pins (`target:`), p99 \
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
    @Option(name: .long, help: "Replay the on-prem platform on a fixed cluster of N servers and cost N (default: onprem.servers, else the smallest cluster meeting the p99 objective, by simulation).") var servers: Int?

    @Option(name: .long, help: "Whose quota and free grants each app uses: one (the whole trace is one account) or per-owner (each owner the trace names, e.g. the HashOwner of Azure or a CSV account column, is an account). Default: per-owner when the trace names owners, else one.") var accounts: AccountMode?

    func run() throws {
        var request = Place.Request(
            paths: paths, deployment: deployment, targets: targets.map(commaList), onPrem: onprem, json: json, seed: seed, catalog: catalog,
            workers: workers, format: format, current: current, breakEven: !noBreakEven, horizonMonths: horizon, dayRateUSD: dayRate)
        request.servers = servers
        request.accounts = accounts
        let placed = try Place.run(request, progress: TerminalProgress())
        print(PlacementText.render(placed.decision, breakEven: placed.breakEven), terminator: "")
        print(PlacementText.render(onPrem: placed.onPremCosts), terminator: "")
        if let fit = placed.clusterFit { print("\n" + fit.text(), terminator: "") }
    }
}
