import GRDB
import Percentiles
import Traces

/// What a trace holds and how it is shaped, for `placer inspect`: enough to tell at a glance
/// whether a trace looks like production (compare with Shahrad et al., ATC 2020, §3).
public struct TraceSummary: Sendable, Equatable {
    /// One ingested file.
    public struct File: Sendable, Equatable {
        public var name: String
        public var format: String
        public var kind: String
        public var day: Int?
        public var rows: Int
        public var skippedRows: Int
    }

    /// A trigger's share of functions and of invocations.
    public struct TriggerShare: Sendable, Equatable {
        public var trigger: String
        public var functions: Int
        public var invocations: Double
    }

    public var files: [File] = []
    public var apps = 0
    public var functions = 0
    /// Invocations counted from per-minute series and from per-invocation rows.
    public var invocations = 0.0
    /// Trace span in seconds (whole minutes for binned traces).
    public var spanSeconds = 0.0
    /// Start of the span: seconds since the trace start, or the Unix epoch when `clock` is epoch.
    public var startSeconds: Double?
    public var clock: TraceClock = .relative
    public var triggers: [TriggerShare] = []
    /// Share of apps invoked at most once an hour on average over the span.
    public var appsAtMostHourly = 0.0
    /// Share of apps invoked at most once a minute on average over the span.
    public var appsAtMostPerMinute = 0.0
    /// Share of all invocations made by the apps invoked at least once a minute on average.
    public var invocationsFromPerMinuteApps = 0.0
    /// Share of apps invoked at least once a minute on average.
    public var appsAtLeastPerMinute = 0.0
    /// Share of all invocations made by the busiest 10 % of apps.
    public var invocationsFromTop10PercentApps = 0.0
    /// What the duration percentiles describe.
    public var durationBasis = ""
    /// Percentiles (levels in `percentileLevels`) of execution time in ms, from values kept to 3
    /// significant digits (`PercentileHistogram`).
    public var durationPercentilesMs: [Double] = []
    public var memoryBasis = ""
    public var memoryPercentilesMB: [Double] = []
    /// Functions with invocations but no duration data in any ingested file.
    public var functionsWithoutDurations = 0
    /// Apps with invocations but no memory data in any ingested file.
    public var appsWithoutMemory = 0
    /// Azure 2019 days with invocations but no memory file (days 13–14 in the real trace).
    public var daysWithoutMemory: [Int] = []
    /// Invocation rows that carry no start time (bare Lambda REPORT lines).
    public var invocationsWithoutTime = 0

    public static let percentileLevels: [Double] = [1, 25, 50, 75, 90, 99]
}

extension TraceStore {
    /// Summarises everything ingested so far.
    public func summary() throws -> TraceSummary {
        try reading { db in try SummaryQuery(db: db).run() }
    }
}

private struct SummaryQuery {
    let db: Database

    func run() throws -> TraceSummary {
        var s = TraceSummary()
        s.files = try Row.fetchAll(db, sql: "SELECT name, format, kind, day, rows, skipped_rows FROM trace_file ORDER BY id").map {
            TraceSummary.File(name: $0["name"], format: $0["format"], kind: $0["kind"], day: $0["day"],
                              rows: $0["rows"], skippedRows: $0["skipped_rows"])
        }
        s.functions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM function") ?? 0
        s.apps = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT app_id) FROM function") ?? 0

        // Invocations per function, from both kinds of data.
        let perFunction = try Row.fetchAll(db, sql: """
            SELECT f.id, f.app_id, f.trigger, COALESCE(m.total, 0) + COALESCE(i.n, 0) AS total
            FROM function f
            LEFT JOIN (SELECT function_id, SUM(total) AS total FROM minute_series
                       WHERE metric = 'invocations' GROUP BY function_id) m ON m.function_id = f.id
            LEFT JOIN (SELECT function_id, SUM(calls) AS n FROM invocation_block GROUP BY function_id) i ON i.function_id = f.id
            ORDER BY f.id
            """)
        var perApp: [Int64: Double] = [:]
        var byTrigger: [String: (Int, Double)] = [:]
        for row in perFunction {
            let total: Double = row["total"]
            s.invocations += total
            perApp[row["app_id"], default: 0] += total
            if let trigger: String = row["trigger"] {
                byTrigger[trigger, default: (0, 0)].0 += 1
                byTrigger[trigger, default: (0, 0)].1 += total
            }
        }
        s.triggers = byTrigger.map { TraceSummary.TriggerShare(trigger: $0.key, functions: $0.value.0, invocations: $0.value.1) }
            .sorted { ($0.functions, $0.trigger) > ($1.functions, $1.trigger) }

