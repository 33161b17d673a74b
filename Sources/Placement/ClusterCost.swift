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

    /// From per-minute sums of memory (MB) and calls in execution, at `coresPerCall` each.
    public init(memoryMB: [Double], busyCalls: [Double], coresPerCall: Double) {
        peakMemoryMB = memoryMB.max() ?? 0
        peakCores = (busyCalls.max() ?? 0) * coresPerCall
        meanCores = busyCalls.isEmpty ? 0 : busyCalls.reduce(0, +) / Double(busyCalls.count) * coresPerCall
    }

    /// The demand of `factor` times the volume: in-flight calls scale with the arrival rate
    /// (Little's law); memory is scaled alike (see `BreakEven` for what that over- and understates).
    public func scaled(_ factor: Double) -> ClusterDemand {
        ClusterDemand(peakMemoryMB: peakMemoryMB * factor, peakCores: peakCores * factor, meanCores: meanCores * factor)
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
    public var people = 0.0
    public var licences = 0.0
    public var total: Double { hardware + power + space + people + licences }

    public init() {}
}

/// Servers and monthly cost of the cluster a demand needs.
public struct ClusterEstimate: Sendable, Equatable {
    public var servers: Int
    public var demand: ClusterDemand
    /// Mean share of the cluster's cores in use (power interpolates idle to loaded watts by it).
    public var utilisation: Double
    public var cost: ClusterCost
}

/// Sizes and prices an on-prem cluster.
///
/// Servers: the larger of (peak memory + control plane) × (1 + headroom) ÷ server memory and
/// (peak cores + control plane) × (1 + headroom) ÷ server cores, rounded up, plus the spare
/// servers (N+1). Instances are assumed to pack onto servers without fragmentation (the headroom
/// absorbs it). Where a simulation sized the cluster (`ClusterSearch`), that count is scaled by
/// `OnPremInputs.sizingScale`; a fixed cluster (`OnPremInputs.servers`) is that many servers.
/// Monthly (30 days, as the cloud bills): purchase ÷ amortisation months (owned servers free
/// when sunk); power = servers × (idle + (loaded − idle) × utilisation) × PUE ×
/// price, the linear power model of Fan, Weber & Barroso (ISCA 2007); space = loaded kW ×
/// colocation rent; people = servers ÷ servers per admin × admin cost (or a price per server);
/// licences = flat + per server. Nothing placed on-prem costs nothing: no cluster is bought.
public enum ClusterSizing {
    public static let hoursPerMonth = 24.0 * 30

    public static func estimate(_ demand: ClusterDemand, controlPlane: ControlPlaneFootprint, inputs: OnPremInputs) -> ClusterEstimate {
        guard demand.peakMemoryMB > 0 || demand.peakCores > 0 else {
            return ClusterEstimate(servers: 0, demand: demand, utilisation: 0, cost: ClusterCost())
        }
        let grow = 1 + inputs.headroom
        let byMemory = (demand.peakMemoryMB + controlPlane.memoryMB) * grow / (inputs.serverMemoryGB * 1024)
        let byCores = (demand.peakCores + controlPlane.cores) * grow / inputs.serverCores
        // A hair below a whole number is that number (sums of per-minute means carry rounding).
        var needed = max(1, Int((max(byMemory, byCores) - 1e-9).rounded(.up)))
        // Calibrated by simulation (`ClusterSearch`): the peak-based size scaled to what the replay needed.
        if let scale = inputs.sizingScale { needed = max(1, Int((Double(needed) * scale - 1e-9).rounded(.up))) }
        // A fixed cluster is what it is (the replay says how it holds the load).
        let servers = inputs.servers ?? needed + inputs.redundancy
        let n = Double(servers)
        let utilisation = min(1, (demand.meanCores + controlPlane.cores) / (n * inputs.serverCores))
        var cost = ClusterCost()
        let bought = inputs.ownedSunk ? max(0, servers - inputs.ownedServers) : servers
        cost.hardware = Double(bought) * inputs.serverPriceUSD / (inputs.amortisationYears * 12)
        let watts = n * (inputs.serverWattsIdle + (inputs.serverWattsLoaded - inputs.serverWattsIdle) * utilisation)
        cost.power = watts / 1000 * hoursPerMonth * inputs.pue * inputs.electricityUSDPerKWh
        cost.space = n * inputs.serverWattsLoaded / 1000 * inputs.colocationUSDPerKWMonth
        cost.people = inputs.operationsUSDPerServerMonth > 0
            ? n * inputs.operationsUSDPerServerMonth
            : n / inputs.serversPerAdmin * inputs.adminUSDPerYear / 12
        cost.licences = inputs.licencesUSDPerMonth + n * inputs.licencesUSDPerServerMonth
        return ClusterEstimate(servers: servers, demand: demand, utilisation: utilisation, cost: cost)
    }
}
