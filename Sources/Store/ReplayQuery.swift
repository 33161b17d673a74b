import Foundation
import GRDB
import Traces

/// Everything a replay needs from the store, per function, in a fixed order (app key, function key).
public struct ReplayTrace: Sendable {
    public struct Function: Sendable {
        public var key: FunctionKey
        public var trigger: Trigger?
        /// Invocation counts per minute (sparse, ascending), merged over all files.
        public var minutes: [Int32] = []
        public var counts: [Int32] = []
        /// Execution-time distributions, ascending by day.
        public var durations: [DurationPercentiles] = []
        /// Per-invocation rows with a start time, ascending by start (seconds, the store's clock).
        public var starts: [Double] = []
        public var durationsMs: [Double] = []
        /// Largest configured memory among its invocation rows, if any.
        public var configuredMemoryMB: Double?
        /// CPU and execution time summed over the invocation rows that give both (`cpu_ms`), ms.
        public var cpuMs = 0.0
        public var cpuRowsDurationMs = 0.0
        /// CPU time, ms, and the calls it served, over the minutes of a binned trace that record
        /// both CPU usage and the CPU allocated (Huawei's `cpu_usage_minute/` and
        /// `cpu_limit_minute/`, see `measuredCPU`); 0 when the trace has none.
        public var binnedCPUMs = 0.0
        public var binnedCPUCalls = 0.0
        /// Its app's owner or account, if the trace names one.
        public var owner: String?

        public init(key: FunctionKey, trigger: Trigger? = nil, minutes: [Int32] = [], counts: [Int32] = [],
                    durations: [DurationPercentiles] = [], starts: [Double] = [], durationsMs: [Double] = [],
                    configuredMemoryMB: Double? = nil) {
            self.key = key
            self.trigger = trigger
            self.minutes = minutes
            self.counts = counts
            self.durations = durations
            self.starts = starts
            self.durationsMs = durationsMs
            self.configuredMemoryMB = configuredMemoryMB
        }
    }

    public var functions: [Function] = []
    /// Per app: average allocated memory over the days measured (weighted by sample count).
    public var appMemoryMB: [String: Double] = [:]
    /// Invocation rows without a start time: they cannot be replayed.
    public var invocationsWithoutTime = 0
    /// The period untimed calls were spread over (the user's `--period`), and how many there were.
    public var spreadOverSeconds: Double?
    public var spreadInvocations = 0
    public var clock: TraceClock = .relative

    public init(functions: [Function] = [], appMemoryMB: [String: Double] = [:], invocationsWithoutTime: Int = 0,
                clock: TraceClock = .relative) {
        self.functions = functions
        self.appMemoryMB = appMemoryMB
        self.invocationsWithoutTime = invocationsWithoutTime
        self.clock = clock
    }
}

extension TraceStore {
    /// Invocation rows without a start time.
    public var untimedInvocations: Int {
        (try? reading { db in try Self.untimedCalls(db) }) ?? 0
    }

