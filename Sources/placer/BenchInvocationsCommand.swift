import ArgumentParser
import Foundation
import UseCases

/// `placer bench invocations`: a per-invocation trace ingested and replayed, each figure beside
/// its baseline (a bare libcsv parse, a bare read of the stored calls) in the same run.
struct BenchInvocationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invocations",
        abstract: "Ingest and end-to-end simulate of a per-invocation trace, beside a bare parse and a bare read.",
        discussion: """
            Writes CALLS calls of one function (seeded Poisson arrivals over a day) as Placer's per-invocation CSV \
            in a temporary folder, then reports medians of REPETITIONS runs: a bare libcsv parse of it against \
            `ingest`; a bare read of the stored calls (the floor) and `placer simulate DB --target TARGET --exact` as a whole \
            process (this executable, spawned), in calls per second.
            """)

    @Option(help: "Calls in the generated trace.") var calls = 1_000_000
    @Option(help: "Target replayed end to end.") var target = "aws-lambda-x86"
    @Option(help: "Seed of the generated trace.") var seed: UInt64 = 1
    @Option(help: "Repetitions; medians are reported.") var repetitions = 5

    func validate() throws {
        guard calls >= 1, calls <= 100_000_000, repetitions >= 1 else {
            throw ValidationError("--calls must be 1 to 100,000,000 and --repetitions at least 1")
        }
    }

    func run() throws {
        var request = Bench.InvocationsRequest(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        request.calls = calls
        request.target = target
        request.seed = seed
        request.repetitions = repetitions
        let f = try Bench.invocations(request, progress: TerminalProgress())
        let n = Double(f.calls)
        let mb = Double(f.bytes) / 1e6
        func rate(_ s: Double) -> String { String(format: "%.2f M calls/s", n / s / 1e6) }
        func line(_ label: String, _ s: Double, _ value: String, _ ratio: String) -> String {
            "  " + label.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%7.3f s  ", s)
                + value.padding(toLength: 18, withPad: " ", startingAt: 0) + ratio
        }
        print("\(f.calls) calls of one function, \(String(format: "%.1f", mb)) MB of CSV; medians of \(repetitions) (checksum \(f.checksum))")
        print("Ingest")
        print(line("bare libcsv parse (baseline)", f.bareParse, String(format: "%.1f MB/s", mb / f.bareParse), "1.00 x"))
        print(line("ingest into SQLite", f.ingest, String(format: "%.1f MB/s", mb / f.ingest), String(format: "%.2f x", f.bareParse / f.ingest)))
        print("Replay of the ingested trace")
        print(line("bare read of the stored calls (floor)", f.bareRead, rate(f.bareRead), "1.00 x"))
        print(line("placer simulate --exact, whole process", f.endToEnd, rate(f.endToEnd), String(format: "%.2f x", f.endToEnd / f.bareRead)))
        print("  (simulate's CPU time, user and system: \(String(format: "%.3f", f.endToEndCPU)) s; target \(target))")
    }
}
