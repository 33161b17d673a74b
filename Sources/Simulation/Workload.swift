import Traces

/// The trace abstraction the engine replays: apps of functions, each with its calls and memory.
///
/// Readers and the store know formats and files; the engine knows only this (after dslab's
/// `trace.rs`). Build one with `WorkloadLoader` (module `TraceLoading`) or by hand in tests.
public struct Workload: Sendable {
    /// Apps in a fixed order (the loader sorts them by key); results follow this order.
    public var apps: [AppWorkload]
    /// Length of the replayed window in minutes; minute 0 starts at `originSeconds`.
    public var spanMinutes: Int
    /// Trace time of minute 0 (seconds since the trace start, or the Unix epoch).
    public var originSeconds: Double
    /// What the loader had to assume or leave out, for the report.
    public var notes: [String]
    /// Whose account each app runs in: quotas, free grants and volume tiers are per account
    /// (`Accounts.swift`). One account unless set.
    public var accounts: AccountMode = .one

    public init(apps: [AppWorkload], spanMinutes: Int, originSeconds: Double = 0, notes: [String] = []) {
        self.apps = apps
        self.spanMinutes = max(1, spanMinutes)
        self.originSeconds = originSeconds
        self.notes = notes
    }

    /// Days the window covers (what usage is projected from).
    public var days: Double { Double(spanMinutes) / 1440 }
}

/// One app and its functions (formats without apps: one app per function).
public struct AppWorkload: Sendable {
    public var key: String
    public var functions: [FunctionWorkload]
    /// The owner or account the trace gives the app (Azure 2019's `HashOwner`, the `account`
    /// column of Placer's CSV); nil when it says none.
    public var owner: String?
    /// The app's account in the replay (`Workload.numberedAccounts`); 0 in one account.
    var account = 0

    public init(key: String, functions: [FunctionWorkload], owner: String? = nil) {
        self.key = key
        self.functions = functions
        self.owner = owner
    }
}

/// One function: its calls, its memory and how it is triggered.
public struct FunctionWorkload: Sendable {
    public var key: FunctionKey
    /// Nil when the trace does not say; treated as synchronous (rejected when throttled).
    public var trigger: Trigger?
    /// Memory of one instance of this function, MB.
    public var memoryMB: Double
    public var calls: Calls
    /// The deployment's timeout for this function, ms (a target's own limit still applies).
    public var timeoutMs: Double?
    /// The deployment's provisioned (always-warm) instances for this function, on every target;
    /// nil to take the target's.
    public var provisioned: Int?
    /// Ephemeral storage configured by the deployment, MB; nil for the target's included amount.
    public var ephemeralStorageMB: Double?
    /// Where `memoryMB` came from (the report shows it beside the bills it decides).
    public var memoryOrigin: MemoryOrigin = .declared
    /// CPU time over execution time of its calls where the trace measured it (`cpu_ms`): the cores
    /// a running call keeps busy; nil when the trace does not say (on-prem sizing takes a default).
    public var cpuCoresPerCall: Double?

    public init(key: FunctionKey, trigger: Trigger? = nil, memoryMB: Double, calls: Calls, timeoutMs: Double? = nil, provisioned: Int? = nil) {
        self.key = key
        self.trigger = trigger
        self.memoryMB = memoryMB
        self.calls = calls
        self.timeoutMs = timeoutMs
        self.provisioned = provisioned
    }

    /// What this function adds to its app's instance memory where instances are per app: its
    /// share before any floor, since an app's instance holds the app's memory, not a floor per function.
    public var appShareMB: Double {
        if case .appShare(let appMB, let functions, _) = memoryOrigin { return appMB / Double(max(functions, 1)) }
        return memoryMB
    }

    /// Synchronous callers wait for an answer, so what is over a limit is rejected; queue, event,
    /// timer, storage and orchestration triggers are delivered later instead.
    public var isSynchronous: Bool {
        switch trigger {
        case .none, .http?, .others?: return true
        default: return false
        }
    }
}

/// Where a function's memory figure came from.
public enum MemoryOrigin: Sendable, Equatable {
    /// Set by the deployment file.
    case declared
    /// Recorded in the trace for the function (e.g. Lambda's `Memory Size`).
    case trace
    /// The app's recorded memory split evenly over its functions (the In-Vitro loader's rule),
    /// raised to `floorMB` where the share fell below it.
    case appShare(appMB: Double, functions: Int, floorMB: Double?)
    /// Nothing said: a default.
    case assumed

    /// `declared`, `trace`, `app-share` or `assumed`.
    public var kind: String {
        switch self {
        case .declared: return "declared"
        case .trace: return "trace"
        case .appShare: return "app-share"
        case .assumed: return "assumed"
        }
    }
}

/// How a function's invocations are known.
public enum Calls: Sendable {
    /// Counts per minute (sparse, minutes ascending, relative to the workload's minute 0) with the
    /// execution-time distribution of each day (ascending by day; day 1 holds minutes 0–1439).
    case binned(minutes: [Int32], counts: [Int32], durations: [DurationPercentiles])
    /// Exact invocations: start seconds relative to the workload's origin (ascending) and durations.
    case exact(startSeconds: [Double], durationMs: [Double])

    /// Invocations the function makes.
    public var count: Int {
        switch self {
        case .binned(_, let counts, _): return counts.reduce(0) { $0 + Int($1) }
        case .exact(let starts, _): return starts.count
        }
    }
}
