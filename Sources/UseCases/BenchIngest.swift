import Foundation
import Store
import Traces

extension Bench {
    /// Ingest throughput against a bare libcsv parse of the same file, and peak memory of
    /// ingesting one day against several, each in a child process so that its peak is its own.
    public struct IngestRequest: Sendable {
        /// Functions in the generated trace.
        public var functions = 46_000
        /// Days generated; peak memory is compared for 1 and this many.
        public var days = 3
        /// Seed of the generated trace.
        public var seed: UInt64 = 1
        /// Repetitions; medians are reported.
        public var repetitions = 3
        /// Measure throughput on this invocations file instead of a generated one.
        public var file: String?
        /// The `placer` executable whose `ingest` is measured in a child process.
        public var executable: String

        /// A request with what most callers set; the rest keep their defaults.
        public init(executable: String) { self.executable = executable }
    }

    /// Medians in seconds of each pass over the file, and the children's peak memory.
    public struct IngestFigures: Sendable {
        /// The invocations file measured.
        public var file: String
        /// Its size in bytes.
        public var bytes: Int
        /// Seconds of a bare libcsv parse (the baseline).
        public var bareParse: Double
        /// Seconds of Placer's CSV parser alone.
        public var parser: Double
        /// Seconds of an ingest into SQLite.
        public var ingest: Double
        /// Peak resident MB of `placer ingest` for day 1 alone and for every day (nil: not measured).
        public var oneDayMB: Double?
        /// Peak resident MB for every day.
        public var allDaysMB: Double?
    }

    /// Generates the trace in a temporary folder (unless a file is given) and measures.
    public static func ingest(_ request: IngestRequest, progress: some ProgressObserver = IgnoringProgress()) throws -> IngestFigures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var dayFiles: [String] = []
        if request.file == nil {
            progress.observe(.message("generating \(request.days) days of \(request.functions) functions (seed \(request.seed))…"))
            let options = GeneratorOptions(preset: .azure2019, functions: request.functions, days: request.days, seed: request.seed)
            let summary = try TraceGenerator.generate(options, into: folder.path)
            dayFiles = summary.files.filter { $0.contains("invocations_per_function") }.sorted()
                .map { folder.appendingPathComponent($0).path }
        }
        guard let target = request.file ?? dayFiles.first else { throw UseCaseError.failure("bench: no invocations file was generated") }

        var bare: [Double] = [], parse: [Double] = [], ingest: [Double] = []
        var bytes = 0
        for i in 0..<request.repetitions {
            bare.append(try seconds { bytes = try BareCSVParse.run(path: target).bytes })
            parse.append(try seconds {
                let parser = CSVParser { _ in }
                let reader = try FileChunkReader(path: target)
                while let chunk = try reader.next() { try parser.feed(chunk) }
                try parser.finish()
            })
            let store = try TraceStore(path: folder.appendingPathComponent("throughput-\(i).db").path)
            ingest.append(try seconds { _ = try store.ingest(path: target) })
        }
        var figures = IngestFigures(file: target, bytes: bytes, bareParse: median(bare), parser: median(parse), ingest: median(ingest))
        guard request.file == nil, request.days > 1 else { return figures }
        figures.oneDayMB = try peakResidentMB(request.executable, ingesting: [dayFiles[0]], database: folder.appendingPathComponent("one.db").path)
        figures.allDaysMB = try peakResidentMB(request.executable, ingesting: dayFiles, database: folder.appendingPathComponent("all.db").path)
        return figures
    }

    /// Runs `executable ingest` in a child process and returns its peak resident set in MB.
    private static func peakResidentMB(_ executable: String, ingesting files: [String], database: String) throws -> Double {
        let arguments = [executable, "ingest", "--db", database] + files
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else {
            throw UseCaseError.failure("cannot start \(executable)")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        guard status == 0 else { throw UseCaseError.failure("the ingest child process failed (status \(status))") }
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}
