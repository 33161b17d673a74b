import Foundation

/// Everything Placer knows about one target, as read from its data file.
///
/// Prices, rounding rules, tiers, limits and keep-alive parameters are all `Figure`s that name
/// their `Source`; nothing here is a constant in code.
public struct Profile: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case cloud, onprem }
    public enum State: String, Sendable, CaseIterable { case active, deprecated, abandoned }

    /// Lifecycle of the target, with the date it changed and what replaces it.
    public struct Status: Sendable, Equatable {
        public var state: State
        public var since: String?
        public var successor: String?
        public var note: String?
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var provider: String
    public var status: Status
    /// Region the prices are for (cloud targets).
    public var region: String?
    /// The date the prices were last read, `YYYY-MM-DD`.
    public var pricesAsOf: String?
    public var sources: [String: Source]
    /// Absent for on-prem targets, whose cost is the cluster they need (Advice's TCO).
    public var billing: Billing?
    public var limits: Limits
    public var keepAlive: KeepAlive
    public var coldStart: ColdStart?
    /// On-prem: what the platform itself runs, for capacity planning.
    public var controlPlane: ControlPlane?
    /// On-prem: how the platform places instances on a fixed cluster's nodes (`placement:`).
    public var nodePlacement: NodePlacement? = nil
    /// What leaving this target costs: handler contract, triggers, runtime (see `LockIn`).
    public var lockIn: LockIn?
    /// Certifications and regions offered (cloud); on-prem sites declare theirs in the deployment.
    public var compliance: Compliance?
    /// The validated document (after any overrides), for `catalog show` and re-merging.
    public var document: YAMLTree
    /// Every figure with its key path, in file order (for `catalog show`).
    public var figures: [(path: String, figure: Figure)]

    /// The source of a figure (validation guarantees it exists).
    public func source(of figure: Figure) -> Source? { sources[figure.source] }
}

/// How a cloud target bills.
public struct Billing: Sendable {
    /// `request`: billed per invocation (or per active instance time); `instance`: billed for
    /// the whole instance lifetime (Cloud Run instance-based billing).
    public enum Mode: String, Sendable, CaseIterable { case request, instance }
    /// Which memory size is billed: the configured one, or the observed one rounded up to
    /// `memory.step` and capped at `memory.max` (Azure Consumption).
    public enum MemoryBasis: String, Sendable, CaseIterable { case configured, observed }

    public var mode: Mode
    public var durationRounding: Figure
    public var minimumBilledDuration: Figure
    public var requestPrice: Figure
    /// Price per GB-s; when `memoryTiers` is present its first tier is this price.
    public var memoryPrice: Figure
    /// Volume tiers on the account's monthly GB-s (Lambda), lower bounds ascending from 0.
    public var memoryTiers: [Tier]
    /// Price per vCPU-s or GHz-s, for targets that bill CPU separately.
    public var cpuPrice: Figure?
    public var memory: MemoryRule
    public var cpu: CPURule
    public var freeGrant: FreeGrant
    public var initBilled: InitRule
    public var provisioned: Provisioned?
    public var instanceBased: InstanceBased?
    public var egressPrice: Figure?
    /// Price multipliers for regions other than the profile's own (which is 1).
    public var regions: [String: Figure]

    /// One volume tier: from `from` GB-s a month upward, `price` per GB-s.
    public struct Tier: Sendable, Equatable {
        public var from: Figure
        public var price: Figure
    }

    public struct MemoryRule: Sendable {
        public var min: Figure
        public var max: Figure
        public var step: Figure
        public var basis: MemoryBasis
    }

    /// How CPU follows memory.
    public enum CPURule: Sendable {
        /// CPU is proportional to memory: `memoryPerVCPU` MB buys one vCPU (Lambda: 1,769).
        case proportional(memoryPerVCPU: Figure)
        /// Fixed tiers; a configured memory is rounded up to the next row (Cloud Functions gen1).
        case table(rows: [CPURow], ghzPerVCPU: Figure?)
        /// CPU configured independently of memory; `defaultVCPU` when the user gives none.
        case configured(defaultVCPU: Figure)
        /// CPU not modelled for billing.
        case none
    }

    public struct CPURow: Sendable, Equatable {
        public var memoryMB: Int
        public var vcpu: Decimal
        /// Clock the provider bills for this tier (gen1 bills GHz-s), when it differs from vcpu × GHz.
        public var ghz: Decimal?
        public var source: String
    }

    public struct FreeGrant: Sendable {
        public var requests: Figure?
        public var memory: Figure?
        public var cpu: Figure?
        public var egress: Figure?
    }

    /// Whether the init phase of a cold start is billed as duration.
    public struct InitRule: Sendable {
        public var billed: Bool
        public var since: String?
        public var source: String
    }

