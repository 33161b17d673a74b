import Foundation
import Store
import Traces

extension Bench {
    /// A per-invocation trace of one function, ingested and replayed: ingest against a bare
    /// libcsv parse of the same CSV, and `placer simulate` as a whole process against a bare read
    /// of the same stored calls (docs/performance.md).
    public struct InvocationsRequest: Sendable {
        /// Calls in the generated trace (one function, one day).
        public var calls = 1_000_000
        /// Target replayed by the end-to-end run.
        public var target = "aws-lambda-x86"
        /// Seed of the generated trace.
        public var seed: UInt64 = 1
        /// Repetitions; medians are reported.
        public var repetitions = 5
        /// The `placer` executable whose `simulate` is timed as a child process.
        public var executable: String

        /// A request with what most callers set; the rest keep their defaults.
        public init(executable: String) { self.executable = executable }
    }

    /// Medians in seconds of each measurement.
    public struct InvocationsFigures: Sendable {
        /// Calls in the trace.
        public var calls: Int
        /// Size of the CSV, bytes.
        public var bytes: Int
        /// A bare libcsv parse of the CSV (the ingest baseline).
        public var bareParse: Double
        /// `ingest` of the CSV into a new database, in process.
        public var ingest: Double
        /// A bare read of the stored calls: every timed call's start and duration into memory (the floor).
        public var bareRead: Double
        /// `placer simulate DB --target T --exact` as a child process, from spawn to exit.
        public var endToEnd: Double
        /// Its CPU time (user and system), median.
        public var endToEndCPU: Double
        /// A figure of the bare read, so that it is not optimised away.
        public var checksum: Double
    }

    /// Writes the trace into a temporary folder, ingests it and measures.
    public static func invocations(_ request: InvocationsRequest, progress: some ProgressObserver = IgnoringProgress()) throws -> InvocationsFigures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-bench-invocations-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("invocations.csv").path
        progress.observe(.message("writing \(request.calls) calls of one function (seed \(request.seed))…"))
        try writeTrace(calls: request.calls, seed: request.seed, to: csv)

        var bare: [Double] = [], ingest: [Double] = []
        var bytes = 0
        let database = folder.appendingPathComponent("trace.db").path
        for i in 0..<request.repetitions {
            progress.observe(.message("ingest \(i + 1) of \(request.repetitions)…"))
            bare.append(try seconds { bytes = try BareCSVParse.run(path: csv).bytes })
            let path = i == 0 ? database : folder.appendingPathComponent("ingest-\(i).db").path
            let store = try TraceStore(path: path)
            ingest.append(try seconds { _ = try store.ingest(path: csv) })
            if i > 0 { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        }

        var read: [Double] = [], whole: [Double] = [], cpu: [Double] = []
        var checksum = 0.0
        for i in 0..<request.repetitions {
            progress.observe(.message("read and simulate \(i + 1) of \(request.repetitions)…"))
            read.append(try seconds {
                let trace = try TraceStore(path: database).replayTrace()
                checksum = trace.functions.reduce(0) { $0 + ($1.starts.last ?? 0) + ($1.durationsMs.last ?? 0) }
            })
            let run = try timedChild(request.executable, ["simulate", database, "--target", request.target, "--exact",
                                                          "--json", folder.appendingPathComponent("result.json").path])
            whole.append(run.wall)
            cpu.append(run.cpu)
        }
        return InvocationsFigures(calls: request.calls, bytes: bytes, bareParse: median(bare), ingest: median(ingest),
                                  bareRead: median(read), endToEnd: median(whole),
                                  endToEndCPU: median(cpu), checksum: checksum)
    }

    /// One function's calls: Poisson arrivals filling one day, log-normal durations (median
    /// 100 ms), 256 MB, in Placer's per-invocation CSV. Numbers are written in Swift's shortest
    /// exact form, so the stored values are the drawn ones.
    static func writeTrace(calls: Int, seed: UInt64, to path: String) throws {
        var random = SeededRandom(seed: seed)
        let rate = Double(calls) / 86_400
        var text = "timestamp,function,duration_ms,app,memory_mb\n"
        text.reserveCapacity(calls * 48)
        var t = 0.0
        for _ in 0..<calls {
            t += random.exponential(rate: rate)
            let duration = (random.logNormal(mu: log(100), sigma: 1) * 1000).rounded() / 1000
            text += "\(t),fn,\(duration),app,256\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw UseCaseError.failure("bench: cannot write \(path)")
        }
    }

    /// Runs `executable arguments` with its output discarded; wall and CPU seconds.
    static func timedChild(_ executable: String, _ arguments: [String]) throws -> (wall: Double, cpu: Double) {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var status: Int32 = 0
        var usage = rusage()
        let wall = try seconds {
            guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else {
                throw UseCaseError.failure("cannot start \(executable)")
            }
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        }
        guard status == 0 else { throw UseCaseError.failure("`placer \(arguments.joined(separator: " "))` failed (status \(status))") }
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return (wall, cpu)
    }
}
