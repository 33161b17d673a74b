import Foundation

/// Everything Placer knows about one target, as read from its data file.
///
/// Prices, rounding rules, tiers, limits and keep-alive parameters are all `Figure`s that name
/// their `Source`; nothing here is a constant in code.
public struct Profile: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case cloud, onprem }
    /// `legacy`: still sold and supported, but the provider steers new work elsewhere (Azure's
    /// Consumption plan); `deprecated`: a retirement is announced; `abandoned`: no longer maintained.
    public enum State: String, Sendable, CaseIterable { case active, legacy, deprecated, abandoned }

    /// Lifecycle of the target, with the date it changed, when it retires and what replaces it.
    public struct Status: Sendable, Equatable {
        public var state: State
        public var since: String?
        /// The date the provider stops running it (or a variant of it: see `note`).
        public var retires: String?
        /// What retires, when only a variant does (`Linux apps`); nil: all of it.
        public var retiresOnly: String?
        public var successor: String?
        public var note: String?
        /// The source the status was read from.
        public var source: String?

        public init(state: State, since: String? = nil, retires: String? = nil, retiresOnly: String? = nil, successor: String? = nil,
                    note: String? = nil, source: String? = nil) {
            self.state = state
            self.since = since
            self.retires = retires
            self.retiresOnly = retiresOnly
            self.successor = successor
            self.note = note
            self.source = source
        }

        /// One line for catalogs and reports: `legacy since 2025-09-30, retires 2028-09-30, successor azure-flex: …`;
        /// nil when active with nothing to say.
        public var summary: String? {
            guard state != .active || retires != nil else { return nil }
            var text = state.rawValue
            if let since { text += " since \(since)" }
            if let retires { text += ", retires \(retires)" }
            if let successor { text += ", successor \(successor)" }
            if let note { text += ": \(note)" }
            return text
        }
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
    /// On-prem: what one instance holds besides its function, and its memory when nothing says (`instance:`).
    public var instance: InstanceFootprint? = nil
    /// On-prem: the licence the platform is used under, and a commercial edition's price (`licence:`).
    public var licence: Licence? = nil
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
    /// What duration is billed when an instance serves several calls at once: each execution on
    /// its own (Azure Consumption: GB-s per execution), or the instance's active periods, when at
    /// least one call is in flight (Azure Flex, Cloud Run). Identical at one call per instance.
    public enum DurationBasis: String, Sendable, CaseIterable {
        case execution
        case activeInstance = "active-instance"
    }

    public var mode: Mode
    /// `active-instance` unless the profile says `execution` (`billing.durationBasis`).
    public var durationBasis: DurationBasis = .activeInstance
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
    /// Ephemeral storage billed above an included amount (Lambda: 512 MB free, then per GB-s).
    public var ephemeralStorage: EphemeralStorage?
    /// Price multipliers for regions other than the profile's own (which is 1).
    public var regions: [String: Figure]
    /// Prices of regions (or price tiers) that differ from the profile's own region's, first match wins.
    public var regionPrices: [RegionPrice] = []

    /// The prices of a group of regions (Google's tier 2, Lambda in Milan): each figure given
    /// replaces the profile's own; those absent are the same as in the profile's region.
    public struct RegionPrice: Sendable {
        /// What the provider calls the group (`tier 2`), or the region's name.
        public var label: String
        public var regions: [String]
        /// The source that says which regions the group holds.
        public var source: String
        public var requestPrice: Figure?
        public var memoryPrice: Figure?
        /// Replaces the volume tiers; empty with `memoryPrice` set: one price for the whole month.
        public var memoryTiers: [Tier]?
        public var cpuPrice: Figure?
        public var provisionedMemoryPrice: Figure?
        public var provisionedExecutionMemoryPrice: Figure?
        public var instanceMemoryPrice: Figure?
        public var instanceCPUPrice: Figure?
    }

    /// The billing rules with `region`'s prices (the profile's own when the region has none of
    /// its own), and the label of the price group applied; nil label for the profile's own.
    public func priced(in region: String?) -> (billing: Billing, label: String?) {
        guard let region, let group = regionPrices.first(where: { $0.regions.contains(region) }) else { return (self, nil) }
        var b = self
        if let f = group.requestPrice { b.requestPrice = f }
        if let f = group.memoryPrice {
            b.memoryPrice = f
            b.memoryTiers = group.memoryTiers ?? []
        } else if let tiers = group.memoryTiers {
            b.memoryTiers = tiers
        }
        if let f = group.cpuPrice { b.cpuPrice = f }
        if let f = group.provisionedMemoryPrice { b.provisioned?.memoryPrice = f }
        if let f = group.provisionedExecutionMemoryPrice { b.provisioned?.executionMemoryPrice = f }
        if let f = group.instanceMemoryPrice { b.instanceBased?.memoryPrice = f }
        if let f = group.instanceCPUPrice { b.instanceBased?.cpuPrice = f }
        return (b, group.label)
    }

    /// Storage configured above `included` is billed at `price` per GB-s of billed duration.
    public struct EphemeralStorage: Sendable {
        public var included: Figure
        public var price: Figure
    }

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
        /// The only sizes an instance can have, MB ascending (Azure Flex: 512, 2,048, 4,096; OCI:
        /// 128 … 3,072): a memory between two is billed as the next; empty when any step is allowed.
        public var sizesMB: [Int] = []
        /// The source of `sizesMB`.
        public var sizesSource: String?
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
    /// The account quota of a new account, until the provider raises it (Lambda); a deployment
    /// asks for it with `account: new` on the target.
    public var newAccountConcurrency: Figure?
    /// Scale-out: `scaleOutEnvironments` new environments every `scaleOutPeriod`.
    public var scaleOutEnvironments: Figure?
    public var scaleOutPeriod: Figure?
    public var maxInstances: Figure?
    public var perInstanceConcurrency: Figure?
    /// Synchronous (HTTP) calls one instance serves at once by its memory, ascending by memory
    /// (Azure Flex: 4 / 16 / 32 for 512 / 2,048 / 4,096 MB); an instance takes the row of the
    /// largest memory not above its own. Overrides `perInstanceConcurrency` for those calls.
    public var concurrencyByMemory: [ConcurrencyRow] = []
    /// Queue, event and storage messages one instance processes at once (Azure's queue trigger:
    /// a batch of 16 plus 8 fetched when half is done); `perInstanceConcurrency` when absent.
    public var queueConcurrency: Figure?
    public var scalingUnit: ScalingUnit

    /// One row of `concurrencyByMemory`.
    public struct ConcurrencyRow: Sendable, Equatable {
        public var memoryMB: Int
        public var requests: Int
        public var source: String
    }
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
    /// The target whose random numbers this one's cold starts are drawn from (`drawsAs:`; nil: its
    /// own). Two targets that behave alike (Lambda on x86 and on arm64) then draw the same cold
    /// starts for the same unit, so they differ only where their figures differ (common random
    /// numbers), and a run of both replays them once (`Simulator`).
    public var drawsAs: String? = nil
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

/// What one instance of a function holds on an on-prem platform beyond the function's memory
/// (a sidecar beside it), the memory the platform gives an instance when neither the trace nor
/// the deployment says, and the least it gives one; each figure optional, as the sources allow.
public struct InstanceFootprint: Sendable {
    public var overhead: Figure?
    public var defaultMemory: Figure?
    public var minMemory: Figure?

    public init(overhead: Figure? = nil, defaultMemory: Figure? = nil, minMemory: Figure? = nil) {
        self.overhead = overhead
        self.defaultMemory = defaultMemory
        self.minMemory = minMemory
    }
}

/// The licence an on-prem platform is used under: its name (an SPDX identifier where it has one),
/// what it allows where that limits use, and the commercial edition a team needs beyond it with
/// its published price, or `on-request` where the vendor publishes none.
public struct Licence: Sendable, Equatable {
    public var name: String
    /// What the licence allows, where it limits use (nil: no limit on commercial use).
    public var terms: String?
    /// The edition a commercial or production user must buy instead, if any.
    public var commercialEdition: String?
    /// That edition's price as published, or `on-request`.
    public var commercialPrice: String?
    public var source: String

    public init(name: String, terms: String? = nil, commercialEdition: String? = nil, commercialPrice: String? = nil, source: String) {
        self.name = name
        self.terms = terms
        self.commercialEdition = commercialEdition
        self.commercialPrice = commercialPrice
        self.source = source
    }

    /// Whether the edition costed (no fee) may be used commercially as it stands.
    public var limitsCommercialUse: Bool { commercialEdition != nil }
}

/// Resources an on-prem platform's own services need.
public struct ControlPlane: Sendable {
    public var memory: Figure?
    public var cpu: Figure?
    public var components: [String]
}
