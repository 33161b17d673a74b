import GRDB

extension TraceStore {
    /// Each binned function's CPU time per call from the trace's resource series (Huawei's private
    /// set, sir-lab/data-release `README_data_release_2023.md`): `cpu_usage` is the percentage of
    /// the allocated CPU its pods used in a minute, averaged over the pods, and `cpu_limit` the CPU
    /// allocated to all of them, in cores. In a minute with calls and both series, the pods used
    /// usage ÷ 100 × limit cores for 60 s, that is usage ÷ 100 × limit × 60,000 ms of CPU, which the
    /// minute's calls share. Minutes missing one of the three are left out of both sums.
    ///
    /// Idle pods are in the average too: what they burn (a runtime's housekeeping) is charged to
    /// the calls, as a cluster would carry it.
    static func measuredCPU(_ db: Database, index: [Int64: Int], into trace: inout ReplayTrace) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM minute_series WHERE metric = 'cpu_usage')") == true else { return }
        var usage: [Int: [Int32: Double]] = [:], limit: [Int: [Int32: Double]] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT function_id, metric, points FROM minute_series WHERE metric IN ('cpu_usage', 'cpu_limit')
            ORDER BY function_id, metric, first_minute
            """)
        while let row = try rows.next() {
            guard let f = index[row["function_id"]] else { continue }
            let isUsage = (row["metric"] as String) == "cpu_usage"
            try forEachPoint(row["points"]) { minute, value in
                guard let m = Int32(exactly: minute), value.isFinite, value >= 0 else {
                    throw StoredValueError(message: "a CPU series holds [\(minute), \(value)]")
                }
                if isUsage { usage[f, default: [:]][m] = value } else { limit[f, default: [:]][m] = value }
            }
        }
        for (f, used) in usage {
            guard let allocated = limit[f] else { continue }
            let function = trace.functions[f]
            for (minute, count) in zip(function.minutes, function.counts) where count > 0 {
                guard let percent = used[minute], let cores = allocated[minute] else { continue }
                trace.functions[f].binnedCPUMs += percent / 100 * cores * 60_000
                trace.functions[f].binnedCPUCalls += Double(count)
            }
        }
    }
}
