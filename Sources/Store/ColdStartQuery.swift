import GRDB
import Traces

/// One function's calls whose trace says whether each was a cold start, ascending by start.
public struct ObservedCalls: Sendable, Equatable {
    public var key: FunctionKey
    /// Start of each call, seconds (the store's clock).
    public var starts: [Double] = []
    public var durationsMs: [Double] = []
    /// The init time of a cold call, where the trace gives it; nil for warm calls.
    public var initMs: [Double?] = []
    public var cold: [Bool] = []

    public init(key: FunctionKey) { self.key = key }

    /// Calls the trace marks cold.
    public var coldCount: Int { cold.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

extension TraceStore {
    /// Per function (ordered by app, function), the timed calls whose trace says whether they
    /// were cold (`invocation.cold` not NULL); functions without such calls are left out.
    public func observedCalls() throws -> [ObservedCalls] {
        try writer.read { db in
            var out: [ObservedCalls] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.key AS app, f.key AS function, i.start_s, i.duration_ms, i.init_ms, i.cold
                FROM invocation i JOIN function f ON f.id = i.function_id JOIN app a ON a.id = f.app_id
                WHERE i.cold IS NOT NULL AND i.start_s IS NOT NULL
                ORDER BY a.key, f.key, i.start_s, i.duration_ms
                """)
            while let row = try rows.next() {
                let key = FunctionKey(app: row["app"], function: row["function"])
                if out.last?.key != key { out.append(ObservedCalls(key: key)) }
                let cold: Int = row["cold"]
                out[out.count - 1].starts.append(row["start_s"])
                out[out.count - 1].durationsMs.append(row["duration_ms"])
                out[out.count - 1].initMs.append(cold != 0 ? row["init_ms"] : nil)
                out[out.count - 1].cold.append(cold != 0)
            }
            return out
        }
    }
}
