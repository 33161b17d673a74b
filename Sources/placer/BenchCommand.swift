import ArgumentParser
import Foundation
import Store
import Traces

/// `placer bench`: measured figures, each beside a baseline measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks; every figure is printed beside a baseline measured in the same run.",
        subcommands: [BenchIngestCommand.self, BenchSimulateCommand.self, BenchExecuteCommand.self, BenchGatewayCommand.self])
}

/// Ingest throughput against a bare libcsv parse of the same file, and peak memory of ingesting
/// one day against several, each in a child process so that its peak is its own.
struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest throughput and peak memory for generated Azure 2019 days.",
        discussion: """
            Generates DAYS days of an Azure 2019 trace (FUNCTIONS functions, seeded) in a temporary folder, \
            then reports, as medians of REPETITIONS runs: the bare libcsv parse of day 1's invocations file \
            (the baseline), Placer's CSV parser alone, and ingest into SQLite; and the peak memory of \
            `placer ingest` for day 1 alone against all DAYS days.
            """)

    @Option(help: "Functions in the generated trace.")
    var functions = 46_000

    @Option(help: "Days generated; peak memory is compared for 1 and this many.")
    var days = 3

    @Option(help: "Seed of the generated trace.")
    var seed: UInt64 = 1

    @Option(help: "Repetitions; medians are reported.")
    var repetitions = 3

    @Option(help: "Measure throughput on this invocations file instead of a generated one.")
    var file: String?

    func validate() throws {
        guard functions > 0, days >= 1, repetitions >= 1 else {
            throw ValidationError("--functions, --days and --repetitions must be positive")
        }
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var dayFiles: [String] = []
        if file == nil {
            printError("generating \(days) days of \(functions) functions (seed \(seed))…")
            let options = GeneratorOptions(preset: .azure2019, functions: functions, days: days, seed: seed)
            let summary = try TraceGenerator.generate(options, into: folder.path)
            dayFiles = summary.files.filter { $0.contains("invocations_per_function") }.sorted()
                .map { folder.appendingPathComponent($0).path }
        }
        let target = file ?? dayFiles[0]

        var bare: [Double] = [], parse: [Double] = [], ingest: [Double] = []
        var bytes = 0
        for i in 0..<repetitions {
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
        let mb = Double(bytes) / 1e6
        let baseline = mb / median(bare)
        print("Ingest throughput: \((target as NSString).lastPathComponent), \(String(format: "%.1f", mb)) MB, median of \(repetitions)")
        print(row("bare libcsv parse (baseline)", String(format: "%.1f MB/s", baseline), "1.00 x"))
        print(row("Placer CSV parser alone", String(format: "%.1f MB/s", mb / median(parse)), String(format: "%.2f x", mb / median(parse) / baseline)))
        print(row("ingest into SQLite", String(format: "%.1f MB/s", mb / median(ingest)), String(format: "%.2f x", mb / median(ingest) / baseline)))

        guard file == nil, days > 1 else { return }
        let oneDay = try peakResidentMB(ingesting: [dayFiles[0]], database: folder.appendingPathComponent("one.db").path)
        let allDays = try peakResidentMB(ingesting: dayFiles, database: folder.appendingPathComponent("all.db").path)
        print("")
        print("Peak memory of `placer ingest` (child process, maximum resident set)")
        print(row("1 day (baseline)", String(format: "%.1f MB", oneDay), "1.00 x"))
        print(row("\(days) days", String(format: "%.1f MB", allDays), String(format: "%.2f x", allDays / oneDay)))
    }

    private func row(_ label: String, _ value: String, _ ratio: String) -> String {
        "  " + label.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - value.count)) + value + "   " + ratio
    }

    private func seconds(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs this executable's `ingest` in a child process and returns its peak resident set in MB.
    private func peakResidentMB(ingesting files: [String], database: String) throws -> Double {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let arguments = [executable, "ingest", "--db", database] + files
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, executable, &actions, nil, &argv, environ) == 0 else {
            throw fail("cannot start \(executable)", Exit.failure)
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        guard status == 0 else { throw fail("the ingest child process failed (status \(status))", Exit.failure) }
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
