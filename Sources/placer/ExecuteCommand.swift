import ArgumentParser
import Deployment
import Executor
import Foundation
import Pricing
import Results
import Simulation
import TraceLoading
import Traces

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
        let (from, to) = try ReplayWindow.parse(window)
        guard dryRun || out != nil else { throw fail("give --out FILE.csv for the per-invocation CSV (or --dry-run)", Exit.usage) }
        if !dryRun {
            // Fail before running, not after: the outputs must be writable.
            for path in [out, json].compactMap({ $0 }) { try checkWritable(path) }
        }

        let plan = try loadDeployment(deployment)
        let store = try loadTrace(paths, format: format, skipInvalidRows: skipInvalidRows)
        var workload: Workload
        do {
            workload = try WorkloadLoader.load(store) { key in plan?.settings(function: key.function, app: key.app).memoryMB }
        } catch {
            throw fail("cannot read the trace: \(error)", Exit.badInput)
        }
        workload = try FunctionChoice.parse(functions).select(workload)

        let schedule = ArrivalSchedule.calls(workload, seed: seed, mode: arrivals, from: from, to: to)
        guard !schedule.isEmpty else { throw fail("no invocations in the chosen functions and window", Exit.badInput) }
        // The replay starts with the first invocation: no idle wait for a late first call.
        let calls = ReplayPlan.calls(schedule, windowStart: schedule[0].seconds, speedup: speedup)
        switch backend {
        case .local: try runLocal(calls, workload)
        case .http: try runHTTP(calls)
        }
    }

    /// The schedule as CSV, for `--dry-run` (the same for both backends).
    func printSchedule(_ calls: [ExecCall]) {
        print("index,scheduledMs,app,function,durationMs,memoryMB")
        for c in calls { print("\(c.index),\(String(format: "%.3f", c.scheduledSeconds * 1000)),\(c.app),\(c.function),\(String(format: "%.3f", c.durationMs)),\(c.memoryMB)") }
    }

    /// The local backend: instances as processes here.
    private func runLocal(_ calls: [ExecCall], _ workload: Workload) throws {
        let target = self.target ?? "openwhisk"
        let catalog = try loadCatalog(catalog)
        let profile: Profile
        do { profile = try catalog.profile(target) } catch { throw fail("\(error)", Exit.usage) }
        var model = TargetModel(profile: profile)
        if let keepAliveSeconds { model.keepAlive = .fixed(idleSeconds: keepAliveSeconds) }
        let measured: Calibration?
        do { measured = try calibration.map { try Calibration.read(path: $0) } } catch { throw fail("\(error)", Exit.badInput) }
        let commands = try parseCommands(workload)
        if dryRun { printSchedule(calls); return }
        guard let out else { return }

        var options = ExecutionOptions(model: model, slots: slots ?? ProcessInfo.processInfo.activeProcessorCount, timeoutSeconds: timeout,
                                       worker: workerPath(), commands: commands, initMs: initMs ?? 0, limitMemory: !noMemoryLimit)
        options.instanceStderr = instanceStderr
        Interrupt.install()
        printError("executing \(calls.count) invocations of \(workload.apps.reduce(0) { $0 + $1.functions.count }) functions on \(target) over \(String(format: "%.1f", calls.last!.scheduledSeconds)) s…")
        let result = LocalExecutor(options: options).run(calls)
        do { try InvocationCSV.write(result.records, startUnixMicros: result.startUnixMicros, to: out) } catch {
            throw fail("\(out): cannot write the invocations: \(error.localizedDescription)", Exit.cannotCreate)
        }
        print(ExecutionText.render(result, load: LoadNote(calls: calls, speedup: speedup), target: target), terminator: "")
        print("  invocations      \(out)")
        var sections: [String: JSONValue] = ["schema": .string("placer.execution/v1")]
        if compareSimulation || json != nil {
            let sample = "\(calls.count) invocations of \(workload.apps.reduce(0) { $0 + $1.functions.count }) functions, seed \(seed), \(arrivals.rawValue) arrivals, speed-up \(speedup)"
            do {
                let table = try ModelError.compare(calls: calls, result: result, target: SimulationTarget(profile: profile, model: model),
                                                   calibration: measured, sample: sample, seed: seed)
                if compareSimulation { print(""); print(table.text(), terminator: "") }
                sections["modelError"] = table.json()
            } catch {
                printError("warning: cannot simulate the executed calls: \(error)")
            }
        }
        if let json {
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
            do { try (text + "\n").write(toFile: json, atomically: true, encoding: .utf8) } catch {
                throw fail("\(json): cannot write: \(error.localizedDescription)", Exit.cannotCreate)
            }
        }
        if result.interrupted { throw ExitCode(130) }
    }

    /// Fails before the replay, not after it, when a file cannot be written there.
    private func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let dir = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: dir) else {
            throw fail("\(path): cannot write here (no such folder, or not writable)", Exit.cannotCreate)
        }
    }

    /// `--function NAME=COMMAND` as argument vectors, checked against the selected functions.
    private func parseCommands(_ workload: Workload) throws -> [String: [String]] {
        let names = Set(workload.apps.flatMap { $0.functions.map(\.key.function) })
        var commands: [String: [String]] = [:]
        for entry in function {
            guard let eq = entry.firstIndex(of: "="), eq != entry.startIndex else {
                throw fail("--function \(entry): expected NAME=COMMAND", Exit.usage)
            }
            let name = String(entry[..<eq])
            let words: [String]
            do { words = try splitCommand(String(entry[entry.index(after: eq)...])) } catch { throw fail("--function \(name): \(error)", Exit.usage) }
            guard let program = words.first else { throw fail("--function \(name): the command is missing", Exit.usage) }
            guard names.contains(name) else {
                let some = names.sorted().prefix(5).joined(separator: ", ")
                throw fail("--function \(name): no function \(name) among those replayed (\(some)\(names.count > 5 ? ", …" : ""))", Exit.usage)
            }
            guard executableExists(program) else { throw fail("--function \(name): cannot find the program \(program)", Exit.usage) }
            commands[name] = words
        }
        return commands
    }

    private func executableExists(_ program: String) -> Bool {
        if program.contains("/") { return access(program, X_OK) == 0 }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
    }
}

/// `placer-worker` beside this executable.
func workerPath() -> String {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("placer-worker").path
}
