import Formatting
import Foundation
import Pricing
import Traces

/// What happens to an instance once it has nothing to do.
public enum KeepAlivePolicy: Sendable, Equatable {
    /// Kept warm for `idleSeconds` after its last request, then removed (Lambda, Azure, Knative's
    /// stable window plus grace, Fn's idle timeout).
    case fixed(idleSeconds: Double)
    /// A new process per request, gone when it answers (OpenFaaS classic watchdog).
    case forkPerRequest
    /// Never removed (provisioned concurrency, always ready, min instances, OpenFaaS CE).
    case alwaysOn
    /// No idle timer: idle instances are evicted least recently used first when the idle ones
    /// hold more than `poolMB` (OpenLambda, OpenWhisk invokers). Applied per scaling unit.
    case memoryPool(poolMB: Double)
    /// Pre-warm and keep-alive windows from each scaling unit's idle-time histogram
    /// (Shahrad et al., ATC 2020).
    case hybridHistogram(HybridHistogram)
}

/// Calls one instance of at least `memoryMB` serves at once (a row of `TargetModel.concurrencyByMemory`).
public struct MemoryConcurrency: Sendable, Equatable {
    public var memoryMB: Double
    public var requests: Int
}

/// Parameters of the hybrid histogram policy; the defaults are the paper's.
public struct HybridHistogram: Sendable, Equatable {
    public var rangeMinutes: Double = 240
    public var headPercentile: Double = 5
    public var tailPercentile: Double = 99
    public var margin: Double = 0.10
    /// Idle times needed before the histogram is trusted.
    public var minimumSamples = 10

    public init() {}
}

/// Cold-start latency: log-normal from a median and a 99th percentile, fixed, or unknown (0).
public enum ColdStartModel: Sendable, Equatable {
    case lognormal(mu: Double, sigma: Double)
    case fixed(ms: Double)
    case unknown

    /// z of the 99th percentile of a standard normal.
    static let z99 = 2.326_347_874

    func sample(_ random: inout SeededRandom) -> Double {
        switch self {
        case .lognormal(let mu, let sigma): return random.logNormal(mu: mu, sigma: sigma)
        case .fixed(let ms): return ms
        case .unknown: return 0
        }
    }
}

/// A target's instance model, read from its profile: grouping, concurrency, limits, keep-alive,
/// cold start. Everything the engine needs, as plain numbers.
public struct TargetModel: Sendable, Equatable {
    public var id: String
    /// Instances are shared by an app's functions (Azure) or belong to one function.
    public var scalingUnit: Limits.ScalingUnit
    /// Requests one instance serves at once (1 for Lambda; 80 for Cloud Run), unless a rule below
    /// gives its calls another figure.
    public var perInstanceConcurrency: Int
    /// Synchronous calls one instance serves at once by the instance's memory, ascending by memory
    /// (Azure Flex's HTTP concurrency); empty when `perInstanceConcurrency` applies.
    public var concurrencyByMemory: [MemoryConcurrency] = []
    /// Queue, event and storage messages one instance processes at once (Azure's queue batch);
    /// nil when `perInstanceConcurrency` applies.
    public var queueConcurrency: Int?
    /// At most this many calls per instance whatever the rules say (the decision's "calls that
    /// share an instance slow each other" scenario); nil for no cap.
    public var concurrencyCap: Int?
    /// Instances one scaling unit may have at once (the profile's `maxInstances`).
    public var maxInstances: Int
    /// Calls the whole account may have in flight at once, shared by all the target's functions
    /// (Lambda: 1,000 concurrent executions per region); nil for none. `CoupledReplay` applies it.
    public var accountConcurrency: Int?
    /// Longest an asynchronous call over a limit waits before it is discarded unserved, seconds
    /// (infinity: held until served): whether the account quota holds it (`CoupledReplay`) or its
    /// unit's max instances or scale-out rate delay it (`InstancePool`).
    public var heldMaxAgeSeconds: Double
    /// Generic warm instances shared by all the target's functions; nil for none.
    public var prewarmedPool: PrewarmedPool?
    /// New instances allowed per `scaleOutPeriodSeconds`, per scaling unit; nil for no limit.
    public var scaleOutEnvironments: Int?
    public var scaleOutPeriodSeconds: Double
    public var keepAlive: KeepAlivePolicy
    public var coldStart: ColdStartModel
    /// Longest an invocation runs before the platform stops it, ms (infinity: no limit).
    public var timeoutMs: Double
    /// Instances of each scaling unit kept warm for the whole window (provisioned concurrency,
    /// always ready, min instances), unless the deployment sets a function's own.
    public var provisioned: Int
    /// What the reader should know about how the profile was interpreted.
    public var notes: [String]
    /// On-prem: an instance's memory from the platform's footprint (`instance:`); nil: the function's as it is.
    public var instanceMemory: InstanceMemoryRule?
    /// The fixed cluster an on-prem target runs on (`ClusterReplay`); nil: as many instances as
    /// the limits allow, wherever (a cloud's view, and on-prem sizing's).
    public var cluster: ClusterModel?
    /// Whether an instance's active period opens at the call's arrival, its init inside (Cloud
    /// Run bills start-up), or when the call itself starts after init (Azure: init not billed).
    public var activePeriodsBillInit = true

