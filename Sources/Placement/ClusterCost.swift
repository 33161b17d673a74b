import Foundation
import Pricing

/// What a set of functions asks of a cluster: the peak of the per-minute sum of their memory
/// and busy cores (not the sum of their peaks), and the mean busy cores (for power).
public struct ClusterDemand: Sendable, Equatable {
    public var peakMemoryMB: Double
    public var peakCores: Double
    public var meanCores: Double

    public init(peakMemoryMB: Double = 0, peakCores: Double = 0, meanCores: Double = 0) {
        self.peakMemoryMB = peakMemoryMB
        self.peakCores = peakCores
        self.meanCores = meanCores
    }

    /// From per-minute sums of memory (MB) and busy cores (calls in execution × their cores per call).
    public init(memoryMB: [Double], busyCores: [Double]) {
        peakMemoryMB = memoryMB.max() ?? 0
        peakCores = busyCores.max() ?? 0
        meanCores = busyCores.isEmpty ? 0 : busyCores.reduce(0, +) / Double(busyCores.count)
    }

    /// The demand of `factor` times the volume: in-flight calls scale with the arrival rate
    /// (Little's law); memory is scaled alike (see `BreakEven` for what that over- and understates).
    public func scaled(_ factor: Double) -> ClusterDemand {
        ClusterDemand(peakMemoryMB: peakMemoryMB * factor, peakCores: peakCores * factor, meanCores: meanCores * factor)
    }

    /// The same calls with each instance's memory × `memory` and each call's cores × `cores`.
    public func scaled(memory: Double, cores: Double) -> ClusterDemand {
        ClusterDemand(peakMemoryMB: peakMemoryMB * memory, peakCores: peakCores * cores, meanCores: meanCores * cores)
    }
}

/// An on-prem platform's own services (profile `controlPlane`).
public struct ControlPlaneFootprint: Sendable, Equatable {
    public var memoryMB: Double
    public var cores: Double

    public init(memoryMB: Double = 0, cores: Double = 0) {
        self.memoryMB = memoryMB
        self.cores = cores
    }

    /// Read from a profile; absent figures count as nothing (and are noted by the caller). A
    /// pre-warmed pool's memory (`TargetOutcome.prewarmedMemoryMB`) is held whatever the load, so it
    /// counts here, once, rather than in any function's demand.
    public init(profile: Profile, prewarmedMemoryMB: Double = 0) {
        func d(_ f: Figure?) -> Double { f.map { NSDecimalNumber(decimal: $0.canonical).doubleValue } ?? 0 }
        memoryMB = d(profile.controlPlane?.memory) + prewarmedMemoryMB
        cores = d(profile.controlPlane?.cpu)
    }
}

/// A cluster's monthly cost, USD, by what it pays for.
public struct ClusterCost: Sendable, Equatable {
    public var hardware = 0.0
    public var power = 0.0
    public var space = 0.0
    /// Platform operations (fixed) plus the servers' care.
    public var people = 0.0
    public var licences = 0.0
    /// Capacity taken from an existing cluster at the team's marginal rate (`owned.cost: marginal`).
    public var capacity = 0.0
    public var total: Double { hardware + power + space + people + licences + capacity }

    public init() {}
}

/// Servers and monthly cost of the cluster a demand needs.
public struct ClusterEstimate: Sendable, Equatable {
    /// Servers bought (or owned and priced) and run for this demand, spares included.
    public var servers: Int
    public var demand: ClusterDemand
    /// Mean share of those servers' cores in use (power interpolates idle to loaded watts by it).
    public var utilisation: Double
    public var cost: ClusterCost
    /// Cores and GB taken from an existing cluster's spare capacity (`owned.cost: marginal`).
    public var ownedCores = 0.0
    public var ownedMemoryGB = 0.0
}

