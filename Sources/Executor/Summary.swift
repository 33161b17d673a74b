import Formatting
import Foundation
import Percentiles

/// The figures a replay is summed up by.
public struct ExecutionSummary: Sendable {
    public var scheduled = 0
    public var ran = 0
    public var succeeded = 0
    /// Failed invocations per outcome.
    public var failures: [String: Int] = [:]
    public var coldStarts = 0
    /// Percentiles here are `PercentileHistogram`'s: to the microsecond and 3 significant digits,
    /// at most 0.1 % above the nearest-rank value; a start ahead of its schedule counts as on time.
    /// The largest lateness is exact.
    public var latenessMs = (p50: 0.0, p99: 0.0, max: 0.0)
    /// Of the invocations that succeeded, from their scheduled start.
    public var responseMs = (p50: 0.0, p95: 0.0, p99: 0.0)
    public var executionMsP50 = 0.0
    /// Instance start to ready, median over cold starts.
    public var initMsP50 = 0.0
    public var instancesStarted = 0
    public var peakInstances = 0
    public var instanceSeconds = 0.0
    public var cpuSeconds = 0.0
    public var wallSeconds = 0.0
    public var interrupted = false

    public init(_ result: ExecutionResult) {
        scheduled = result.scheduled
        ran = result.records.count
        interrupted = result.interrupted
        wallSeconds = result.wallSeconds
        var lateness = PercentileHistogram(), response = PercentileHistogram()
        var execution = PercentileHistogram(), inits = PercentileHistogram()
        var latest: Double?
        for r in result.records {
            if r.outcome == .ok { succeeded += 1 } else { failures[r.outcome.rawValue, default: 0] += 1 }
            if r.cold == true { coldStarts += 1 }
            if let l = r.latenessMs {
                lateness.record(l)
                latest = max(latest ?? l, l)
            }
            if r.outcome == .ok, let ms = r.responseMs { response.record(ms) }
            if r.outcome == .ok, let ms = r.executionMs { execution.record(ms) }
            if let ms = r.initMs { inits.record(ms) }
        }
        latenessMs = (lateness.percentile(0.5), lateness.percentile(0.99), latest ?? 0)
        responseMs = (response.percentile(0.5), response.percentile(0.95), response.percentile(0.99))
        executionMsP50 = execution.percentile(0.5)
        initMsP50 = inits.percentile(0.5)
        instancesStarted = result.instances.count
        instanceSeconds = result.instances.reduce(0) { $0 + $1.lifetimeSeconds }
        cpuSeconds = result.instances.reduce(0) { $0 + $1.cpuMs } / 1000
        // Peak of instances alive at once, from their start and end times.
        var events: [(Double, Int)] = []
        for i in result.instances { events.append((i.startedSeconds, 1)); events.append((i.endedSeconds, -1)) }
        events.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var alive = 0
        for (_, delta) in events { alive += delta; peakInstances = max(peakInstances, alive) }
    }
}

/// What a speed-up does to the load on this machine, from the schedule alone.
public struct LoadNote: Sendable {
    /// Cores kept busy on average by the invocations' durations over the schedule's span, at the
    /// trace's own pace and as replayed.
    public var traceBusyCores: Double
    public var replayBusyCores: Double
    public var spanSeconds: Double
    public var speedup: Double

    public init(calls: [ExecCall], speedup: Double) {
        self.speedup = speedup
        let work = calls.reduce(0) { $0 + $1.durationMs } / 1000
        let span = max(1e-9, (calls.last?.scheduledSeconds ?? 0) - (calls.first?.scheduledSeconds ?? 0))
        spanSeconds = calls.count > 1 ? span : 0
        replayBusyCores = calls.count > 1 ? work / span : 0
        traceBusyCores = replayBusyCores / max(speedup, 1e-9)
    }

    public func text(slots: Int) -> String {
        let replay = String(format: "%.2f", replayBusyCores), trace = String(format: "%.2f", traceBusyCores)
        var s = "offered load \(replay) busy cores for \(slots) slots"
        if speedup != 1 {
            s += "; speed-up \(Numbers.number(speedup, .trimmed))x compresses the gaps between arrivals (durations stay real): "
                + "the trace's own pace is \(trace) busy cores, and idle gaps shrink \(Numbers.number(speedup, .trimmed))x against the keep-alive, so fewer cold starts than at the trace's pace"
        }
        if replayBusyCores > Double(slots) { s += "; more than the slots: invocations queue and start late" }
        return s
    }
}

/// The summary printed after a replay.
public enum ExecutionText {
    public static func render(_ result: ExecutionResult, load: LoadNote?, target: String) -> String {
        let s = ExecutionSummary(result)
        func ms(_ v: Double) -> String { String(format: "%.1f ms", v) }
        var lines: [String] = []
        lines.append("Executed \(s.ran) of \(s.scheduled) invocations on \(target) locally in \(String(format: "%.1f", s.wallSeconds)) s (\(result.slots) slots)"
                     + (s.interrupted ? " — interrupted, measurements so far kept" : ""))
        let failed = s.failures.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("  succeeded        \(s.succeeded)" + (failed.isEmpty ? "" : "; failed: \(failed)"))
        lines.append("  cold starts      \(s.coldStarts) (init p50 \(ms(s.initMsP50)))")
        lines.append("  start lateness   p50 \(ms(s.latenessMs.p50)), p99 \(ms(s.latenessMs.p99)), max \(ms(s.latenessMs.max))")
        lines.append("  response         p50 \(ms(s.responseMs.p50)), p95 \(ms(s.responseMs.p95)), p99 \(ms(s.responseMs.p99)) (scheduled start to answer)")
        lines.append("  execution        p50 \(ms(s.executionMsP50))")
        lines.append("  instances        \(s.instancesStarted) started, peak \(s.peakInstances) at once, \(String(format: "%.1f", s.instanceSeconds)) instance-seconds")
        let asked = result.records.filter { $0.outcome == .ok }.reduce(0) { $0 + $1.requestedDurationMs } / 1000
        var cpu = "  CPU time         \(String(format: "%.2f", s.cpuSeconds)) s (kernel's account of the instances)"
        if asked > 1, s.cpuSeconds < 0.8 * asked {
            cpu += String(format: "; the durations asked for %.1f s of CPU (%.0f %% given): the instances shared the cores with other work", asked, 100 * s.cpuSeconds / asked)
        }
        lines.append(cpu)
        if let load { lines.append("  load             " + load.text(slots: result.slots)) }
        for note in result.notes { lines.append("  note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
