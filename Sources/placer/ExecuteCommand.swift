import ArgumentParser
import Executor
import Foundation
import Simulation
import Traces
import UseCases

/// Which backend runs the schedule.
enum ExecutionBackend: String, ExpressibleByArgument, CaseIterable {
    case local, http
}

/// `placer execute`: replays a trace's invocations through real processes on this machine, or
/// against a real FaaS gateway (`--backend http`).
struct ExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Replay a trace through real function processes here, or against a real FaaS gateway, and measure every invocation.",
        discussion: """
            Arrivals and durations come from the simulator's generator (same seed, same schedule), for both backends. \
            local: each function instance is a process (placer-worker, or your own program with --function NAME=COMMAND, \
            see docs/executor.md), kept warm per the target's keep-alive policy; at most --slots invocations \
            run at once and the rest queue; --compare-simulation also simulates the same calls and prints the model's error. \
            http: each call is a POST to the gateway (OpenFaaS, Knative, OpenWhisk, Fn, Lambda function URLs) whose JSON \
            body is {"durationMs":…,"index":…,"memoryMB":…}; at most --concurrency calls are in flight (docs/gateway.md). \
            Writes one CSV row per invocation and prints a summary.
            """)

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "Backend: local (processes here) or http (a FaaS gateway).") var backend: ExecutionBackend = .local
    @Option(name: .long, help: "Output CSV, one row per invocation (not needed with --dry-run).") var out: String?
    @Option(name: .long, help: "Functions to replay, comma-separated: names or globs (function or app/function), and busiest:N for the N busiest of them.") var functions: String?
    @Option(name: .long, help: "Part of the trace to replay, FROM..TO from its start: 90s, 15m, 2h, 1d, 10h30m, 500ms; a bare number is minutes; either side may be empty. E.g. 60..65.") var window: String?
    @Option(name: .long, help: "Divide the time between arrivals by this factor (durations stay real).") var speedup: Double = 1
    @Option(name: .long, help: "Seed for arrival times and durations.") var seed: UInt64 = 1
    @Option(name: .long, help: "How a minute's invocations are spread: uniform, exponential or equidistant.") var arrivals: ArrivalMode = .exponential
    @Option(name: .long, help: "Local: kill an invocation (or an instance's start) running longer than this; http: record a call as a timeout after this. Seconds.") var timeout: Double = 120
    @Option(name: .long, help: "Write the summary as JSON to this file (placer.execution/v1, or placer.execution.http/v1).") var json: String?
    @Flag(name: .customLong("dry-run"), help: "Print the schedule as CSV and run nothing.") var dryRun = false
    @Option(help: "A deployment file: per-function memory.") var deployment: String?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?
    @Flag(help: "Skip rows with bad values instead of stopping.") var skipInvalidRows = false

    @Option(name: .long, help: "Local: invocations running at once (default: the cores here); the rest queue.") var slots: Int?
    @Option(name: .long, help: "Local: the target whose instance model is executed (default: openwhisk).") var target: String?
    @Option(name: .long, help: "Local: run a function as your own program: NAME=COMMAND (repeatable; no shell).") var function: [String] = []
    @Option(name: .customLong("keep-alive-seconds"), help: "Local: replace the target's keep-alive with a fixed idle time, seconds.") var keepAliveSeconds: Double?
    @Option(name: .customLong("init-ms"), help: "Local: init phase of each synthetic instance, ms of CPU (default: 0).") var initMs: Double?
    @Option(name: .long, help: "Local: a profile measured by `placer calibrate`, for --compare-simulation.") var calibration: String?
    @Flag(name: .customLong("compare-simulation"), help: "Local: simulate the same calls and print the model's error per metric.") var compareSimulation = false
    @Flag(name: .customLong("no-memory-limit"), help: "Local: do not limit instances' address space to their function's memory.") var noMemoryLimit = false
    @Flag(name: .customLong("instance-stderr"), help: "Local: show what instances write to standard error (default: discarded).") var instanceStderr = false
    @Option(name: .long, help: "Local: a folder of profiles that add to or override the bundled ones.") var catalog: String?

    @OptionGroup(title: "Options of --backend http") var http: GatewayOptions

    func validate() throws {
        guard speedup > 0, speedup.isFinite else { throw ValidationError("--speedup must be a positive number") }
        if let slots, slots < 1 { throw ValidationError("--slots must be at least 1") }
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
        if let keepAliveSeconds, keepAliveSeconds < 0 { throw ValidationError("--keep-alive-seconds cannot be negative") }
    }

    /// Local-only options given on the command line.
    private var localOptionsGiven: [String] {
        var names: [String] = []
        if slots != nil { names.append("--slots") }
        if target != nil { names.append("--target") }
        if !function.isEmpty { names.append("--function") }
        if keepAliveSeconds != nil { names.append("--keep-alive-seconds") }
        if initMs != nil { names.append("--init-ms") }
        if calibration != nil { names.append("--calibration") }
        if compareSimulation { names.append("--compare-simulation") }
        if noMemoryLimit { names.append("--no-memory-limit") }
        if instanceStderr { names.append("--instance-stderr") }
        if catalog != nil { names.append("--catalog") }
        return names
    }

    func run() throws {
        switch backend {
        case .local:
            if let first = http.given.first { throw fail("\(first) is an option of --backend http, not of the local backend", Exit.usage) }
        case .http:
            if let first = localOptionsGiven.first { throw fail("\(first) is an option of the local backend, not of --backend http", Exit.usage) }
        }
        var request = Execute.ScheduleRequest(paths: paths)
        request.deployment = deployment
        request.format = format
        request.skipInvalidRows = skipInvalidRows
        request.functions = functions
        request.window = window
        request.seed = seed
        request.arrivals = arrivals
        request.speedup = speedup
        request.dryRun = dryRun
        request.out = out
        request.json = json
        let schedule = try Execute.schedule(request, progress: TerminalProgress())
        switch backend {
        case .local: try runLocal(schedule)
        case .http: try runHTTP(schedule.calls)
        }
    }

    /// The schedule as CSV, for `--dry-run` (the same for both backends).
    func printSchedule(_ calls: [ExecCall]) {
        print("index,scheduledMs,app,function,durationMs,memoryMB")
        for c in calls { print("\(c.index),\(String(format: "%.3f", c.scheduledSeconds * 1000)),\(c.app),\(c.function),\(String(format: "%.3f", c.durationMs)),\(c.memoryMB)") }
    }

    /// The local backend: instances as processes here.
    private func runLocal(_ schedule: Execute.Schedule) throws {
        var request = Execute.LocalRequest()
        request.target = target
        request.catalog = catalog
        request.functions = function
        request.keepAliveSeconds = keepAliveSeconds
        request.initMs = initMs
        request.calibration = calibration
        request.slots = slots
        request.timeout = timeout
        request.limitMemory = !noMemoryLimit
        request.instanceStderr = instanceStderr
        request.compareSimulation = compareSimulation
        request.worker = workerPath()
        request.out = out
        request.json = json
        request.seed = seed
        request.arrivals = arrivals
        request.speedup = speedup
        let plan = try Execute.prepareLocal(request, for: schedule)
        if dryRun { printSchedule(schedule.calls); return }
        guard let out else { return }

        Interrupt.install()
        let outcome = try Execute.runLocal(request, plan: plan, schedule: schedule, progress: TerminalProgress())
        print(ExecutionText.render(outcome.result, load: LoadNote(calls: schedule.calls, speedup: speedup), target: plan.target), terminator: "")
        print("  invocations      \(out)")
        if compareSimulation, let table = outcome.modelError { print(""); print(table.text(), terminator: "") }
        if let problem = outcome.modelErrorProblem { printError("warning: " + problem) }
        if outcome.result.interrupted { throw ExitCode(130) }
    }
}
