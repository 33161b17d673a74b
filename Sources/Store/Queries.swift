import GRDB
import Traces

extension TraceStore {
    /// An app's memory percentiles for `day`, or, where that day has none, from the app's nearest
    /// day that has them (the earlier day on a tie). The real Azure 2019 trace has no memory files
    /// for days 13–14; the In-Vitro loader has no answer for those days, this carries the app's
    /// own nearest measurement over instead of dropping its functions. Nil when the app never
    /// had memory data.
    public func memory(appKey: String, day: Int) throws -> MemoryPercentiles? {
        try reading { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT m.* FROM memory_percentiles m JOIN app a ON a.id = m.app_id
                WHERE a.key = ? ORDER BY ABS(m.day - ?), m.day LIMIT 1
                """, arguments: [appKey, day]) else { return nil }
            return MemoryPercentiles(
                day: row["day"], sampleCount: row["sample_count"], averageMB: row["average_mb"],
                percentilesMB: ["p1_mb", "p5_mb", "p25_mb", "p50_mb", "p75_mb", "p95_mb", "p99_mb", "p100_mb"].map { row[$0] })
        }
    }

    /// The formats of the ingested files (`trace_file.format`), without summarising their contents.
    public func fileFormats() throws -> Set<String> {
        try reading { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT format FROM trace_file")) }
    }

    /// Row counts of every table, for checks that a failed ingest left nothing behind.
    public func tableCounts() throws -> [String: Int] {
        try reading { db in
            var counts: [String: Int] = [:]
            for table in ["trace_file", "app", "function", "minute_series", "duration_percentiles", "memory_percentiles", "invocation_block"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Runs a read-only SQL query returning one number (for tests and tools).
    public func scalar(_ sql: String) throws -> Double? {
        try reading { db in try Double.fetchOne(db, sql: sql) }
    }
}
