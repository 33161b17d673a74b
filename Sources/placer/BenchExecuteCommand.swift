import ArgumentParser
import Foundation
import UseCases

/// Local executor figures beside a naive executor that spawns a process per invocation.
struct BenchExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Warm invocations/s, p99 start lateness at a fixed rate and process cold start, against a process per invocation.",
        discussion: """
            No-op invocations (0 ms of work, no memory) through the local executor with warm instances kept, \
            beside the same calls with a new process per invocation (the baseline a naive executor would be). \
            Medians of REPETITIONS runs.
            """)

    @Option(help: "No-op invocations for the throughput of warm instances.") var warm = 20_000
    @Option(help: "Invocations for the naive baseline's throughput.") var naive = 1_000
    @Option(help: "Rate for the lateness figure, invocations/s.") var rate = 500.0
    @Option(help: "Seconds of calls at that rate.") var seconds = 4.0
    @Option(help: "Slots (default: the cores here).") var slots: Int?
    @Option(help: "Repetitions; medians are reported.") var repetitions = 3

    func validate() throws {
        guard warm > 0, naive > 0, rate > 0, seconds > 0, repetitions > 0 else { throw ValidationError("values must be positive") }
    }

    func run() throws {
        var request = Bench.ExecuteRequest(worker: workerPath())
        request.warm = warm
        request.naive = naive
        request.rate = rate
        request.seconds = seconds
        request.slots = slots
        request.repetitions = repetitions
        let f = try Bench.execute(request)
        print("Local executor, no-op invocations, \(f.slots) slots, median of \(repetitions) (baseline: a new process per invocation)")
        print(row("", "warm instances", "process per call", "advantage"))
        print(row("invocations/s", String(format: "%.0f", f.warmRate), String(format: "%.0f", f.naiveRate), String(format: "%.1f x", f.warmRate / max(f.naiveRate, 1e-9))))
        print(row("p99 lateness @\(Int(rate))/s", String(format: "%.2f ms", f.warmLateness99), String(format: "%.2f ms", f.naiveLateness99),
                  String(format: "%.1f x", f.naiveLateness99 / max(f.warmLateness99, 1e-9))))
        print(row("p50 lateness @\(Int(rate))/s", String(format: "%.2f ms", f.warmLateness50), String(format: "%.2f ms", f.naiveLateness50),
                  String(format: "%.1f x", f.naiveLateness50 / max(f.warmLateness50, 1e-9))))
        print(row("process cold start", String(format: "%.2f ms", f.coldStart), String(format: "%.2f ms", f.naiveInit), ""))
        print("  process cold start: placer-worker spawned until {\"ready\":true}, alone (left) and inside the naive replay at \(Int(rate))/s,")
        print("  which pays it on every invocation; the warm executor pays it once per instance")
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("  load average when done: \(load) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("  goals: ≥ 5,000 warm invocations/s on 2 cores; p99 lateness < 2 ms at 500/s")
    }

    private func row(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        "  " + a.padding(toLength: 22, withPad: " ", startingAt: 0) + pad(b, 16) + pad(c, 18) + pad(d, 10)
    }

    private func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(1, w - s.count)) + s }
}
