import ArgumentParser
import Foundation
import UseCases

/// `placer bench`: measured figures, each beside a baseline measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks; every figure is printed beside a baseline measured in the same run.",
        subcommands: [BenchIngestCommand.self, BenchInvocationsCommand.self, BenchSimulateCommand.self, BenchTraceCommand.self, BenchExecuteCommand.self, BenchGatewayCommand.self])
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
        var request = Bench.IngestRequest(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        request.functions = functions
        request.days = days
        request.seed = seed
        request.repetitions = repetitions
        request.file = file
        let f = try Bench.ingest(request, progress: TerminalProgress())
        let mb = Double(f.bytes) / 1e6
        let baseline = mb / f.bareParse
        print("Ingest throughput: \((f.file as NSString).lastPathComponent), \(String(format: "%.1f", mb)) MB, median of \(repetitions)")
        print(row("bare libcsv parse (baseline)", String(format: "%.1f MB/s", baseline), "1.00 x"))
        print(row("Placer CSV parser alone", String(format: "%.1f MB/s", mb / f.parser), String(format: "%.2f x", mb / f.parser / baseline)))
        print(row("ingest into SQLite", String(format: "%.1f MB/s", mb / f.ingest), String(format: "%.2f x", mb / f.ingest / baseline)))

        guard let oneDay = f.oneDayMB, let allDays = f.allDaysMB else { return }
        print("")
        print("Peak memory of `placer ingest` (child process, maximum resident set)")
        print(row("1 day (baseline)", String(format: "%.1f MB", oneDay), "1.00 x"))
        print(row("\(days) days", String(format: "%.1f MB", allDays), String(format: "%.2f x", allDays / oneDay)))
    }

    private func row(_ label: String, _ value: String, _ ratio: String) -> String {
        "  " + label.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(repeating: " ", count: max(0, 12 - value.count)) + value + "   " + ratio
    }
}

/// The median, for the gateway bench (`Bench.median`).
func median(_ values: [Double]) -> Double { Bench.median(values) }
