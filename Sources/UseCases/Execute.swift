import Executor
import Foundation
import Logging
import Pricing
import Results
import Simulation
import TraceLoading
import Traces

/// `placer execute`: a trace's invocations (the simulator's schedule) replayed through real
/// processes here (module Executor, docs/executor.md); the schedule is shared with the HTTP backend.
public enum Execute {
    /// What to replay: the trace, the functions, the window and the pace.
    public struct ScheduleRequest: Sendable {
        /// A database written by `placer ingest`, or trace files and folders.
        public var paths: [String]
        /// The deployment file (placer.yaml).
        public var deployment: String?
        /// A format forced on trace files (nil: detected from each file).
        public var format: TraceFormat?
        /// Skip rows with bad values (reported by reason) instead of stopping.
        public var skipInvalidRows = false
        /// `--functions`: names or globs, and busiest:N.
        public var functions: String?
        /// `--window FROM..TO`.
        public var window: String?
        /// Seed for arrival times, durations and cold starts.
        public var seed: UInt64 = 1
        /// How a minute's invocations are spread.
        public var arrivals: ArrivalMode = .exponential
        /// Divide the time between arrivals by this factor (durations stay real).
        public var speedup: Double = 1
        /// Only print the schedule: no output file is needed.
        public var dryRun = false
        /// The per-invocation CSV and the summary JSON, checked writable before anything runs.
        public var out: String?
        /// Where the summary JSON is written (nil: not written).
        public var json: String?

        /// A request with what most callers set; the rest keep their defaults.
        public init(paths: [String]) { self.paths = paths }
    }

    /// The calls to make, in order, and the workload they come from.
    public struct Schedule: Sendable {
        /// The calls, in the order they are made.
        public var calls: [ExecCall]
        /// The chosen functions.
        public var workload: Workload
        /// Functions in the chosen workload.
        public var functionCount: Int { workload.apps.reduce(0) { $0 + $1.functions.count } }
    }

    /// The schedule, after every check that can fail before a replay starts.
    public static func schedule(_ request: ScheduleRequest, progress: some ProgressObserver = IgnoringProgress()) throws -> Schedule {
        let (from, to) = try ReplayWindow.parse(request.window)
        guard request.dryRun || request.out != nil else { throw UseCaseError.usage("give --out FILE.csv for the per-invocation CSV (or --dry-run)") }
        if !request.dryRun {
            // Fail before running, not after: the outputs must be writable.
            for path in [request.out, request.json].compactMap({ $0 }) { try Outputs.checkWritable(path) }
        }
        let plan = try Inputs.deployment(request.deployment)
        let store = try Inputs.trace(request.paths, format: request.format, skipInvalidRows: request.skipInvalidRows, progress: progress)
        var workload: Workload
        do {
            workload = try WorkloadLoader.load(store) { key in plan?.settings(function: key.function, app: key.app).memoryMB }
        } catch {
            throw UseCaseError.reading(error, context: "cannot read the trace")
        }
        workload = try FunctionChoice.parse(request.functions).select(workload)
        let scheduled = ArrivalSchedule.calls(workload, seed: request.seed, mode: request.arrivals, from: from, to: to)
        guard let first = scheduled.first else { throw UseCaseError.badInput("no invocations in the chosen functions and window") }
        logger.debug("schedule: \(scheduled.count) calls of \(workload.apps.reduce(0) { $0 + $1.functions.count }) functions from \(first.seconds) s")
        // The replay starts with the first invocation: no idle wait for a late first call.
        return Schedule(calls: ReplayPlan.calls(scheduled, windowStart: first.seconds, speedup: request.speedup), workload: workload)
    }

    /// How the local backend runs the schedule.
    public struct LocalRequest: Sendable {
        /// The target whose instance model is executed (nil: openwhisk).
        public var target: String?
        /// A folder of profiles that add to or override the bundled ones.
        public var catalog: String?
        /// `NAME=COMMAND`: a function run as the user's own program (no shell).
        public var functions: [String] = []
        /// Replace the target's keep-alive with a fixed idle time, seconds.
        public var keepAliveSeconds: Double?
        /// Init phase of each synthetic instance, ms of CPU.
        public var initMs: Double?
        /// A profile measured by `placer calibrate`, for the model's error.
        public var calibration: String?
        /// Invocations running at once (nil: the cores here).
        public var slots: Int?
        /// Kill an invocation (or an instance's start) running longer than this, seconds.
        public var timeout: Double = 120
        /// Limit instances' address space to their function's memory.
        public var limitMemory = true
        /// Pass on what instances write to standard error.
        public var instanceStderr = false
        /// Simulate the same calls and measure the model's error.
        public var compareSimulation = false
        /// The `placer-worker` executable.
        public var worker = "placer-worker"
        /// The per-invocation CSV; the summary JSON (placer.execution/v1).
        public var out: String?
        /// Where the summary JSON is written (nil: not written).
        public var json: String?
        /// For the summary's notes: the schedule's seed, arrivals and speed-up.
        public var seed: UInt64 = 1
        /// How a minute's invocations are spread.
        public var arrivals: ArrivalMode = .exponential
        /// The factor the time between arrivals is divided by.
        public var speedup: Double = 1

        public init() {}
    }

    /// A local run checked and ready: the target's model and the user's programs.
    public struct LocalPlan: Sendable {
        /// The target whose instance model runs.
        public var target: String
        /// Its profile.
        public var profile: Profile
        /// Its instance model, with any keep-alive override.
        public var model: TargetModel
        /// The machine's measured profile, if one was given.
        public var calibration: Calibration?
        /// The user's programs by function name, as argument vectors.
        public var commands: [String: [String]]
    }