    public init(id: String, scalingUnit: Limits.ScalingUnit = .function, perInstanceConcurrency: Int = 1,
                maxInstances: Int = .max, scaleOutEnvironments: Int? = nil, scaleOutPeriodSeconds: Double = 1,
                keepAlive: KeepAlivePolicy = .fixed(idleSeconds: 600), coldStart: ColdStartModel = .unknown,
                timeoutMs: Double = .infinity, provisioned: Int = 0, notes: [String] = [],
                accountConcurrency: Int? = nil, heldMaxAgeSeconds: Double = .infinity, prewarmedPool: PrewarmedPool? = nil) {
        self.id = id
        self.scalingUnit = scalingUnit
        self.perInstanceConcurrency = max(1, perInstanceConcurrency)
        self.maxInstances = max(1, maxInstances)
        self.scaleOutEnvironments = scaleOutEnvironments
        self.scaleOutPeriodSeconds = scaleOutPeriodSeconds
        self.keepAlive = keepAlive
        self.coldStart = coldStart
        self.timeoutMs = timeoutMs > 0 ? timeoutMs : .infinity
        self.provisioned = max(0, provisioned)
        self.notes = notes
        self.accountConcurrency = accountConcurrency.map { max(1, $0) }
        self.heldMaxAgeSeconds = heldMaxAgeSeconds >= 0 ? heldMaxAgeSeconds : .infinity
        self.prewarmedPool = prewarmedPool
    }

    /// Reads the instance model from a profile (after any deployment overrides).
    public init(profile: Profile) {
        func d(_ figure: Figure?) -> Double? { figure.map { NSDecimalNumber(decimal: $0.canonical).doubleValue } }
        var notes: [String] = []
        let limits = profile.limits
        let perInstance = max(1, Int(d(limits.perInstanceConcurrency) ?? 1))
        var maxInstances = Int.max
        if let m = d(limits.maxInstances) { maxInstances = max(1, Int(m)) }
        // The account quota is shared by all functions (`CoupledReplay`), not a per-unit cap.
        let accountConcurrency = d(limits.concurrency).map { max(1, Int($0)) }
        var scaleOut: Int?
        var period = 1.0
        if let envs = d(limits.scaleOutEnvironments), let per = d(limits.scaleOutPeriod), per > 0 {
            scaleOut = max(1, Int(envs))
            period = per / 1000
        }
        let idleSeconds = (d(profile.keepAlive.idle) ?? 600_000) / 1000
        let keepAlive: KeepAlivePolicy
        switch profile.keepAlive.policy {
        case .fixedIdle:
            keepAlive = .fixed(idleSeconds: idleSeconds)
        case .scaleToZero:
            keepAlive = .fixed(idleSeconds: idleSeconds + (d(profile.keepAlive.grace) ?? 0) / 1000)
        case .forkPerRequest:
            keepAlive = .forkPerRequest
        case .alwaysOn:
            keepAlive = .alwaysOn
        case .memoryPool:
            keepAlive = .memoryPool(poolMB: d(profile.keepAlive.poolMemory) ?? 25_600)
        case .prewarmedPool:
            keepAlive = .fixed(idleSeconds: idleSeconds)
        }
        if profile.keepAlive.idle == nil, case .fixed = keepAlive {
            notes.append("no keep-alive time in the profile: 10 min assumed")
        }
        let cold: ColdStartModel
        switch profile.coldStart?.model {
        case .lognormal?:
            let median = d(profile.coldStart?.median) ?? 0
            let p99 = d(profile.coldStart?.p99) ?? median
            cold = median > 0 ? .lognormal(mu: log(median), sigma: max(0, log(max(p99, median) / median)) / ColdStartModel.z99) : .unknown
        case .fixed?:
            cold = .fixed(ms: d(profile.coldStart?.median) ?? 0)
        case .unknown?, .none:
            cold = .unknown
            notes.append("cold-start latency unknown for this target: cold starts are counted but add no latency")
        }
        if let twin = profile.coldStart?.drawsAs, twin != profile.id {
            notes.append("cold starts drawn from the same random numbers as \(twin)'s (coldStart.drawsAs), and every call as long as on \(twin) (the trace's durations): with equal cold-start figures the two replay alike and differ only by their prices; that calls run as long here is an assumption, not a measurement: before free grants, a price per GB-s lower by a fraction p is undone when calls run 1/(1 - p) times as long")
        }
        var pool: PrewarmedPool?
        let k = profile.keepAlive
        if let size = d(k.prewarmed), size >= 1, let memory = d(k.prewarmedMemory), let refill = d(k.prewarmedRefill),
           let miss = d(k.poolMissColdStart) {
            pool = PrewarmedPool(size: Int(size), memoryMB: memory, refillSeconds: refill / 1000, missColdStart: .fixed(ms: miss))
            notes.append("pre-warmed pool: \(Int(size)) generic instances of \(Numbers.number(memory, .trimmed)) MB shared by all functions (one pool for the target: traces do not say a function's runtime), alive for the whole window; a cold start that finds one ready specializes it (the profile's cold start) and its slot refills after \(Numbers.number(refill / 1000, .trimmed)) s; one that finds none ready waits \(Numbers.number(miss, .trimmed)) ms for a new instance; after either it is an ordinary instance of its function (idle \(Numbers.duration(seconds: idleSeconds, .exact)))")
        } else if profile.keepAlive.policy == .prewarmedPool {
            notes.append("pre-warmed pool without its figures in the profile: modelled as a fixed idle timeout of \(Numbers.duration(seconds: idleSeconds, .exact))")
        }
        self.init(id: profile.id, scalingUnit: limits.scalingUnit, perInstanceConcurrency: perInstance,
                  maxInstances: maxInstances, scaleOutEnvironments: scaleOut, scaleOutPeriodSeconds: period,
                  keepAlive: keepAlive, coldStart: cold, timeoutMs: d(limits.timeout) ?? .infinity,
                  provisioned: Int((d(profile.keepAlive.provisioned) ?? 0).rounded(.up)), notes: notes,
                  accountConcurrency: accountConcurrency, heldMaxAgeSeconds: d(limits.heldMaxAge).map { $0 / 1000 } ?? .infinity,
                  prewarmedPool: pool)
        concurrencyByMemory = limits.concurrencyByMemory.map { MemoryConcurrency(memoryMB: Double($0.memoryMB), requests: max(1, $0.requests)) }
        queueConcurrency = d(limits.queueConcurrency).map { max(1, Int($0)) }
        instanceMemory = InstanceMemoryRule(profile: profile)
        activePeriodsBillInit = profile.billing?.initBilled.billed ?? true
    }

