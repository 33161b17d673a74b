import GRDB

/// What a function's calls reported of the memory they used (Lambda's `Max Memory Used`).
public struct MemoryUse: Sendable, Equatable {
    public var app: String
    public var function: String
    /// The highest peak any call reported, MB.
    public var peakMB: Double
    /// The mean of the calls' peaks, MB.
    public var meanMB: Double
    /// Calls that reported it.
    public var calls: Int
}

extension TraceStore {
    /// Memory used per function, for functions whose rows report it (ordered by app, function),
    /// from the sums each invocation block keeps.
    public func memoryUse() throws -> [MemoryUse] {
        try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT a.key AS app, f.key AS function, MAX(b.max_memory_peak_mb) AS peak,
                       SUM(b.max_memory_sum_mb) / SUM(b.max_memory_calls) AS mean, SUM(b.max_memory_calls) AS n
                FROM invocation_block b JOIN function f ON f.id = b.function_id JOIN app a ON a.id = f.app_id
                WHERE b.max_memory_calls > 0
                GROUP BY b.function_id ORDER BY a.key, f.key
                """).map { row in
                MemoryUse(app: row["app"], function: row["function"], peakMB: row["peak"], meanMB: row["mean"], calls: row["n"])
            }
        }
    }
}