        try span(&s)
        shape(&s, perApp: Array(perApp.values))
        try durations(&s)
        try memory(&s)
        return s
    }

    private func span(_ s: inout TraceSummary) throws {
        let clocks = try String.fetchAll(db, sql: "SELECT DISTINCT clock FROM trace_file WHERE kind = 'invocations' OR format = 'huawei'")
        s.clock = clocks.contains("epoch") ? .epoch : .relative
        var start = Double.infinity, end = -Double.infinity
        if let row = try Row.fetchOne(db, sql: "SELECT MIN(first_minute) AS a, MAX(last_minute) AS b FROM minute_series WHERE metric = 'invocations'"),
           let a: Double = row["a"], let b: Double = row["b"] {
            start = a * 60
            end = (b + 1) * 60
        }
        try TraceStore.eachBlock(db, [.starts, .durations], timed: true) { _, columns in
            let (starts, durations) = (columns[0], columns[1])
            guard let first = starts.first else { return }
            start = min(start, first)  // a timed block ascends by start
            for i in starts.indices { end = max(end, starts[i] + durations[i] / 1000.0) }
        }
        s.invocationsWithoutTime = try TraceStore.untimedCalls(db)
        if start.isFinite && end.isFinite {
            s.startSeconds = start
            s.spanSeconds = max(end - start, 60)
        }
    }

    private func shape(_ s: inout TraceSummary, perApp: [Double]) {
        guard !perApp.isEmpty, s.spanSeconds > 0, s.invocations > 0 else { return }
        let hours = s.spanSeconds / 3600
        let minutes = s.spanSeconds / 60
        let n = Double(perApp.count)
        s.appsAtMostHourly = Double(perApp.filter { $0 <= hours }.count) / n
        s.appsAtMostPerMinute = Double(perApp.filter { $0 <= minutes }.count) / n
        let busy = perApp.filter { $0 >= minutes }
        s.appsAtLeastPerMinute = Double(busy.count) / n
        s.invocationsFromPerMinuteApps = busy.reduce(0, +) / s.invocations
        let sorted = perApp.sorted(by: >)
        let top = max(1, Int((n * 0.1).rounded(.up)))
        s.invocationsFromTop10PercentApps = sorted.prefix(top).reduce(0, +) / s.invocations
    }

    /// Percentiles (at `TraceSummary.percentileLevels`) of the values a query returns, each
    /// counted as many times as its second column says (once without one); nil when none. The
    /// rows stream through a `PercentileHistogram`, so memory stays bounded however long the
    /// trace. Unweighted values are interpolated between the closest ranks (Hyndman & Fan type 7,
    /// numpy's default); weighted ones are the smallest value whose cumulative weight reaches the
    /// level (nearest rank).
    private func percentiles(_ sql: String, weighted: Bool = false) throws -> [Double]? {
        var histogram = PercentileHistogram()
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            guard let value = row[0] as Double? else { continue }
            let weight = weighted ? (row[1] as Double?) ?? 1 : 1
            histogram.record(value, count: Int(max(0, weight.rounded())))
        }
        return Self.levels(histogram, weighted: weighted)
    }

    /// `percentiles` of one per-call column of the invocation blocks (its NaNs left out).
    private func percentiles(of column: BlockColumn) throws -> [Double]? {
        var histogram = PercentileHistogram()
        try TraceStore.eachBlock(db, [column], required: column) { _, columns in
            for value in columns[0] where !value.isNaN { histogram.record(value, count: 1) }
        }
        return Self.levels(histogram, weighted: false)
    }

    private static func levels(_ histogram: PercentileHistogram, weighted: Bool) -> [Double]? {
        guard !histogram.isEmpty else { return nil }
        return TraceSummary.percentileLevels.map { weighted ? histogram.percentile($0 / 100) : histogram.interpolated($0 / 100) }
    }

    private func durations(_ s: inout TraceSummary) throws {
        if let p = try percentiles(of: .durations) {
            (s.durationBasis, s.durationPercentilesMs) = ("per invocation", p)
        } else if let p = try percentiles("""
            SELECT SUM(average_ms * count) / MAX(SUM(count), 1) AS a FROM duration_percentiles
            GROUP BY function_id
            """) {
            // Binned traces: the count-weighted average execution time of each function over all
            // days, the distribution the ATC 2020 paper reports (Fig. 7).
            (s.durationBasis, s.durationPercentilesMs) = ("average per function", p)
        } else if let p = try percentiles("""
            SELECT d.value AS delay, COALESCE(r.value, 1) AS weight
            FROM minute_value d LEFT JOIN minute_value r
              ON r.function_id = d.function_id AND r.minute = d.minute AND r.metric = 'invocations'
            WHERE d.metric = 'function_delay'
            """, weighted: true) {
            // Huawei: the per-minute average function delay, weighted by that minute's requests.
            (s.durationBasis, s.durationPercentilesMs) = ("function delay per minute, weighted by requests", p)
        }
        let hasDurationFiles = (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM duration_percentiles") ?? 0) > 0
        guard hasDurationFiles else { return }
        s.functionsWithoutDurations = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM function f
            WHERE EXISTS (SELECT 1 FROM minute_series m WHERE m.function_id = f.id AND m.metric = 'invocations')
              AND NOT EXISTS (SELECT 1 FROM duration_percentiles d WHERE d.function_id = f.id)
            """) ?? 0
    }

    private func memory(_ s: inout TraceSummary) throws {
        if let p = try percentiles(of: .memory) {
            (s.memoryBasis, s.memoryPercentilesMB) = ("configured, per invocation", p)
        } else if let p = try percentiles("""
            SELECT SUM(average_mb * sample_count) / MAX(SUM(sample_count), 1) AS a FROM memory_percentiles
            GROUP BY app_id
            """) {
            (s.memoryBasis, s.memoryPercentilesMB) = ("average allocated per app", p)
        }
        let hasMemoryFiles = (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM memory_percentiles") ?? 0) > 0
        guard hasMemoryFiles else { return }
        s.appsWithoutMemory = try Int.fetchOne(db, sql: """
            SELECT COUNT(DISTINCT f.app_id) FROM function f
            WHERE EXISTS (SELECT 1 FROM minute_series m WHERE m.function_id = f.id AND m.metric = 'invocations')
              AND NOT EXISTS (SELECT 1 FROM memory_percentiles p WHERE p.app_id = f.app_id)
            """) ?? 0
        s.daysWithoutMemory = try Int.fetchAll(db, sql: """
            SELECT DISTINCT first_minute / 1440 + 1 AS day FROM minute_series WHERE metric = 'invocations'
            EXCEPT SELECT day FROM memory_percentiles ORDER BY day
            """)
    }
}