    /// Calls an instance of `memoryMB` serves at once, for calls with `trigger`: the queue figure
    /// for queue, event and storage messages, else the row of `concurrencyByMemory` with the
    /// largest memory not above the instance's (the first row below them all), else
    /// `perInstanceConcurrency`; at most `concurrencyCap`.
    public func concurrency(memoryMB: Double, trigger: Trigger?) -> Int {
        var c = perInstanceConcurrency
        switch trigger {
        case .queue?, .event?, .storage?:
            if let q = queueConcurrency { c = q }
        case .timer?, .orchestration?:
            break
        case .http?, .others?, .none:
            if let row = concurrencyByMemory.last(where: { $0.memoryMB <= memoryMB }) ?? concurrencyByMemory.first { c = row.requests }
        }
        return max(1, min(c, concurrencyCap ?? .max))
    }

    /// The most calls any instance of this target may serve at once (after the cap).
    public var highestConcurrency: Int {
        let all = [perInstanceConcurrency, queueConcurrency ?? 1] + concurrencyByMemory.map { $0.requests }
        return max(1, min(all.max() ?? 1, concurrencyCap ?? .max))
    }

    /// The account quota when each account's functions replay independently under it
    /// (`AccountBounds`); nil without a quota, and with a pre-warmed pool or a fixed cluster,
    /// which couple the whole trace.
    var independentQuota: Int? { prewarmedPool == nil && cluster == nil ? accountConcurrency : nil }

    /// Idle time after which an instance is removed; infinity when it never is; -1 when it
    /// goes the moment it answers.
    var idleLimit: Double {
        switch keepAlive {
        case .fixed(let s): return s
        case .forkPerRequest: return -1
        case .alwaysOn, .memoryPool: return .infinity
        case .hybridHistogram(let h): return h.rangeMinutes * 60
        }
    }
}

/// Generic warm instances a target keeps for any of its functions (Fission's pool manager,
/// OpenWhisk's stem cells): a cold start that finds one ready specializes it and the slot refills
/// after `refillSeconds` (holding its instance meanwhile); one that finds none ready starts a new
/// instance from nothing (`missColdStart`). The pool's instances are alive for the whole window.
public struct PrewarmedPool: Sendable, Equatable {
    public var size: Int
    public var memoryMB: Double
    public var refillSeconds: Double
    public var missColdStart: ColdStartModel

    public init(size: Int, memoryMB: Double, refillSeconds: Double, missColdStart: ColdStartModel) {
        self.size = max(1, size)
        self.memoryMB = max(0, memoryMB)
        self.refillSeconds = max(0, refillSeconds)
        self.missColdStart = missColdStart
    }
}
