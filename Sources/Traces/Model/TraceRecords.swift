/// Identifies a function: its app's key and its own key within the app.
///
/// Azure 2019 keys are the hashes; Azure 2021 function names are unique only within their app;
/// formats without apps use the function's name for both.
public struct FunctionKey: Hashable, Sendable, CustomStringConvertible {
    public let app: String
    public let function: String

    public init(app: String, function: String) {
        self.app = app
        self.function = function
    }

    public var description: String { app == function ? function : "\(app)/\(function)" }
}

/// What started a function, as the Azure 2019 trace classifies it.
public enum Trigger: String, Sendable, CaseIterable, Codable {
    case http, timer, event, queue, storage, orchestration, others
}

/// A per-minute series a trace records for one function, kept sparse (non-empty minutes only).
public struct MinuteSeries: Sendable {
    /// What the values mean: `invocations` (counts), or a measured quantity such as
    /// `function_delay` (Huawei, milliseconds).
    public var metric: String
    /// Minutes since the trace's start (minute 0 = first minute of day 1).
    public var minutes: [Int32] = []
    public var values: [Double] = []

    public init(metric: String) { self.metric = metric }

    public var isEmpty: Bool { minutes.isEmpty }

    /// Empties the series, keeping its storage.
    public mutating func removeAll() {
        minutes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    public mutating func append(minute: Int32, value: Double) {
        minutes.append(minute)
        values.append(value)
    }
}

/// Execution-time distribution of one function over one day (Azure 2019), in milliseconds.
public struct DurationPercentiles: Sendable, Equatable {
    public var day: Int
    public var averageMs: Double
    /// Executions the distribution covers (need not equal the summed per-minute counts).
    public var count: Int
    public var minimumMs: Double?
    public var maximumMs: Double?
    /// Percentiles 0, 1, 25, 50, 75, 99 and 100 of 30-second averages, weighted by count.
    public var percentilesMs: [Double]

    public static let percentileLevels: [Double] = [0, 1, 25, 50, 75, 99, 100]

    public init(day: Int, averageMs: Double, count: Int, minimumMs: Double?, maximumMs: Double?, percentilesMs: [Double]) {
        self.day = day
        self.averageMs = averageMs
        self.count = count
        self.minimumMs = minimumMs
        self.maximumMs = maximumMs
        self.percentilesMs = percentilesMs
    }
}

/// Allocated-memory distribution of one app over one day (Azure 2019), in MB.
public struct MemoryPercentiles: Sendable, Equatable {
    public var day: Int
    public var sampleCount: Int
    public var averageMB: Double
    /// Percentiles 1, 5, 25, 50, 75, 95, 99 and 100.
    public var percentilesMB: [Double]

    public static let percentileLevels: [Double] = [1, 5, 25, 50, 75, 95, 99, 100]

    public init(day: Int, sampleCount: Int, averageMB: Double, percentilesMB: [Double]) {
        self.day = day
        self.sampleCount = sampleCount
        self.averageMB = averageMB
        self.percentilesMB = percentilesMB
    }
}

/// One recorded invocation.
public struct Invocation: Sendable, Equatable {
    /// Start time in seconds: since the trace start, or since the Unix epoch when the file gave
    /// dates (see `TraceClock`); nil when the log carries no time (bare Lambda REPORT lines).
    public var startSeconds: Double?
    public var durationMs: Double
    /// Configured memory.
    public var memoryMB: Double?
    /// Peak memory used, where the platform reports it.
    public var maxMemoryMB: Double?
    public var initMs: Double?
    public var cpuMs: Double?
    public var billedMs: Double?
    /// Whether the call was a cold start, where the trace says (a Lambda REPORT line with or
    /// without `Init Duration`, a `cold` column); nil when it does not.
    public var cold: Bool?

    public init(startSeconds: Double?, durationMs: Double, memoryMB: Double? = nil, maxMemoryMB: Double? = nil,
                initMs: Double? = nil, cpuMs: Double? = nil, billedMs: Double? = nil, cold: Bool? = nil) {
        self.startSeconds = startSeconds
        self.durationMs = durationMs
        self.memoryMB = memoryMB
        self.maxMemoryMB = maxMemoryMB
        self.initMs = initMs
        self.cpuMs = cpuMs
        self.billedMs = billedMs
        self.cold = cold
    }
}

/// How a file's times are expressed.
public enum TraceClock: String, Sendable {
    /// Seconds (or minutes) since the trace's own start.
    case relative
    /// Seconds since 1970-01-01T00:00:00Z.
    case epoch
    /// No times at all.
    case none
}

/// Where readers deliver what they read. The store implements it; tests collect into memory.
public protocol TraceSink: AnyObject {
    /// Declares a function with what the trace says about it (called before its data, or never).
    func function(_ key: FunctionKey, owner: String?, trigger: Trigger?) throws
    func minuteSeries(_ key: FunctionKey, _ series: MinuteSeries) throws
    func durations(_ key: FunctionKey, _ record: DurationPercentiles) throws
    func memory(app: String, owner: String?, _ record: MemoryPercentiles) throws
    func invocation(_ key: FunctionKey, _ record: Invocation) throws
    /// Consecutive calls of one function, in order (per-invocation CSV delivers its calls so);
    /// the same as `invocation` for each call in turn, which is what the default does.
    func invocations(_ key: FunctionKey, _ calls: InvocationColumns) throws
}

extension TraceSink {
    public func invocations(_ key: FunctionKey, _ calls: InvocationColumns) throws {
        for i in 0..<calls.count { try invocation(key, calls.invocation(at: i)) }
    }
}
