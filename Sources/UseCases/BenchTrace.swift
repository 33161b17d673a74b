import Foundation
import Pricing
import Simulation
import Store
import Traces

extension Bench {
    /// The seven cloud targets the 14-day benchmark replays.
    public static let cloudTargets = ["aws-lambda-x86", "aws-lambda-arm64", "azure-consumption", "azure-flex", "gcf-gen1",
                                      "cloud-run", "oci-functions"]

    /// The large-trace benchmark: `placer simulate` of a generated Azure-shaped trace in a child
    /// process (wall, CPU, peak memory), beside the bare drawing of the same calls (the floor of any
    /// replay that looks at every call) and the default path against the exact replay on a sample.
    public struct TraceRequest: Sendable {
        /// Functions generated.
        public var functions = 50_000
        /// Days generated.
        public var days = 14
        /// Seed of the trace and of the replay.
        public var seed: UInt64 = 1
        /// A database written by `placer ingest` to measure instead of a generated trace.
        public var database: String?
        /// Target ids replayed.
        public var targets = Bench.cloudTargets
        /// Share of the apps, percent, replayed both ways for the equality check.
        public var samplePercent = 1.0
        /// Threads (nil: every core).
        public var workers: Int?
        /// Whose quota and free grants each app uses (nil: as `placer simulate` decides, per owner
        /// when the trace names owners).
        public var accounts: AccountMode?
        /// The `placer` executable whose `simulate` is measured in a child process.
        public var executable: String

        /// A request with what most callers set; the rest keep their defaults.
        public init(executable: String) { self.executable = executable }
    }

    /// One field of one target: the default path's figure on the sample against the exact replay's.
    public struct FieldCheck: Sendable {
        public var name: String
        public var fast: Double
        public var exact: Double
        /// The relative difference allowed: 0 where the replay took no unit per minute (then the
        /// figures must be equal), else the per-minute path's tolerance (`FastPathTests`).
        public var tolerance: Double
        /// |fast − exact| / exact (0 when both are 0).
        public var relative: Double { exact == fast ? 0 : abs(fast - exact) / max(abs(exact), 1e-300) }
        public var holds: Bool { tolerance == 0 ? fast == exact : relative <= tolerance }
    }

    /// The sample's check on one target.
    public struct TargetCheck: Sendable {
        public var target: String
        /// Calls of the sample the default path replayed per minute rather than call by call.
        public var perMinuteCalls: Int
        /// The sample's calls the default path replayed call by call, by the reason the per-minute
        /// path declined their unit, most calls first; then those neither path took unit by unit,
        /// replayed with their account because its quota coupled them.
        public var perCallReasons: [PerCallReason]
        public var fields: [FieldCheck]
        public var holds: Bool { fields.allSatisfy(\.holds) }
    }

    /// What the benchmark measured.
    public struct TraceFigures: Sendable {
        public var database: String
        /// Seconds generating and ingesting the trace (nil when a database was given).
        public var generateSeconds: Double?, ingestSeconds: Double?
        public var apps: Int, functions: Int, calls: Int, days: Double
        /// How the replays took accounts (`placer simulate --accounts`).
        public var accounts: AccountMode
        public var targets: [String]
        /// `placer simulate` in a child process: wall seconds, CPU seconds (user + system), peak resident MB.
        public var runWall: Double, runCPU: Double, runPeakMB: Double
        /// Threads of the bare drawing and of the sample's replays.
        public var threads: Int
        /// Seconds drawing every call once (no replay) in this process, and its checksum.
        public var drawSeconds: Double, drawChecksum: Double
        /// The sample: apps, calls, seconds of the default path and of the exact replay.
        public var sampleApps: Int, sampleCalls: Int, sampleFast: Double, sampleExact: Double
        public var checks: [TargetCheck]
        public var holds: Bool { checks.allSatisfy(\.holds) }
    }

