import ArgumentParser
import Executor
import Foundation
import Simulation

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
        let worker = workerPath()
        let slots = self.slots ?? ProcessInfo.processInfo.activeProcessorCount
        func okRate(_ r: ExecutionResult) -> Double {
            let ok = r.records.filter { $0.outcome == .ok }.count
            guard ok == r.scheduled else { return 0 }
            return Double(ok) / max(r.wallSeconds, 1e-9)
        }
        var warmRates: [Double] = [], naiveRates: [Double] = [], warmLate: [Double] = [], naiveLate: [Double] = []
        var colds: [Double] = [], naiveInit: [Double] = [], warmLate50: [Double] = [], naiveLate50: [Double] = []
        let paced = Int(rate * seconds)
        for _ in 0..<repetitions {
            warmRates.append(okRate(Probe.noOpReplay(worker: worker, count: warm, slots: slots)))
            naiveRates.append(okRate(Probe.noOpReplay(worker: worker, count: naive, slots: slots, keepAlive: .forkPerRequest)))
            let warmPaced = Probe.noOpReplay(worker: worker, count: paced, slots: slots, interval: 1 / rate)
            let warmLateness = ExecutionSummary(warmPaced).latenessMs
            warmLate.append(warmLateness.p99)
            warmLate50.append(warmLateness.p50)
            let naivePaced = Probe.noOpReplay(worker: worker, count: paced, slots: slots, interval: 1 / rate, keepAlive: .forkPerRequest)
            let naiveSummary = ExecutionSummary(naivePaced)
            naiveLate.append(naiveSummary.latenessMs.p99)
            naiveLate50.append(naiveSummary.latenessMs.p50)
            naiveInit.append(naiveSummary.initMsP50)
            do { colds.append(Probe.median99(try Probe.coldStarts([worker], samples: 20)).median) } catch {
                throw fail("cannot start \(worker): \(error)", Exit.failure)
            }
        }
        print("Local executor, no-op invocations, \(slots) slots, median of \(repetitions) (baseline: a new process per invocation)")
        print(row("", "warm instances", "process per call", "advantage"))
        let wr = median(warmRates), nr = median(naiveRates)
        print(row("invocations/s", String(format: "%.0f", wr), String(format: "%.0f", nr), String(format: "%.1f x", wr / max(nr, 1e-9))))
        let wl = median(warmLate), nl = median(naiveLate)
        print(row("p99 lateness @\(Int(rate))/s", String(format: "%.2f ms", wl), String(format: "%.2f ms", nl), String(format: "%.1f x", nl / max(wl, 1e-9))))
        print(row("p50 lateness @\(Int(rate))/s", String(format: "%.2f ms", median(warmLate50)), String(format: "%.2f ms", median(naiveLate50)),
                  String(format: "%.1f x", median(naiveLate50) / max(median(warmLate50), 1e-9))))
        print(row("process cold start", String(format: "%.2f ms", median(colds)), String(format: "%.2f ms", median(naiveInit)), ""))
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
