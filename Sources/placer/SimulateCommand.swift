import ArgumentParser
import Simulation
import TerminalText
import Traces
import UseCases

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
    @Option(name: .long, help: "A machine profile from `placer calibrate` (on-prem targets take its measured cold start), or a fit from `placer calibrate --from TRACE --target ID` (that target takes the fitted keep-alive and cold start; the result gets the fit's error on the trace's calls).") var calibration: String?
    @Option(name: .long, help: "The period a log without times covers (7d, 12h, 90m): its calls are spread over it to estimate the bill; concurrency is not modelled.") var period: String?
    @Option(name: .long, help: "Whose quota and free grants each app uses: one (the whole trace is one account) or per-owner (each owner the trace names, e.g. the HashOwner of Azure or a CSV account column, is an account). Default: per-owner when the trace names owners, else one.") var accounts: AccountMode?
    @Flag(name: .customLong("no-free-tier"), help: "Do not apply free grants.") var noFreeTier = false
    @Flag(help: "Replay every call, also of busy functions the per-minute fast path would take (docs/result.md).") var exact = false
    @Flag(help: "Skip rows with bad values instead of stopping.") var skipInvalidRows = false
    @Option(name: .long, help: "Replay on-prem targets on a fixed cluster of N servers (default: the deployment's onprem.servers, else unlimited instances).") var servers: Int?

    func run() throws {
        var request = SimulationRequest(
            paths: paths, targets: target, deployment: deployment, seed: seed, arrivals: arrivals, catalog: catalog,
            region: region, keepAlive: keepAlive, workers: workers, format: format, current: current,
            freeTier: !noFreeTier, skipInvalidRows: skipInvalidRows, exact: exact,
            calibration: calibration, servers: servers, accounts: accounts)
        request.periodSeconds = try period.map(Inputs.period)
        let run = try SimulationRun.run(request, progress: TerminalProgress())
        if let json { try Outputs.writeResult(run.result, to: json) }
        print(SimulationText.render(run.result), terminator: "")
    }
}
