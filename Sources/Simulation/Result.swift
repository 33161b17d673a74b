import Foundation
import Pricing
import Results

/// Latency percentiles, ms.
public struct LatencySummary: Sendable, Equatable {
    public var p50: Double
    public var p95: Double
    public var p99: Double

    public init(p50: Double = 0, p95: Double = 0, p99: Double = 0) {
        self.p50 = p50
        self.p95 = p95
        self.p99 = p99
    }
}

/// A monthly cost, or the share of a target's monthly bill one function accounts for.
public struct MonthlyCost: Sendable, Equatable {
    public var total: Decimal = 0
    public var compute: Decimal = 0
    public var requests: Decimal = 0
    public var initialization: Decimal = 0
    public var provisioned: Decimal = 0
    public var freeGrantCredit: Decimal = 0

    public init() {}

    init(_ bill: CostBreakdown) {
        total = bill.total
        compute = bill.compute
        requests = bill.requests
        initialization = bill.initialization
        provisioned = bill.provisioned
        freeGrantCredit = bill.freeGrantCredit
    }
}

/// Counts and figures shared by a target's total and each function's line.
public struct Outcome: Sendable, Equatable {
    public var invocations = 0
    public var coldStarts = 0
    /// Invocations over a limit (concurrency, max instances, scale-out rate): `rejected` + `delayed`.
    public var throttled = 0
    /// Throttled invocations never served: synchronous ones, and asynchronous ones discarded after
    /// waiting longer than the target's `heldMaxAgeSeconds`.
    public var rejected = 0
    /// Throttled asynchronous invocations, served when a slot freed.
    public var delayed = 0
    /// Served invocations that ran past the timeout and were cut there (billed up to it).
    public var timedOut = 0
    /// On a fixed cluster: served invocations that found no instance free and no node with room
    /// for a new one, and waited in the platform's queue (their wait is in `latencyMs`).
    public var queued = 0
    /// Percentiles of the queued invocations' wait, ms (0 when none waited).
    public var waitMs = LatencySummary()
    public var latencyMs = LatencySummary()
    /// Most instances alive at once (of the function's scaling unit, for a function's line).
    public var peakInstances = 0
    /// Instance lifetime inside the window, idle keep-alive included (of the scaling unit).
    public var instanceSeconds = 0.0
    /// Memory held over time: instance lifetime × instance memory, GB-s (1 GB = 1,024 MB).
    public var memoryGBSeconds = 0.0
    /// GB-s the provider bills over the window (execution and billed init, after rounding).
    public var billedGBSeconds = 0.0
    /// Nil for on-prem targets, whose cost is the cluster they need.
    public var monthlyCost: MonthlyCost?

    public init() {}

    /// Served invocations: every invocation ends exactly once, served or rejected.
    public var served: Int { invocations - rejected }
}

/// One function on one target.
public struct FunctionOutcome: Sendable {
    public var app: String
    public var function: String
    /// `app` or `function`: which instances the instance figures describe.
    public var scalingUnit: String
    /// Billed memory of one instance, MB (nil for on-prem targets: the instance's memory).
    public var memoryMB: Double
    public var outcome: Outcome
    /// The scaling unit's per-minute memory and busy calls, when `SimulationOptions.functionSeries`
    /// names this target (shared by an app's functions when instances are per app).
    public var series: UnitSeries? = nil
    /// What the function used, as billed (nil unless `SimulationOptions.functionUsage`; nil on-prem):
    /// lets a subset of functions be re-priced with `BillingEngine` (free grants and tiers apply
    /// to an account's total, so shares of one bill do not add up to another subset's bill).
    public var usage: UsageSummary? = nil
    /// The account the function was billed in (0 … `SimulationResult.accounts.count` − 1): a
    /// subset is re-priced per account (`BillingEngine.price(accounts:)`).
    public var account = 0
}

/// One target's replay of the whole trace.
public struct TargetOutcome: Sendable {
    public var id: String
    public var scalingUnit: String
    public var keepAlive: String
    public var total: Outcome
    /// Per function, in the workload's order.
    public var functions: [FunctionOutcome]
    /// Mean instances alive in each minute of the window, and the memory they hold (MB).
    public var instancesPerMinute: [Double]
    public var memoryMBPerMinute: [Double]
    /// The full bill (nil for on-prem targets).
    public var bill: CostBreakdown?
    public var notes: [String]
    /// The month of usage the bill priced and how it was priced (nil on-prem): a recorded
    /// result can be re-billed without a replay (`placer catalog audit --result`).
    public var usage: UsageSummary? = nil
    public var pricing: PricingOptions? = nil
    /// On-prem: the platform's instance footprint and how many scaling units took each memory basis.
    public var instanceMemory: InstanceMemoryUse? = nil
    /// Memory the target's pre-warmed generic instances hold all window, MB (0 without a pool):
    /// in `memoryMBPerMinute` but in no function's series, so on-prem sizing adds it once.
    public var prewarmedMemoryMB = 0.0
    /// The fixed cluster it was replayed on; nil when its instances were unlimited.
    public var cluster: ClusterModel? = nil
    /// Calls of the units replayed per minute (`FastPlan`), not call by call; 0 when every call
    /// was replayed (a replay-run figure, not in the JSON result: its notes say the same).
    public var perMinuteCalls = 0
    /// Calls of the units the per-minute path declined, by its reason, most calls first (a
    /// replay-run figure for `placer bench trace`, not in the JSON result; empty with `--exact`).
    public var perCallReasons: [PerCallReason] = []
    /// What that replay asked of the cluster, and whether it stopped early (nil without a cluster).
    public var clusterUse: ClusterUse? = nil
}

/// Everything one `placer simulate` run produced: schema `placer.result/v1`.
public struct SimulationResult: Sendable {
    public static let schema = "placer.result/v1"
    public var seed: UInt64
    public var arrivals: ArrivalMode
    public var spanMinutes: Int
    public var days: Double
    public var targets: [TargetOutcome]
    public var notes: [String]
    /// How apps were grouped into accounts, and how many (quotas and free grants are per account).
    public var accounts = AccountSummary(mode: .one, count: 1)
    /// Further top-level sections computed outside the simulation (e.g. `lockIn`), by name.
    public var sections: [String: JSONValue] = [:]
}

/// Why some units' calls were replayed call by call (`FastPlan.Refusal`), and how many calls.
public struct PerCallReason: Sendable, Equatable {
    public var words: String
    public var calls: Int

    public init(words: String, calls: Int) {
        self.words = words
        self.calls = calls
    }
}
