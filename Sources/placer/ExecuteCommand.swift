import ArgumentParser
import Executor
import Foundation
import Pricing
import Simulation
import TraceLoading
import Traces

/// Which backend runs the schedule.
enum ExecutionBackend: String, ExpressibleByArgument, CaseIterable {
    case local, http
}

/// `placer execute`: replays a trace's invocations through real processes on this machine.
struct ExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Replay a trace through real function processes here and measure every invocation.",
        discussion: """
            Arrivals and durations come from the simulator's generator (same seed, same schedule). Each \
            function instance is a process (placer-worker, or your own program with --function NAME=COMMAND, \
            see docs/executor.md), kept warm per the target's keep-alive policy; at most --slots invocations \
            run at once and the rest queue. Writes one CSV row per invocation and prints a summary; \
            --compare-simulation also simulates the same calls and prints the model's error.
            """)

    @Argument(help: "A database, or trace files or folders.") var paths: [String]
    @Option(name: .long, help: "Output CSV, one row per invocation.") var out: String
    @Option(name: .long, help: "Functions to replay: busiest:N, or a comma-separated list of names or globs (function or app/function).") var functions: String?
    @Option(name: .long, help: "Part of the trace to replay, FROM..TO from its start (units s, m or h; a bare number is minutes), e.g. 60..65.") var window: String?
    @Option(name: .long, help: "Divide the time between arrivals by this factor (durations stay real).") var speedup: Double = 1
    @Option(name: .long, help: "Invocations running at once (default: the cores here); the rest queue.") var slots: Int?
    @Option(name: .long, help: "The target whose instance model is executed (default: openwhisk).") var target: String = "openwhisk"
    @Option(name: .long, help: "Run a function as your own program: NAME=COMMAND (repeatable; no shell).") var function: [String] = []
    @Option(name: .long, help: "Seed for arrival times and durations.") var seed: UInt64 = 1
    @Option(name: .long, help: "How a minute's invocations are spread: uniform, exponential or equidistant.") var arrivals: ArrivalMode = .exponential
    @Option(name: .customLong("keep-alive-seconds"), help: "Replace the target's keep-alive with a fixed idle time, seconds.") var keepAliveSeconds: Double?
    @Option(name: .long, help: "Kill an invocation (or an instance's start) running longer than this, seconds.") var timeout: Double = 120
    @Option(name: .customLong("init-ms"), help: "Init phase of each synthetic instance, ms of CPU.") var initMs: Double = 0
    @Option(name: .long, help: "Backend: local (processes here) or http (a FaaS gateway).") var backend: ExecutionBackend = .local
    @Option(name: .long, help: "A profile measured by `placer calibrate`, for --compare-simulation.") var calibration: String?
    @Flag(name: .customLong("compare-simulation"), help: "Simulate the same calls and print the model's error per metric.") var compareSimulation = false
    @Option(name: .long, help: "Write the summary and model error as JSON to this file.") var json: String?
    @Flag(name: .customLong("no-memory-limit"), help: "Do not limit instances' address space to their function's memory.") var noMemoryLimit = false
    @Flag(name: .customLong("instance-stderr"), help: "Show what instances write to standard error (default: discarded).") var instanceStderr = false
    @Flag(name: .customLong("dry-run"), help: "Print the schedule as CSV and run nothing.") var dryRun = false
    @Option(name: .long, help: "A folder of profiles that add to or override the bundled ones.") var catalog: String?
    @Option(help: "Force a format for trace files.") var format: TraceFormat?

    func validate() throws {
        guard speedup > 0, speedup.isFinite else { throw ValidationError("--speedup must be a positive number") }
        if let slots, slots < 1 { throw ValidationError("--slots must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let keepAliveSeconds, keepAliveSeconds < 0 { throw ValidationError("--keep-alive-seconds cannot be negative") }
    }

    func run() throws {
        if backend == .http {
            throw fail("--backend http is not built yet (the Gateway module); use --backend local", Exit.usage)
        }
        let catalog = try loadCatalog(catalog)
        let profile: Profile
        do { profile = try catalog.profile(target) } catch { throw fail("\(error)", Exit.usage) }
        var model = TargetModel(profile: profile)
        if let keepAliveSeconds { model.keepAlive = .fixed(idleSeconds: keepAliveSeconds) }
        let measured: Calibration?
        do { measured = try calibration.map { try Calibration.read(path: $0) } } catch { throw fail("\(error)", Exit.badInput) }

        let store = try loadTrace(paths, format: format, skipInvalidRows: false)
        var workload: Workload
        do { workload = try WorkloadLoader.load(store) } catch { throw fail("cannot read the trace: \(error)", Exit.badInput) }
        workload = try select(workload)
        guard !workload.apps.isEmpty else { throw fail("no function of the trace matches --functions \(functions ?? "")", Exit.usage) }
        let commands = try parseCommands(workload)

        let (from, to) = try parseWindow()
        let schedule = ArrivalSchedule.calls(workload, seed: seed, mode: arrivals, from: from, to: to)
        guard !schedule.isEmpty else { throw fail("no invocations in the chosen functions and window", Exit.badInput) }
        // The replay starts with the first invocation: no idle wait for a late first call.
        let calls = ReplayPlan.calls(schedule, windowStart: schedule[0].seconds, speedup: speedup)
        if dryRun {
            print("index,scheduledMs,app,function,durationMs,memoryMB")
            for c in calls { print("\(c.index),\(String(format: "%.3f", c.scheduledSeconds * 1000)),\(c.app),\(c.function),\(String(format: "%.3f", c.durationMs)),\(c.memoryMB)") }
            return
        }
        // Fail before running, not after: the output must be writable.
        guard FileManager.default.createFile(atPath: out + ".partial", contents: nil) else {
            throw fail("\(out): cannot write the output here", Exit.cannotCreate)
        }
        try? FileManager.default.removeItem(atPath: out + ".partial")

        var options = ExecutionOptions(model: model, slots: slots ?? ProcessInfo.processInfo.activeProcessorCount, timeoutSeconds: timeout,
                                       worker: workerPath(), commands: commands, initMs: initMs, limitMemory: !noMemoryLimit)
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

    /// The functions `--functions` names: `busiest:N` or names and globs.
    private func select(_ workload: Workload) throws -> Workload {
        guard let functions, !functions.isEmpty else { return workload }
        var selected = workload
        if functions.hasPrefix("busiest:") {
            guard let n = Int(functions.dropFirst("busiest:".count)), n > 0 else {
                throw fail("--functions busiest:N needs a positive N", Exit.usage)
            }
            let all = workload.apps.flatMap(\.functions).sorted { ($1.calls.count, $0.key.app, $0.key.function) < ($0.calls.count, $1.key.app, $1.key.function) }
            let keep = Set(all.prefix(n).map(\.key))
            selected.apps = workload.apps.compactMap { app in
                let fs = app.functions.filter { keep.contains($0.key) }
                return fs.isEmpty ? nil : AppWorkload(key: app.key, functions: fs)
            }
            return selected
        }
        let patterns = functions.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        selected.apps = workload.apps.compactMap { app in
            let fs = app.functions.filter { f in
                patterns.contains { fnmatch($0, f.key.function, 0) == 0 || fnmatch($0, f.key.app + "/" + f.key.function, 0) == 0 }
            }
            return fs.isEmpty ? nil : AppWorkload(key: app.key, functions: fs)
        }
        return selected
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

    /// `FROM..TO` in seconds from the trace's start; the whole trace without `--window`.
    private func parseWindow() throws -> (Double, Double) {
        guard let window else { return (0, .infinity) }
        let parts = window.components(separatedBy: "..")
        func seconds(_ s: String) -> Double? {
            let t = s.trimmingCharacters(in: .whitespaces)
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            for (suffix, factor) in units where t.hasSuffix(suffix) {
                return Double(t.dropLast(suffix.count)).map { $0 * factor }
            }
            return Double(t).map { $0 * 60 }
        }
        guard parts.count == 2, let from = seconds(parts[0]), let to = seconds(parts[1]), from >= 0, to > from else {
            throw fail("--window \(window): expected FROM..TO with FROM < TO, e.g. 60..65 (minutes) or 90s..120s", Exit.usage)
        }
        return (from, to)
    }
}

/// `placer-worker` beside this executable.
func workerPath() -> String {
    let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("placer-worker").path
}
