import Foundation
import InputLimits
import Simulation
import Store
import Traces

/// Turns an ingested trace into the engine's `Workload`.
public enum WorkloadLoader {
    /// Memory when neither the deployment nor the trace gives one (the report says so).
    public static let assumedMemoryMB = 256.0

    /// - Parameter configuredMemory: memory the deployment file sets for a function, if any; it
    ///   wins over what the trace measured.
    /// - Parameter inferredFloorMB: the least memory an instance gets when it is inferred from the
    ///   app's share (an app's average split over many functions can fall to a few MB, below what
    ///   any runtime holds); nil for no floor.
    /// - Parameter untimedPeriodSeconds: the period a trace without any times covers (the user's
    ///   `--period`): its calls are spread evenly over it, per function, so they can be billed.
    public static func load(_ store: TraceStore, configuredMemory: (FunctionKey) -> Double? = { _ in nil },
                            inferredFloorMB: Double? = nil, untimedPeriodSeconds: Double? = nil,
                            limits: InputLimits = .current) throws -> Workload {
        let trace = try store.replayTrace(untimedPeriodSeconds: untimedPeriodSeconds)
        return try build(trace, configuredMemory: configuredMemory, inferredFloorMB: inferredFloorMB, limits: limits)
    }

    /// - Throws: `SpanError` when the trace spans more than `limits.maxTraceDays` (replay
    ///   allocates per minute of the span: one outlier timestamp would ask for petabytes).
    public static func build(_ trace: ReplayTrace, configuredMemory: (FunctionKey) -> Double? = { _ in nil },
                             inferredFloorMB: Double? = nil, limits: InputLimits = .current) throws -> Workload {
        var notes: [String] = []
        // Window: binned minutes from minute 0; exact starts from the first minute holding one.
        var lastMinute = 0
        var firstStart = Double.infinity
        for f in trace.functions {
            if let m = f.minutes.last { lastMinute = max(lastMinute, Int(m) + 1) }
            if let s = f.starts.first { firstStart = min(firstStart, s) }
        }
        let origin = firstStart.isFinite && trace.functions.allSatisfy({ $0.minutes.isEmpty }) ? (firstStart / 60).rounded(.down) * 60 : 0
        var lastSecond = Double(lastMinute) * 60
        for f in trace.functions {
            for (s, d) in zip(f.starts, f.durationsMs) { lastSecond = max(lastSecond, s - origin + d / 1000) }
        }
        let days = max(lastSecond, trace.spreadOverSeconds ?? 0) / 86_400
        guard days.isFinite, days <= Double(limits.maxTraceDays) else {
            throw SpanError(days: days, limit: limits.maxTraceDays)
        }
        var span = max(1, Int((lastSecond / 60).rounded(.up)))
        if let period = trace.spreadOverSeconds { span = max(span, Int((period / 60).rounded(.up))) }

        var perApp: [String: Int] = [:]
        for f in trace.functions { perApp[f.key.app, default: 0] += 1 }
        var apps: [AppWorkload] = []
        var assumed = 0, withoutDurations = 0, binnedAndExact = 0, floored = 0, withCPU = 0
        for f in trace.functions where !(f.minutes.isEmpty && f.starts.isEmpty) {
            var memory = configuredMemory(f.key)
            var memoryOrigin = MemoryOrigin.declared
            if memory == nil, let recorded = f.configuredMemoryMB { memory = recorded; memoryOrigin = .trace }
            if memory == nil, let appMB = trace.appMemoryMB[f.key.app] {
                // The In-Vitro loader's rule: the app's memory split evenly across its functions,
                // but never below what an instance of a runtime holds.
                let functions = perApp[f.key.app] ?? 1
                let share = appMB / Double(functions)
                let floor = inferredFloorMB.flatMap { share < $0 ? $0 : nil }
                if floor != nil { floored += 1 }
                memory = floor ?? share
                memoryOrigin = .appShare(appMB: appMB, functions: functions, floorMB: floor)
            }
            if memory == nil { assumed += 1; memoryOrigin = .assumed }
            let calls: Calls
            if !f.starts.isEmpty {
                if !f.minutes.isEmpty { binnedAndExact += 1 }
                calls = .exact(startSeconds: f.starts.map { $0 - origin }, durationMs: f.durationsMs)
            } else {
                if f.durations.isEmpty { withoutDurations += 1 }
                calls = .binned(minutes: f.minutes, counts: f.counts, durations: f.durations)
            }
            var workload = FunctionWorkload(key: f.key, trigger: f.trigger, memoryMB: memory ?? assumedMemoryMB, calls: calls)
            workload.memoryOrigin = memoryOrigin
            // CPU over execution time of the rows that measured both.
            if f.cpuRowsDurationMs > 0 { workload.cpuCoresPerCall = f.cpuMs / f.cpuRowsDurationMs; withCPU += 1 }
            if apps.last?.key == f.key.app { apps[apps.count - 1].functions.append(workload) } else {
                apps.append(AppWorkload(key: f.key.app, functions: [workload], owner: f.owner))
            }
        }
        if floored > 0, let floor = inferredFloorMB {
            notes.append("\(floored) functions' share of their app's memory fell below \(Int(floor)) MB, the least any cloud target in the catalog bills: raised to it")
        }
        if withCPU > 0 { notes.append("\(withCPU) functions carry CPU time (cpu_ms): on-prem sizing uses their measured cores per call") }
        if assumed > 0 { notes.append("\(assumed) functions have no memory in the trace or the deployment: \(Int(assumedMemoryMB)) MB assumed") }
        if withoutDurations > 0 {
            notes.append("\(withoutDurations) functions have no duration data: each invocation assumed to run 1 s")
        }
        if binnedAndExact > 0 { notes.append("\(binnedAndExact) functions have both per-minute counts and per-invocation rows: the rows were replayed") }
        if let period = trace.spreadOverSeconds {
            notes.append("the log carries no times: its \(trace.spreadInvocations) calls were spread evenly over the stated period of \(Self.periodText(period)) (--period) to estimate the bill from their durations and memory; concurrency, cold starts and throttling were not modelled (the log does not say when calls overlapped)")
        }
        if trace.invocationsWithoutTime > 0 {
            notes.append("\(trace.invocationsWithoutTime) invocation rows carry no start time (bare Lambda REPORT lines) and cannot be replayed; they are left out")
        }
        if trace.functions.contains(where: { !$0.minutes.isEmpty }) {
            notes.append("binned trace: arrival times drawn as the In-Vitro loader does, durations from each function's percentile table by inverse transform, seeded")
        }
        var workload = Workload(apps: apps, spanMinutes: span, originSeconds: origin, notes: notes)
        // Apps of different owners are different customers: each its own account unless the user
        // says otherwise (`--accounts one`).
        workload.accounts = workload.hasOwners ? .perOwner : .one
        return workload
    }

    /// `7 d`, `12 h`, `90 min`, `45 s`: the largest unit that divides the period.
    static func periodText(_ seconds: Double) -> String {
        for (unit, size) in [("d", 86_400.0), ("h", 3_600.0), ("min", 60.0)] where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size)) \(unit)"
        }
        return "\(Int(seconds)) s"
    }
}

/// A trace whose calls spread over more days than replay allows.
public struct SpanError: Error, Sendable, CustomStringConvertible {
    /// Days from the trace's first minute to its last call's end.
    public var days: Double
    /// The limit, `InputLimits.maxTraceDays`.
    public var limit: Int

    public var description: String {
        let shown = days < 1e15 ? String(Int64(days.rounded(.up))) : "\(days)"
        return "the trace spans \(shown) days, above the limit of \(limit) days \(InputLimits.Name.traceDays.hint); " +
            "is one timestamp far from the others?"
    }
}
