import Foundation
import Results
import Simulation
import Traces

/// The model's error per metric: the same calls simulated and executed.
public struct ModelErrorTable: Sendable {
    public struct Row: Sendable {
        /// `coldStarts`, `p50Ms`, `p95Ms`, `p99Ms` or `instanceSeconds`.
        public var metric: String
        public var simulated: Double
        public var measured: Double
        /// (simulated − measured) / measured; nil when nothing was measured.
        public var relativeError: Double? {
            if measured == 0 { return simulated == 0 ? 0 : nil }
            return (simulated - measured) / measured
        }
    }

    public var target: String
    public var sample: String
    public var rows: [Row]
    public var notes: [String]

    /// The `modelError` section of placer.result/v1.
    public func json() -> JSONValue {
        .object([
            "target": .string(target),
            "sample": .string(sample),
            "metrics": .array(rows.map { row in
                .object(["metric": .string(row.metric), "simulated": .fixed(row.simulated, 3), "measured": .fixed(row.measured, 3),
                         "relativeError": row.relativeError.map { .fixed($0, 4) } ?? .null])
            }),
        ])
    }

    public func text() -> String {
        var lines = ["Model error on \(target) (\(sample)): simulated against measured", ""]
        lines.append("  " + "metric".padding(toLength: 18, withPad: " ", startingAt: 0) + pad("simulated", 12) + pad("measured", 12) + pad("error", 10))
        for row in rows {
            let error = row.relativeError.map { String(format: "%+.1f %%", $0 * 100) } ?? "-"
            lines.append("  " + row.metric.padding(toLength: 18, withPad: " ", startingAt: 0)
                         + pad(String(format: "%.2f", row.simulated), 12) + pad(String(format: "%.2f", row.measured), 12) + pad(error, 10))
        }
        for note in notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(1, width - s.count)) + s }
}

/// Simulates exactly what was executed and compares.
public enum ModelError {
    /// The calls that ran (at their replayed times, durations plus the calibration's warm
    /// overhead), simulated on `target` (its cold start from the calibration when given) on the
    /// node the executor ran as (`ExecutionResult.node`: its slots and memory, calls queued when
    /// full), against what the replay measured: cold starts, p50/p95/p99 response of the
    /// successful invocations, instance-seconds. A note gives the simulation without the node
    /// (every call its own instance when none is free, a cloud's view) for comparison.
    public static func compare(calls: [ExecCall], result: ExecutionResult, target: SimulationTarget,
                               calibration: Calibration?, sample: String, seed: UInt64 = 1) throws -> ModelErrorTable {
        let ran = Set(result.records.map(\.index))
        let executed = calls.filter { ran.contains($0.index) }
        let overhead = calibration?.warmOverheadMedianMs ?? 0
        var target = target
        calibration?.apply(to: &target.model)
        var notes: [String] = []
        if calibration == nil { notes.append("no calibration: the target's own cold-start model was simulated") } else {
            notes.append("simulated with this machine's calibration: cold start measured, warm overhead \(String(format: "%.3f", overhead)) ms added to each duration")
        }
        if target.model.prewarmedPool != nil {
            target.model.prewarmedPool = nil
            notes.append("the target's pre-warmed pool left out: the executor keeps no generic instances")
        }
        if case .alwaysOn = target.model.keepAlive {
            notes.append("always-on instances: the simulator counts them to the end of the window, the replay to its last answer")
        }
        let workload = Self.workload(executed, target: target) { $0.durationMs + overhead }
        let options = SimulationOptions(seed: seed, arrivals: .equidistant, fastPath: false)
        let unlimited = try Simulator.run(workload, targets: [target], options: options).targets.first?.total ?? Outcome()
        var onNode = target
        onNode.model.cluster = result.node
        let total = try Simulator.run(workload, targets: [onNode], options: options).targets.first?.total ?? Outcome()
        let measured = ExecutionSummary(result)
        notes.append(String(format: "simulated on the executor's node: %d slots (one core per call), %.0f MB for instances; %d calls queued for a slot (wait p50 %.1f ms, p99 %.1f ms)",
                            result.slots, result.node.memoryMBPerNode, total.queued, total.waitMs.p50, total.waitMs.p99))
        notes.append(String(format: "without the node (every call its own instance when none is free): %d cold starts, p50 %.1f ms, p99 %.1f ms, %.0f instance-seconds",
                            unlimited.coldStarts, unlimited.latencyMs.p50, unlimited.latencyMs.p99, unlimited.instanceSeconds))
        // The same node fed the execution times this machine gave each call (its contention in them):
        // what is left is the model of instances and queueing alone.
        let executionMs = Dictionary(result.records.compactMap { r in r.executionMs.map { (r.index, $0) } }, uniquingKeysWith: { a, _ in a })
        let given = Self.workload(executed, target: target) { executionMs[$0.index] ?? $0.durationMs + overhead }
        let asRan = try Simulator.run(given, targets: [onNode], options: options).targets.first?.total ?? Outcome()
        notes.append(String(format: "on the node with each call's measured execution time as its duration: %d cold starts, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms (%+.1f %%, %+.1f %%, %+.1f %% against measured)",
                            asRan.coldStarts, asRan.latencyMs.p50, asRan.latencyMs.p95, asRan.latencyMs.p99,
                            Self.relative(asRan.latencyMs.p50, measured.responseMs.p50) * 100, Self.relative(asRan.latencyMs.p95, measured.responseMs.p95) * 100,
                            Self.relative(asRan.latencyMs.p99, measured.responseMs.p99) * 100))
        if let stretch = ExecutionStretch(result.records) { notes.append(stretch.note(slots: result.slots, calibratedOverheadMs: overhead)) }
        let rows = [
            ModelErrorTable.Row(metric: "coldStarts", simulated: Double(total.coldStarts), measured: Double(measured.coldStarts)),
            ModelErrorTable.Row(metric: "p50Ms", simulated: total.latencyMs.p50, measured: measured.responseMs.p50),
            ModelErrorTable.Row(metric: "p95Ms", simulated: total.latencyMs.p95, measured: measured.responseMs.p95),
            ModelErrorTable.Row(metric: "p99Ms", simulated: total.latencyMs.p99, measured: measured.responseMs.p99),
            ModelErrorTable.Row(metric: "instanceSeconds", simulated: total.instanceSeconds, measured: measured.instanceSeconds),
        ]
        return ModelErrorTable(target: target.profile.id, sample: sample, rows: rows, notes: notes)
    }