    /// Generates (unless a database is given), ingests, and measures.
    public static func trace(_ request: TraceRequest, progress: some ProgressObserver = IgnoringProgress()) throws -> TraceFigures {
        guard request.samplePercent > 0, request.samplePercent <= 100 else { throw UseCaseError.usage("--sample must be above 0 and at most 100 (percent)") }
        let catalog = try Inputs.catalog(nil)
        let targets: [SimulationTarget]
        do { targets = try request.targets.map { SimulationTarget(profile: try catalog.profile($0)) } } catch { throw UseCaseError.usage("\(error)") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-bench-trace-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var generateSeconds: Double?, ingestSeconds: Double?
        let database: String
        if let given = request.database {
            guard TraceStore.isDatabase(path: given) else { throw UseCaseError.badInput("\(given): not a database written by `placer ingest`") }
            database = given
        } else {
            progress.observe(.message("generating \(request.days) days of \(request.functions) functions (seed \(request.seed))…"))
            let files = folder.appendingPathComponent("trace")
            let options = GeneratorOptions(preset: .azure2019, functions: request.functions, days: request.days, seed: request.seed)
            generateSeconds = try seconds { _ = try TraceGenerator.generate(options, into: files.path) }
            database = folder.appendingPathComponent("trace.db").path
            progress.observe(.message("ingesting…"))
            ingestSeconds = try seconds { _ = try Ingest.run(Ingest.Request(paths: [files.path], database: database)) }
            try? FileManager.default.removeItem(at: files)
        }

        progress.observe(.message("replaying on \(request.targets.joined(separator: ", ")) (child process)…"))
        var arguments = ["simulate", database, "--seed", String(request.seed), "--json", folder.appendingPathComponent("result.json").path]
        for t in request.targets { arguments += ["--target", t] }
        if let w = request.workers { arguments += ["--workers", String(w)] }
        if let a = request.accounts { arguments += ["--accounts", a.rawValue] }
        let run = try ChildProcess.measure(request.executable, arguments, log: folder.appendingPathComponent("simulate.log").path)

        let store = try Inputs.trace([database])
        var workload = try SimulationRun.workload(store, deployment: nil, inferredFloorMB: catalog.smallestCloudMemoryMB, periodSeconds: nil)
        if let accounts = request.accounts { workload.accounts = accounts }
        let threads = request.workers ?? ProcessInfo.processInfo.activeProcessorCount
        progress.observe(.message("drawing every call once (baseline)…"))
        var drawn = (calls: 0, checksum: 0.0)
        let drawSeconds = seconds { drawn = BareExpansion.run(workload, seed: request.seed, mode: .exponential, workers: threads) }

        let sample = workload.sample(percent: request.samplePercent)
        progress.observe(.message("sample: \(sample.apps.count) apps, default path and exact replay…"))
        var fast: SimulationResult?, exact: SimulationResult?
        let fastSeconds = try seconds {
            fast = try Simulator.run(sample, targets: targets, options: SimulationOptions(seed: request.seed, workers: threads, fastPath: true))
        }
        let exactSeconds = try seconds {
            exact = try Simulator.run(sample, targets: targets, options: SimulationOptions(seed: request.seed, workers: threads, fastPath: false))
        }
        let checks = zip(fast?.targets ?? [], exact?.targets ?? []).map { check($0, against: $1, sampleCalls: sample.callCount) }
        return TraceFigures(database: database, generateSeconds: generateSeconds, ingestSeconds: ingestSeconds,
                            apps: workload.apps.count, functions: workload.apps.reduce(0) { $0 + $1.functions.count },
                            calls: drawn.calls, days: workload.days, accounts: workload.accounts, targets: request.targets,
                            runWall: run.wall, runCPU: run.cpu, runPeakMB: run.peakMB, threads: threads,
                            drawSeconds: drawSeconds, drawChecksum: drawn.checksum,
                            sampleApps: sample.apps.count, sampleCalls: sample.callCount, sampleFast: fastSeconds, sampleExact: exactSeconds,
                            checks: checks)
    }

    /// The default path's totals against the exact replay's. Counts of calls and throttles are
    /// exact on both paths; cold starts, instance-seconds, billed GB-s and the bill are exact
    /// unless units went per minute, whose tolerances `FastPathTests` enforce per unit.
    static func check(_ fast: TargetOutcome, against exact: TargetOutcome, sampleCalls: Int) -> TargetCheck {
        let perMinute = fast.perMinuteCalls > 0
        let coupled = sampleCalls - fast.perMinuteCalls - fast.perCallReasons.reduce(0) { $0 + $1.calls }
        let reasons = fast.perCallReasons + (coupled > 0 ? [PerCallReason(words: "coupled by the account quota", calls: coupled)] : [])
        func field(_ name: String, _ a: Double, _ b: Double, _ tolerance: Double) -> FieldCheck {
            FieldCheck(name: name, fast: a, exact: b, tolerance: perMinute ? tolerance : 0)
        }
        let cost = { (o: TargetOutcome) in NSDecimalNumber(decimal: o.total.monthlyCost?.total ?? 0).doubleValue }
        return TargetCheck(target: fast.id, perMinuteCalls: fast.perMinuteCalls, perCallReasons: reasons, fields: [
            FieldCheck(name: "invocations", fast: Double(fast.total.invocations), exact: Double(exact.total.invocations), tolerance: 0),
            FieldCheck(name: "throttled", fast: Double(fast.total.throttled), exact: Double(exact.total.throttled), tolerance: 0),
            field("cold starts", Double(fast.total.coldStarts), Double(exact.total.coldStarts), 0.3),
            field("instance-seconds", fast.total.instanceSeconds, exact.total.instanceSeconds, 0.08),
            field("billed GB-s", fast.total.billedGBSeconds, exact.total.billedGBSeconds, 0.005),
            field("monthly bill", cost(fast), cost(exact), 0.005),
        ])
    }
}

/// A child process measured from outside: wall time, and from `wait4` its CPU time and peak
/// resident set (its own, not the parent's).
enum ChildProcess {
    /// Runs `executable arguments…` with its output in `log`; fails with the log's last line when it fails.
    static func measure(_ executable: String, _ arguments: [String], log: String) throws -> (wall: Double, cpu: Double, peakMB: Double) {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var status: Int32 = 0
        var usage = rusage()
        let wall = try Bench.seconds {
            guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else {
                throw UseCaseError.failure("cannot start \(executable)")
            }
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        }
        guard status == 0 else {
            let last = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
            throw UseCaseError.failure("the child `placer \(arguments.first ?? "")` failed (status \(status)): \(last)")
        }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return (wall, seconds(usage.ru_utime) + seconds(usage.ru_stime), Double(usage.ru_maxrss) / 1024)  // maxrss: kilobytes on Linux
    }
}
