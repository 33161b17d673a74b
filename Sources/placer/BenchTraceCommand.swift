import ArgumentParser
import Foundation
import Simulation
import UseCases

/// `placer bench trace`: the large-trace run (by default the 14-day, 50,000-function
/// Azure-shaped trace on the seven cloud targets), beside the bare drawing of its calls and the
/// exact replay of a sample.
struct BenchTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Wall time, peak memory and calls/s of `placer simulate` on a large generated trace, with an exact-replay check on a sample.",
        discussion: """
            Generates DAYS days of an Azure 2019-shaped trace (FUNCTIONS functions, seeded) and ingests it (or takes \
            --db), then runs `placer simulate` on every TARGET in a child process: wall time, CPU time and peak resident \
            memory (getrusage). Beside it, in the same run: drawing every call once with no replay (the floor of any \
            replay that looks at each call), and the default path against the exact replay (--exact) on a SAMPLE \
            percent of the apps, checked field by field. Exits 1 when the check fails.
            """)

    @Option(help: "Functions in the generated trace.") var functions = 50_000
    @Option(help: "Days generated.") var days = 14
    @Option(help: "Seed of the trace and of the replay.") var seed: UInt64 = 1
    @Option(help: "A database written by `placer ingest` to measure instead of a generated trace.") var db: String?
    @Option(name: .long, help: "Target ids (default: the seven cloud targets).") var target: [String] = []
    @Option(help: "Percent of the apps replayed both ways for the equality check.") var sample = 1.0
    @Option(help: "Threads (default: every core).") var workers: Int?
    @Option(name: .long, help: "Whose quota and free grants each app uses: one or per-owner (default: per-owner when the trace names owners, as `placer simulate`).") var accounts: AccountMode?

    func validate() throws {
        guard functions > 0, days >= 1 else { throw ValidationError("--functions and --days must be positive") }
        guard sample > 0, sample <= 100 else { throw ValidationError("--sample must be above 0 and at most 100 (percent)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be positive") }
    }

    func run() throws {
        var request = Bench.TraceRequest(executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path)
        request.functions = functions
        request.days = days
        request.seed = seed
        request.database = db
        if !target.isEmpty { request.targets = target }
        request.samplePercent = sample
        request.workers = workers
        request.accounts = accounts
        let f = try Bench.trace(request, progress: TerminalProgress())
        func fixed(_ v: Double, _ places: Int = 1) -> String { String(format: "%.\(places)f", v) }
        let work = Double(f.calls) * Double(f.targets.count)
        print("\(f.calls) calls of \(f.functions) functions in \(f.apps) apps over \(fixed(f.days, 0)) days, accounts \(f.accounts.rawValue), \(f.targets.count) targets (\(f.targets.joined(separator: ", ")))")
        if let g = f.generateSeconds, let i = f.ingestSeconds { print("generated in \(fixed(g)) s, ingested in \(fixed(i)) s (not counted below)") }
        print("baseline: every call drawn once, no replay, \(f.threads) threads   \(fixed(f.drawSeconds)) s   \(fixed(Double(f.calls) / f.drawSeconds / 1e6)) M calls/s   1.00 x")
        print("placer simulate, child process                 \(fixed(f.runWall)) s wall, \(fixed(f.runCPU)) s CPU, peak \(fixed(f.runPeakMB, 0)) MB   "
              + "\(fixed(Double(f.calls) / f.runWall / 1e6)) M calls/s (\(fixed(work / f.runWall / 1e6)) M call-targets/s)   \(fixed(f.runWall / f.drawSeconds, 2)) x")
        print("sample: \(f.sampleApps) apps, \(f.sampleCalls) calls: default path \(fixed(f.sampleFast, 2)) s, exact replay \(fixed(f.sampleExact, 2)) s "
              + "(\(fixed(Double(f.sampleCalls) / f.sampleExact / 1e6, 2)) M calls/s)")
        for c in f.checks {
            let lead = c.perMinuteCalls > 0 ? "\(c.perMinuteCalls) calls per minute, within tolerance" : "every call replayed, equal"
            print("  \(c.target): \(c.holds ? "holds" : "FAILS") (\(lead))")
            if !c.perCallReasons.isEmpty, f.sampleCalls > 0 {
                let parts = c.perCallReasons.map { "\($0.words) \($0.calls) (\(fixed(Double($0.calls) / Double(f.sampleCalls) * 100)) %)" }
                print("    call by call: " + parts.joined(separator: ", "))
            }
            for x in c.fields where !x.holds || x.fast != x.exact {
                print("    \(x.name): \(String(format: "%.10g", x.fast)) against exact \(String(format: "%.10g", x.exact)) (\(fixed(x.relative * 100, 3)) %, allowed \(fixed(x.tolerance * 100, 1)) %)")
            }
        }
        if !f.holds { throw ExitCode(1) }
    }
}
