import Traces

/// One invocation to run for real: who, when (seconds from the workload's minute 0) and for how long.
public struct ScheduledInvocation: Sendable, Equatable {
    public var function: FunctionKey
    public var startSeconds: Double
    public var durationMs: Double
    public var memoryMB: Double

    public init(function: FunctionKey, startSeconds: Double, durationMs: Double, memoryMB: Double) {
        self.function = function
        self.startSeconds = startSeconds
        self.durationMs = durationMs
        self.memoryMB = memoryMB
    }
}

/// The invocations the simulator replays, as a flat schedule for the executors: drawn by the same
/// seeded arrival generator (`ArrivalExpansion`), so the same workload and seed give the same
/// schedule as `Simulator.run` sees.
public enum Schedule {
    /// Every invocation of the selected functions starting in `window` (seconds from minute 0,
    /// half-open), ascending by start time; ties keep the workload's app and function order.
    public static func build(_ workload: Workload, seed: UInt64, arrivals: ArrivalMode,
                             window: Range<Double> = 0..<Double.infinity,
                             including include: (FunctionWorkload) -> Bool = { _ in true }) -> [ScheduledInvocation] {
        var all: [ScheduledInvocation] = []
        for app in workload.apps {
            for function in app.functions where include(function) {
                // Expanded from minute 0 whatever the window, so the random streams are the simulator's.
                var expander = ArrivalExpansion.Expander(function, seed: seed, mode: arrivals)
                var list = CallList()
                expander.next(before: window.upperBound, into: &list)
                for (t, d) in zip(list.times, list.durationsMs) where window.contains(t) {
                    all.append(ScheduledInvocation(function: function.key, startSeconds: t, durationMs: d, memoryMB: function.memoryMB))
                }
            }
        }
        // A stable sort: equal start times stay in app, function, then call order.
        return all.enumerated().sorted { a, b in
            a.element.startSeconds != b.element.startSeconds ? a.element.startSeconds < b.element.startSeconds : a.offset < b.offset
        }.map(\.element)
    }
}
