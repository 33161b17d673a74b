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
    /// Per function (ordered by app, function, as SQLite orders text), the timed calls whose trace
    /// says whether they were cold (the blocks' `cold` column), ascending by (start, duration);
    /// functions without such calls are left out.
    public func observedCalls() throws -> [ObservedCalls] {
        try writer.read { db in
            var keys: [Int64: FunctionKey] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT f.id, a.key, f.key FROM function f JOIN app a ON a.id = f.app_id") {
                keys[row[0]] = FunctionKey(app: row[1], function: row[2])
            }
            var out: [ObservedCalls] = []
            var blocks = 0
            func close() {
                guard blocks > 1, var calls = out.last else { return }
                // Several files' blocks: merged by (start, duration), each file's order kept on ties.
                let order = calls.starts.indices.sorted {
                    (calls.starts[$0], calls.durationsMs[$0], $0) < (calls.starts[$1], calls.durationsMs[$1], $1)
                }
                calls.starts = order.map { calls.starts[$0] }
                calls.durationsMs = order.map { calls.durationsMs[$0] }
                calls.initMs = order.map { calls.initMs[$0] }
                calls.cold = order.map { calls.cold[$0] }
                out[out.count - 1] = calls
            }
            var current: Int64?
            try Self.eachBlock(db, [.starts, .durations, .initMs, .cold], timed: true, required: .cold) { function, columns in
                guard let key = keys[function] else { return }
                if function != current {
                    close()
                    current = function
                    blocks = 0
                    out.append(ObservedCalls(key: key))
                }
                blocks += 1
                let (starts, durations, initMs, cold) = (columns[0], columns[1], columns[2], columns[3])
                for i in cold.indices where !cold[i].isNaN {
                    out[out.count - 1].starts.append(starts[i])
                    out[out.count - 1].durationsMs.append(durations[i])
                    out[out.count - 1].initMs.append(cold[i] != 0 && !initMs.isEmpty && !initMs[i].isNaN ? initMs[i] : nil)
                    out[out.count - 1].cold.append(cold[i] != 0)
                }
            }
            close()
            out.removeAll { $0.starts.isEmpty }
            // SQLite's BINARY collation: byte order.
            out.sort { a, b in
                Array(a.key.app.utf8).lexicographicallyPrecedes(b.key.app.utf8)
                    || (Array(a.key.app.utf8) == Array(b.key.app.utf8) && Array(a.key.function.utf8).lexicographicallyPrecedes(b.key.function.utf8))
            }
            return out
        }
    }
}