    /// Checks the target, the calibration and the user's programs against the schedule.
    public static func prepareLocal(_ request: LocalRequest, for schedule: Schedule) throws -> LocalPlan {
        let target = request.target ?? "openwhisk"
        let catalog = try Inputs.catalog(request.catalog)
        let profile: Profile
        do { profile = try catalog.profile(target) } catch { throw UseCaseError.usage("\(error)") }
        var model = TargetModel(profile: profile)
        if let seconds = request.keepAliveSeconds { model.keepAlive = .fixed(idleSeconds: seconds) }
        let measured = try Inputs.calibration(request.calibration)
        let commands = try parseCommands(request.functions, schedule.workload)
        return LocalPlan(target: target, profile: profile, model: model, calibration: measured, commands: commands)
    }

    /// What a local run measured, and the model's error against it when asked for.
    public struct LocalOutcome: Sendable {
        /// Every invocation as it ran.
        public var result: ExecutionResult
        /// Its instance model, with any keep-alive override.
        public var modelError: ModelErrorTable?
        /// Why the model's error could not be computed, when it could not.
        public var modelErrorProblem: String?
    }

    /// Runs the schedule through real processes here, then writes the CSV and, if asked, the JSON.
    public static func runLocal(_ request: LocalRequest, plan: LocalPlan, schedule: Schedule,
                                progress: some ProgressObserver = IgnoringProgress()) throws -> LocalOutcome {
        let calls = schedule.calls
        var options = ExecutionOptions(model: plan.model, slots: request.slots ?? ProcessInfo.processInfo.activeProcessorCount,
                                       timeoutSeconds: request.timeout, worker: request.worker, commands: plan.commands,
                                       initMs: request.initMs ?? 0, limitMemory: request.limitMemory)
        options.instanceStderr = request.instanceStderr
        let span = calls.last.map { String(format: "%.1f", $0.scheduledSeconds) } ?? "0.0"
        progress.observe(.message("executing \(calls.count) invocations of \(schedule.functionCount) functions on \(plan.target) over \(span) s…"))
        let result = LocalExecutor(options: options).run(calls)
        if let out = request.out {
            do { try InvocationCSV.write(result.records, startUnixMicros: result.startUnixMicros, to: out) } catch {
                throw UseCaseError.cannotCreate("\(out): cannot write the invocations: \(error.localizedDescription)")
            }
        }
        var outcome = LocalOutcome(result: result)
        var sections: [String: JSONValue] = ["schema": .string("placer.execution/v1")]
        if request.compareSimulation || request.json != nil {
            let sample = "\(calls.count) invocations of \(schedule.functionCount) functions, seed \(request.seed), \(request.arrivals.rawValue) arrivals, speed-up \(request.speedup)"
            do {
                let table = try ModelError.compare(calls: calls, result: result, target: SimulationTarget(profile: plan.profile, model: plan.model),
                                                   calibration: plan.calibration, sample: sample, seed: request.seed)
                outcome.modelError = table
                sections["modelError"] = table.json()
            } catch {
                outcome.modelErrorProblem = "cannot simulate the executed calls: \(error)"
            }
        }
        if let json = request.json {
            let summary = ExecutionSummary(result)
            sections["summary"] = .object([
                "scheduled": .int(summary.scheduled), "ran": .int(summary.ran), "succeeded": .int(summary.succeeded),
                "failures": .object(summary.failures.mapValues { .int($0) }), "coldStarts": .int(summary.coldStarts),
                "latenessP99Ms": .fixed(summary.latenessMs.p99, 3), "responseP50Ms": .fixed(summary.responseMs.p50, 3),
                "responseP99Ms": .fixed(summary.responseMs.p99, 3), "instanceSeconds": .fixed(summary.instanceSeconds, 3),
                "interrupted": .string(summary.interrupted ? "yes" : "no"),
            ])
            var text = ""
            JSONValue.object(sections).write(into: &text)
            try Outputs.write(text + "\n", to: json, what: "")
        }
        return outcome
    }

    /// `NAME=COMMAND` entries as argument vectors, checked against the scheduled functions.
    static func parseCommands(_ entries: [String], _ workload: Workload) throws -> [String: [String]] {
        let names = Set(workload.apps.flatMap { $0.functions.map(\.key.function) })
        var commands: [String: [String]] = [:]
        for entry in entries {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw UseCaseError.usage("--function \(entry): expected NAME=COMMAND")
            }
            let name = String(entry[..<eq])
            let words: [String]
            do { words = try splitCommand(String(entry[entry.index(after: eq)...])) } catch { throw UseCaseError.usage("--function \(name): \(error)") }
            guard let program = words.first else { throw UseCaseError.usage("--function \(name): the command is missing") }
            guard names.contains(name) else {
                let some = names.sorted().prefix(5).joined(separator: ", ")
                throw UseCaseError.usage("--function \(name): no function \(name) among those replayed (\(some)\(names.count > 5 ? ", …" : ""))")
            }
            guard executableExists(program) else { throw UseCaseError.usage("--function \(name): cannot find the program \(program)") }
            commands[name] = words
        }
        return commands
    }

    private static func executableExists(_ program: String) -> Bool {
        if program.contains("/") { return access(program, X_OK) == 0 }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}
