import GRDB

/// One function of a stored trace: its app, its key, its trigger group and how often it ran.
public struct StoredFunction: Sendable, Equatable {
    public var app: String
    public var function: String
    /// `http`, `timer`, `event`, `queue`, `storage`, `orchestration`, `others`; nil where the trace has none.
    public var trigger: String?
    /// Invocations recorded, from per-minute counts and per-invocation rows.
    public var invocations: Double
}

extension TraceStore {
    /// Every function, ordered by app key then function key (stable across runs).
    public func functionList() throws -> [StoredFunction] {
        try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT a.key AS app, f.key AS function, f.trigger,
                       COALESCE(m.total, 0) + COALESCE(i.n, 0) AS total
                FROM function f JOIN app a ON a.id = f.app_id
                LEFT JOIN (SELECT function_id, SUM(total) AS total FROM minute_series
                           WHERE metric = 'invocations' GROUP BY function_id) m ON m.function_id = f.id
                LEFT JOIN (SELECT function_id, SUM(calls) AS n FROM invocation_block GROUP BY function_id) i ON i.function_id = f.id
                ORDER BY a.key, f.key
                """).map { row in
                StoredFunction(app: row["app"], function: row["function"], trigger: row["trigger"], invocations: row["total"])
            }
        }
    }
}