    /// Reads what `placer simulate` replays. With `untimedPeriodSeconds`, a trace whose
    /// invocation rows carry no times at all has each function's calls spread evenly over that
    /// period, in the log's order (call i of n at (i + ½) × period / n): the bill then rests on
    /// their durations and memory, not on when they overlapped.
    public func replayTrace(untimedPeriodSeconds: Double? = nil) throws -> ReplayTrace {
        try reading { db in
            var trace = ReplayTrace()
            var index: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT f.id, a.key AS app, a.owner, f.key, f.trigger FROM function f JOIN app a ON a.id = f.app_id ORDER BY a.key, f.key
                """) {
                index[row["id"]] = trace.functions.count
                var function = ReplayTrace.Function(
                    key: FunctionKey(app: row["app"], function: row["key"]),
                    trigger: (row["trigger"] as String?).flatMap(Trigger.init(rawValue:)))
                function.owner = row["owner"]
                trace.functions.append(function)
            }
            // Minute series: one row per function and file, merged in minute order. A function's
            // rows are read into scratch arrays and stored at their exact size, so a long trace
            // costs 8 bytes a minute with calls once loaded, and one function's worth on the way.
            var scratch: [(Int32, Int32)] = []
            var current: Int? = nil
            func store() throws {
                defer { scratch.removeAll(keepingCapacity: true) }
                guard let f = current, !scratch.isEmpty else { return }
                if zip(scratch, scratch.dropFirst()).allSatisfy({ $0.0 < $1.0 }) {
                    trace.functions[f].minutes = scratch.map(\.0)
                    trace.functions[f].counts = scratch.map(\.1)
                    return
                }
                // Overlapping files: add up the counts of the same minute.
                var merged: [Int32: Int32] = [:]
                for (m, c) in scratch {
                    let (sum, overflow) = merged[m, default: 0].addingReportingOverflow(c)
                    guard !overflow else {
                        throw StoredValueError(message: "function \(trace.functions[f].key.function) has more than \(Int32.max) calls in minute \(m) across its files")
                    }
                    merged[m] = sum
                }
                let minutes = merged.keys.sorted()
                trace.functions[f].minutes = minutes
                trace.functions[f].counts = minutes.map { merged[$0] ?? 0 }
            }
            let series = try Row.fetchCursor(db, sql: "SELECT function_id, points FROM minute_series WHERE metric = 'invocations' ORDER BY function_id, first_minute")
            while let row = try series.next() {
                guard let f = index[row["function_id"]] else { continue }
                if f != current {
                    try store()
                    current = f
                }
                try Self.parsePoints(row["points"], into: &scratch)
            }
            try store()
            try Self.measuredCPU(db, index: index, into: &trace)
            for row in try Row.fetchAll(db, sql: "SELECT * FROM duration_percentiles ORDER BY function_id, day") {
                guard let f = index[row["function_id"]] else { continue }
                trace.functions[f].durations.append(DurationPercentiles(
                    day: row["day"], averageMs: row["average_ms"], count: row["count"], minimumMs: row["minimum_ms"],
                    maximumMs: row["maximum_ms"],
                    percentilesMs: ["p0_ms", "p1_ms", "p25_ms", "p50_ms", "p75_ms", "p99_ms", "p100_ms"].map { row[$0] }))
            }
            try Self.readBlocks(db, timed: true) { f, calls in
                guard let f = index[f] else { return }
                trace.functions[f].starts = calls.starts
                trace.functions[f].durationsMs = calls.durations
                trace.functions[f].configuredMemoryMB = calls.memoryMB
                (trace.functions[f].cpuMs, trace.functions[f].cpuRowsDurationMs) = calls.cpuSums()
            }
            trace.invocationsWithoutTime = try Self.untimedCalls(db)
            if let period = untimedPeriodSeconds, period > 0, trace.invocationsWithoutTime > 0,
               trace.functions.allSatisfy({ $0.starts.isEmpty && $0.minutes.isEmpty }) {
                try Self.readBlocks(db, timed: false) { f, calls in
                    guard let f = index[f] else { return }
                    let gap = period / Double(calls.durations.count)
                    trace.functions[f].starts = calls.durations.indices.map { (Double($0) + 0.5) * gap }
                    trace.functions[f].durationsMs = calls.durations
                    if let mb = calls.memoryMB { trace.functions[f].configuredMemoryMB = max(trace.functions[f].configuredMemoryMB ?? 0, mb) }
                }
                trace.spreadOverSeconds = period
                trace.spreadInvocations = trace.invocationsWithoutTime
                trace.invocationsWithoutTime = 0
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT a.key, SUM(m.average_mb * m.sample_count) / MAX(SUM(m.sample_count), 1) AS mb
                FROM memory_percentiles m JOIN app a ON a.id = m.app_id GROUP BY a.key
                """) {
                trace.appMemoryMB[row["key"]] = row["mb"]
            }
            let clocks = try String.fetchAll(db, sql: "SELECT DISTINCT clock FROM trace_file WHERE rows > 0")
            trace.clock = clocks.contains("epoch") ? .epoch : .relative
            return trace
        }
    }

    /// Parses `[[minute,value],…]` as written by `PointsEncoding` (values rounded to whole counts).
    /// A minute or a count beyond 32 bits (a database written by hand or by an older Placer
    /// without range checks) is a `StoredValueError`, not a trap.
    static func parsePoints(_ text: String, into out: inout [(Int32, Int32)]) throws {
        try forEachPoint(text) { minute, value in
            guard let m = Int32(exactly: minute), let count = Int32(exactly: value.rounded()) else {
                throw StoredValueError(message: "a minute series holds [\(minute), \(value)], beyond a 32-bit minute and count")
            }
            out.append((m, count))
        }
    }

    /// Calls `body` with each `[minute, value]` pair of `[[minute,value],…]`, in order.
    static func forEachPoint(_ text: String, _ body: (Double, Double) throws -> Void) throws {
        var copy = text
        try copy.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            var fields: [Double] = []
            fields.reserveCapacity(2)
            while i < n {
                let ch = bytes[i]
                if (ch >= 48 && ch <= 57) || ch == 45 {
                    // A number: whole values fast, anything else through Double's parser.
                    let start = i
                    var whole = true
                    while i < n, (bytes[i] >= 48 && bytes[i] <= 57) || bytes[i] == 45 || bytes[i] == 46 || bytes[i] == 101 || bytes[i] == 69 || bytes[i] == 43 {
                        if bytes[i] < 48 { whole = whole && (bytes[i] == 45 && i == start) }
                        if bytes[i] > 57 { whole = false }
                        i += 1
                    }
                    var value = 0.0
                    if whole {
                        var v = 0, sign = 1, j = start
                        if bytes[j] == 45 { sign = -1; j += 1 }
                        while j < i, v < 1 << 53 { v = v * 10 + Int(bytes[j] - 48); j += 1 }
                        value = j < i ? .infinity : Double(sign * v)
                    } else {
                        value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) ?? 0
                    }
                    fields.append(value)
                    if fields.count == 2 {
                        try body(fields[0], fields[1])
                        fields.removeAll(keepingCapacity: true)
                    }
                } else {
                    i += 1
                }
            }
        }
    }
}

/// A value in the database outside what Placer writes (written by hand, or before range checks).
public struct StoredValueError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "the database holds a value out of range: \(message)" }
}