/// Sizes and prices an on-prem cluster.
///
/// Capacity needed: (peak memory + control plane) × (1 + headroom) and (peak cores + control
/// plane) × (1 + headroom). With `owned.cost: marginal` the existing cluster's spare capacity
/// (`owned.servers` servers' worth) is taken first, at the team's price per core-month and
/// GB-month; only what it cannot hold buys servers. Servers: the larger of memory ÷ server memory
/// and cores ÷ server cores, rounded up (where a simulation sized the cluster, `ClusterSearch`,
/// scaled by `OnPremInputs.sizingScale`), plus the spare servers (N+1); a fixed cluster
/// (`OnPremInputs.servers`) is that many servers. Instances are assumed to
/// pack onto servers without fragmentation (the headroom absorbs it). Monthly (30 days, as the
/// cloud bills): purchase ÷ amortisation months (owned servers free when sunk); power = servers ×
/// (idle + (loaded − idle) × utilisation) × PUE × price, the linear power model of Fan, Weber &
/// Barroso (ISCA 2007); space = loaded kW × colocation rent; people = platform FTE × admin cost
/// (fixed: the FaaS platform and its cluster) + servers ÷ servers per admin × admin cost (or a
/// price per server); licences = flat + per server. Nothing placed on-prem costs nothing: no
/// cluster is bought and no platform run.
public enum ClusterSizing {
    public static let hoursPerMonth = 24.0 * 30

    public static func estimate(_ demand: ClusterDemand, controlPlane: ControlPlaneFootprint, inputs: OnPremInputs) -> ClusterEstimate {
        guard demand.peakMemoryMB > 0 || demand.peakCores > 0 else {
            return ClusterEstimate(servers: 0, demand: demand, utilisation: 0, cost: ClusterCost())
        }
        let grow = 1 + inputs.headroom
        var memoryGB = (demand.peakMemoryMB + controlPlane.memoryMB) * grow / 1024
        var cores = (demand.peakCores + controlPlane.cores) * grow
        var meanCores = demand.meanCores + controlPlane.cores
        var cost = ClusterCost()
        var ownedCores = 0.0, ownedGB = 0.0
        if inputs.ownedMarginal {
            ownedCores = min(cores, Double(inputs.ownedServers) * inputs.serverCores)
            ownedGB = min(memoryGB, Double(inputs.ownedServers) * inputs.serverMemoryGB)
            cost.capacity = ownedCores * inputs.ownedCoreUSDPerMonth + ownedGB * inputs.ownedGBUSDPerMonth
            cores -= ownedCores
            memoryGB -= ownedGB
            meanCores = max(0, meanCores - ownedCores / grow)
        }
        // A hair below a whole number is that number (sums of per-minute means carry rounding).
        var needed = max(memoryGB / inputs.serverMemoryGB, cores / inputs.serverCores) > 1e-9
            ? max(1, Int((max(memoryGB / inputs.serverMemoryGB, cores / inputs.serverCores) - 1e-9).rounded(.up))) : 0
        // Calibrated by simulation (`ClusterSearch`): the peak-based size scaled to what the replay needed.
        if needed > 0, let scale = inputs.sizingScale { needed = max(1, Int((Double(needed) * scale - 1e-9).rounded(.up))) }
        // A fixed cluster is what it is (the replay says how it holds the load).
        let servers = inputs.servers ?? (needed > 0 ? needed + inputs.redundancy : 0)
        let n = Double(servers)
        let utilisation = servers > 0 ? min(1, meanCores / (n * inputs.serverCores)) : 0
        let bought = inputs.ownedMarginal || !inputs.ownedSunk ? servers : max(0, servers - inputs.ownedServers)
        cost.hardware = Double(bought) * inputs.serverPriceUSD / (inputs.amortisationYears * 12)
        let watts = n * (inputs.serverWattsIdle + (inputs.serverWattsLoaded - inputs.serverWattsIdle) * utilisation)
        cost.power = watts / 1000 * hoursPerMonth * inputs.pue * inputs.electricityUSDPerKWh
        cost.space = n * inputs.serverWattsLoaded / 1000 * inputs.colocationUSDPerKWMonth
        let perServer = inputs.operationsUSDPerServerMonth > 0
            ? n * inputs.operationsUSDPerServerMonth
            : n / inputs.serversPerAdmin * inputs.adminUSDPerYear / 12
        cost.people = inputs.platformFTE * inputs.adminUSDPerYear / 12 + perServer
        cost.licences = inputs.licencesUSDPerMonth + n * inputs.licencesUSDPerServerMonth
        return ClusterEstimate(servers: servers, demand: demand, utilisation: utilisation, cost: cost,
                               ownedCores: ownedCores, ownedMemoryGB: ownedGB)
    }
}