    /// Provisioned concurrency (Lambda), always-ready instances (Azure Flex), min instances (Google).
    public struct Provisioned: Sendable {
        public var label: String
        /// Per GB-s held, executing or not.
        public var memoryPrice: Figure
        public var cpuPrice: Figure?
        /// Per GB-s of duration run on a provisioned environment (replaces `memoryPrice` of on-demand).
        public var executionMemoryPrice: Figure?
        /// Held time is billed in units of this length (Lambda: 5 minutes).
        public var rounding: Figure?
        public var freeGrantApplies: Bool
    }

    /// Instance-based billing prices (Cloud Run): the whole instance lifetime is billed.
    public struct InstanceBased: Sendable {
        public var memoryPrice: Figure
        public var cpuPrice: Figure
        public var freeGrant: FreeGrant
    }
}

/// Scaling limits.
public struct Limits: Sendable {
    public enum ScalingUnit: String, Sendable, CaseIterable { case function, app }
    public var timeout: Figure?
    public var concurrency: Figure?
    /// Scale-out: `scaleOutEnvironments` new environments every `scaleOutPeriod`.
    public var scaleOutEnvironments: Figure?
    public var scaleOutPeriod: Figure?
    public var maxInstances: Figure?
    public var perInstanceConcurrency: Figure?
    public var scalingUnit: ScalingUnit
    /// Longest an asynchronous call over a limit (the account quota, or its scaling unit's max
    /// instances or scale-out rate) waits before the platform or its event source discards it
    /// (Lambda's asynchronous event queue: 6 hours; a queue message's time-to-live); none when
    /// absent (held until served).
    public var heldMaxAge: Figure?
}

/// Keep-alive policy and its parameters.
public struct KeepAlive: Sendable {
    public enum Policy: String, Sendable, CaseIterable {
        case fixedIdle = "fixed-idle"
        case scaleToZero = "scale-to-zero"
        case memoryPool = "memory-pool"
        case forkPerRequest = "fork-per-request"
        case prewarmedPool = "prewarmed-pool"
        case alwaysOn = "always-on"
    }
    public var policy: Policy
    public var idle: Figure?
    public var grace: Figure?
    public var poolMemory: Figure?
    /// Generic warm instances the target keeps for any function to specialize (Fission's pool
    /// manager, OpenWhisk's stem cells), with what one holds, how long an emptied slot takes to
    /// refill and the cold start of a call that finds the pool empty (a new instance from nothing).
    /// The reader requires the last three whenever `prewarmed` is given.
    public var prewarmed: Figure?
    public var prewarmedMemory: Figure?
    public var prewarmedRefill: Figure?
    public var poolMissColdStart: Figure?
    public var pause: Figure?
    /// Instances of each scaling unit kept warm for the whole window whatever the policy
    /// (provisioned concurrency, always ready, min instances); none when absent.
    public var provisioned: Figure?
}

/// Cold-start latency model.
public struct ColdStart: Sendable {
    public enum Model: String, Sendable, CaseIterable { case lognormal, fixed, unknown }
    public var model: Model
    public var median: Figure?
    public var p99: Figure?
}

/// How an on-prem platform places instances on nodes and what a call that finds no room meets
/// (profile section `placement:`, with its source).
public struct NodePlacement: Sendable, Equatable {
    /// What an instance reserves on its node.
    public enum Rule: String, Sendable, CaseIterable {
        /// Kubernetes: a pod reserves its requests (its memory and one call's cores) for its
        /// whole life, busy or idle.
        case requests
        /// OpenWhisk's invoker: an instance holds its memory; CPU is shared, not reserved.
        case memory
        /// Bin packing: an instance holds its memory, a running call its cores (the executor's slots).
        case binPacking = "bin-packing"
    }
    /// Which node a new instance goes to among those it fits on.
    public enum NodeChoice: String, Sendable, CaseIterable {
        /// The lowest-numbered node.
        case firstFit = "first-fit"
        /// The node with the most free resources (kube-scheduler's default LeastAllocated score).
        case leastAllocated = "least-allocated"
        /// The function's home node (a hash of its name), then the next ones (OpenWhisk's
        /// sharding load balancer).
        case home
    }
    /// What a call meets when no instance is free and no node has room for a new one.
    public enum WhenFull: String, Sendable, CaseIterable { case queue, reject }

    public var rule: Rule
    public var nodeChoice: NodeChoice
    public var whenFull: WhenFull
    /// Whether idle instances are removed (least recently used first) to make room for a new one.
    public var evictIdle: Bool
    public var source: String

    public init(rule: Rule, nodeChoice: NodeChoice, whenFull: WhenFull, evictIdle: Bool, source: String) {
        self.rule = rule
        self.nodeChoice = nodeChoice
        self.whenFull = whenFull
        self.evictIdle = evictIdle
        self.source = source
    }
}

/// Resources an on-prem platform's own services need.
public struct ControlPlane: Sendable {
    public var memory: Figure?
    public var cpu: Figure?
    public var components: [String]
}
