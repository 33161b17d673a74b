import Traces

/// One invocation of the schedule the simulator replays, for executors that run it for real.
public struct ScheduledCall: Sendable, Equatable {
    /// Position in the schedule (0, 1, …), in start order.
    public var index: Int
    public var app: String
    public var function: String
    /// Start, seconds relative to the workload's origin.
    public var seconds: Double
    public var durationMs: Double
    public var memoryMB: Double
}

/// The simulator's arrivals and durations as one time-ordered list: the same generator, so the
/// same workload, seed and mode give the same schedule that `Simulator.run` replays.
public enum ArrivalSchedule {
    /// Invocations starting in `from..<to` seconds (relative to the workload's origin), ordered by
    /// time, then app and function order, then the function's own order.
    public static func calls(_ workload: Workload, seed: UInt64, mode: ArrivalMode,
                             from: Double = 0, to: Double = .infinity) -> [ScheduledCall] {
        var order: [(Double, Int, Int, Int)] = []
        var lists: [[CallList]] = []
        for app in workload.apps {
            var appLists: [CallList] = []
            for function in app.functions {
                var expander = ArrivalExpansion.Expander(function, seed: seed, mode: mode)
                var list = CallList()
                expander.next(before: to, into: &list)
                appLists.append(list)
            }
            lists.append(appLists)
        }
        for (a, app) in workload.apps.enumerated() {
            for f in app.functions.indices {
                for (k, t) in lists[a][f].times.enumerated() where t >= from && t < to {
                    order.append((t, a, f, k))
                }
            }
        }
        order.sort { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }
        return order.enumerated().map { i, entry in
            let function = workload.apps[entry.1].functions[entry.2]
            return ScheduledCall(index: i, app: function.key.app, function: function.key.function, seconds: entry.0,
                                 durationMs: lists[entry.1][entry.2].durationsMs[entry.3], memoryMB: function.memoryMB)
        }
    }
}