    static func relative(_ simulated: Double, _ measured: Double) -> Double { measured == 0 ? 0 : (simulated - measured) / measured }

    /// The executed calls as a workload: one function per (app, function) in the loader's order,
    /// exact calls at the replayed times with `duration`'s durations; a window long enough that
    /// no instance is cut short by its end.
    static func workload(_ executed: [ExecCall], target: SimulationTarget, duration: (ExecCall) -> Double) -> Workload {
        var slot: [FunctionKey: Int] = [:]
        var keys: [FunctionKey] = [], starts: [[Double]] = [], durations: [[Double]] = [], memory: [Double] = []
        for call in executed {
            let key = FunctionKey(app: call.app, function: call.function)
            let i: Int
            if let known = slot[key] { i = known } else {
                i = keys.count
                slot[key] = i
                keys.append(key); starts.append([]); durations.append([]); memory.append(Double(call.memoryMB))
            }
            starts[i].append(call.scheduledSeconds)
            durations[i].append(duration(call))
        }
        var apps: [AppWorkload] = []
        for i in keys.indices.sorted(by: { (keys[$0].app, keys[$0].function) < (keys[$1].app, keys[$1].function) }) {
            let function = FunctionWorkload(key: keys[i], memoryMB: memory[i], calls: .exact(startSeconds: starts[i], durationMs: durations[i]))
            if apps.last?.key == keys[i].app { apps[apps.count - 1].functions.append(function) } else {
                apps.append(AppWorkload(key: keys[i].app, functions: [function]))
            }
        }
        var end = executed.map { $0.scheduledSeconds + duration($0) / 1000 }.max() ?? 0
        if case .fixed(let idle) = target.model.keepAlive { end += idle }
        return Workload(apps: apps, spanMinutes: Int((end / 60).rounded(.up)) + 1)
    }
}

/// How much longer the executed calls ran than their trace asked: the service time the node's
/// queue grows with, which the simulation takes from the trace. The worker ends a call on the
/// clock, so on an idle machine the difference is the pipe's round trip (the calibration's warm
/// overhead, a few hundredths of a ms); more is time the instance was not running when its
/// duration ran out, because other work held the cores.
struct ExecutionStretch: Equatable {
    /// Execution time over the requested duration, ms, of the successful calls: median and mean.
    var p50Ms: Double
    var meanMs: Double
    /// Busy cores the calls offered over the replay's span at their requested durations, and at
    /// their measured execution times.
    var requestedBusyCores: Double
    var executedBusyCores: Double

    init?(_ records: [InvocationRecord]) {
        let ok = records.filter { $0.outcome == .ok && $0.executionMs != nil }
        guard ok.count > 1 else { return nil }
        let extra = ok.map { $0.executionMs! - $0.requestedDurationMs }.sorted()
        // Nearest rank, as the summary's percentiles.
        p50Ms = extra[max(0, Int((0.5 * Double(extra.count)).rounded(.up)) - 1)]
        meanMs = extra.reduce(0, +) / Double(extra.count)
        let first = ok.map(\.scheduledSeconds).min()!, last = ok.map { $0.scheduledSeconds + $0.executionMs! / 1000 }.max()!
        let span = max(last - first, 1e-9)
        requestedBusyCores = ok.reduce(0) { $0 + $1.requestedDurationMs } / 1000 / span
        executedBusyCores = ok.reduce(0) { $0 + $1.executionMs! } / 1000 / span
    }

    func note(slots: Int, calibratedOverheadMs: Double) -> String {
        String(format: "the calls ran longer than their trace asked: execution over requested duration p50 %+.1f ms, mean %+.1f ms (the calibrated protocol overhead is %.3f ms; the rest is time other work held the cores); the node's offered load was %.2f busy cores of %d at the measured execution times against %.2f at the requested durations the simulation replays, and a queue grows steeply with it (the note above with measured execution times shows what that does)",
               p50Ms, meanMs, calibratedOverheadMs, executedBusyCores, slots, requestedBusyCores)
    }
}
