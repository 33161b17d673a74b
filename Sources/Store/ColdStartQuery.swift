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
            // A function's blocks (one or more files) gathered in one buffer, ordered as a block is.
            var current: Int64?
            var buffer = BlockBuffer()
            func close() {
                guard let function = current, let key = keys[function] else { return }
                buffer.sortByStart()
                var calls = ObservedCalls(key: key)
                let (initMs, cold) = (buffer.initMs.values, buffer.cold.values)
                for i in cold.indices where !cold[i].isNaN {
                    calls.starts.append(buffer.starts[i])
                    calls.durationsMs.append(buffer.durations[i])
                    calls.initMs.append(cold[i] != 0 && !initMs.isEmpty && !initMs[i].isNaN ? initMs[i] : nil)
                    calls.cold.append(cold[i] != 0)
                }
                if !calls.starts.isEmpty { out.append(calls) }
            }
            try Self.eachBlock(db, [.starts, .durations, .initMs, .cold], timed: true, required: .cold) { function, columns in
                if function != current {
                    close()
                    current = function
                    buffer = BlockBuffer()
                }
                let (starts, durations, initMs, cold) = (columns[0], columns[1], columns[2], columns[3])
                for i in starts.indices {
                    buffer.append(Invocation(startSeconds: starts[i], durationMs: durations[i],
                                             initMs: initMs.isEmpty || initMs[i].isNaN ? nil : initMs[i],
                                             cold: cold[i].isNaN ? nil : cold[i] != 0))
                }
            }
            close()
            // SQLite's BINARY collation: byte order.
            out.sort { a, b in
                Array(a.key.app.utf8).lexicographicallyPrecedes(b.key.app.utf8)
                    || (Array(a.key.app.utf8) == Array(b.key.app.utf8) && Array(a.key.function.utf8).lexicographicallyPrecedes(b.key.function.utf8))
            }
            return out
        }
    }
}
