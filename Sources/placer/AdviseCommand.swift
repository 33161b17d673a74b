import ArgumentParser
import Simulation
import Traces
import UseCases

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
    @Option(name: .long, help: "The period a log without times covers (7d, 12h, 90m): its calls are spread over it to estimate the bill; concurrency is not modelled.") var period: String?
    @Option(name: .long, help: "A fit from `placer calibrate --from TRACE --target ID`: that target takes the fitted keep-alive and cold start, and the report shows the fit's error on the trace's calls.") var calibration: String?
    @Option(name: .long, help: "Replay on-prem targets on a fixed cluster of N servers and cost N (default: onprem.servers, else sized by simulation).") var servers: Int?

    @Option(name: .long, help: "Whose quota and free grants each app uses: one (the whole trace is one account) or per-owner (each owner the trace names, e.g. the HashOwner of Azure or a CSV account column, is an account). Default: per-owner when the trace names owners, else one.") var accounts: AccountMode?

    func run() throws {
        var request = Advise.Request(paths: paths, deployment: deployment, targets: targets.flatMap(commaList), out: out)
        request.json = json
        request.executeSample = executeSample
        request.seed = seed
        request.catalog = catalog
        request.current = current
        request.onPrem = onprem
        request.horizonMonths = horizon
        request.dayRateUSD = dayRate
        request.workers = workers
        request.format = format
        request.periodSeconds = try period.map(Inputs.period)
        request.calibration = calibration
        request.accounts = accounts
        request.worker = workerPath()
        request.servers = servers
        let written = try Advise.run(request, progress: TerminalProgress())
        print("wrote \(written.report) (\(chartCount(written.charts.count)) beside it) and \(written.json)")
    }
}

/// `1 chart`, `2 charts`.
func chartCount(_ n: Int) -> String { n == 1 ? "1 chart" : "\(n) charts" }
