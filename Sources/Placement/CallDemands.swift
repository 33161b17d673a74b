import Simulation

/// Each on-prem function's CPU demand (`CallDemand`) and its scaling unit's busy cores: the trace's
/// measured CPU where it has one, else the deployment's `coresPerCall`, else the default of
/// `onprem-defaults.yaml` (memory ÷ `cpuMBPerCore`, at most `cpuMaxCoresPerCall`).
extension OnPremInputs {
    /// These inputs with the CPU the trace measured for each function of `workload` (`cpu_ms`).
    public func resolvingDemand(_ workload: Workload?) -> OnPremInputs {
        var out = self
        for app in workload?.apps ?? [] {
            for f in app.functions where f.cpuCoresPerCall != nil {
                out.demand[f.key.app + "/" + f.key.function] = CallDemand.of(f, override: coresPerCall, mbPerCore: cpuMBPerCore,
                                                                             maxCores: cpuMaxCoresPerCall)
            }
        }
        return out
    }

    /// One simulated function's demand on the cluster.
    public func callDemand(_ f: FunctionOutcome) -> CallDemand {
        if let d = demand[f.app + "/" + f.function] { return d }
        if let coresPerCall { return CallDemand(coresPerCall: coresPerCall, cpuBasis: .deployment, memoryMB: f.memoryMB) }
        return CallDemand(coresPerCall: min(cpuMaxCoresPerCall, f.memoryMB / cpuMBPerCore), cpuBasis: .default, memoryMB: f.memoryMB)
    }

    /// What each on-prem figure of `outcome`'s cluster rests on, one line per key (`cpu`,
    /// `memory`, `site`, `people`, and `owned` for marginal pricing).
    public func basis(_ outcome: TargetOutcome) -> [String: String] {
        var counts: [CallDemand.Basis: Int] = [:]
        for f in outcome.functions { counts[callDemand(f).cpuBasis, default: 0] += 1 }
        var cpu: [String] = []
        if let n = counts[.trace] { cpu.append("\(n) functions from the trace's CPU time (cpu_ms ÷ duration)") }
        if let n = counts[.deployment], let c = coresPerCall { cpu.append("\(n) at the deployment's \(Self.show(c)) cores per call (\(origins["coresPerCall"] ?? "onprem.coresPerCall"))") }
        if let n = counts[.default] {
            cpu.append("\(n) at the default, memory ÷ \(Self.show(cpuMBPerCore)) MB per core, at most \(Self.show(cpuMaxCoresPerCall)) (\(origins["cpuMBPerCore"] ?? "onprem-defaults.yaml"))")
        }
        var out: [String: String] = [
            "cpu": cpu.joined(separator: "; "),
            "memory": Self.memoryBasis(outcome),
            "site": "\(site) (\(siteBasis)): electricity $\(Self.show(electricityUSDPerKWh))/kWh, colocation $\(Self.show(colocationUSDPerKWMonth))/kW-month, PUE \(Self.show(pue))",
            "people": operationsUSDPerServerMonth > 0
                ? "platform \(Self.show(platformFTE)) FTE at $\(Self.show(adminUSDPerYear))/year + $\(Self.show(operationsUSDPerServerMonth)) per server-month"
                : "platform \(Self.show(platformFTE)) FTE + 1 person per \(Self.show(serversPerAdmin)) servers, at $\(Self.show(adminUSDPerYear))/year",
        ]
        if ownedMarginal {
            out["owned"] = "spare capacity of \(ownedServers) owned servers at $\(Self.show(ownedCoreUSDPerMonth)) per core-month and $\(Self.show(ownedGBUSDPerMonth)) per GB-month"
        }
        return out
    }
}

extension OnPremInputs {
    /// What an instance's memory rests on: the platform's footprint where its profile gives one
    /// (the trace's memory, else the platform's default, raised to its least, plus its per-instance
    /// part), else the function's memory as replayed.
    static func memoryBasis(_ outcome: TargetOutcome) -> String {
        guard let use = outcome.instanceMemory else {
            return "each instance holds its function's memory as replayed (the trace's, the deployment's, or its app's share), idle keep-alive instances included; the platform's profile gives no per-instance footprint"
        }
        return "scaling units " + use.rule.describe(use.bases) + "; idle keep-alive instances included"
    }
}

enum Units {
    /// The scaling unit a function's instances belong to (an app's functions share one series
    /// when instances are per app).
    static func key(_ f: FunctionOutcome) -> String {
        f.scalingUnit == "app" ? "app:" + f.app : "fn:" + f.app + "/" + f.function
    }

    /// Cores per running call of each unit: the largest of its functions' (a unit's series counts
    /// its calls without telling them apart, so its most CPU-hungry function sets the rate).
    static func cores(_ outcome: TargetOutcome, inputs: OnPremInputs) -> [String: Double] {
        var cores: [String: Double] = [:]
        for f in outcome.functions { cores[key(f)] = max(cores[key(f)] ?? 0, inputs.callDemand(f).coresPerCall) }
        return cores
    }

    /// A unit's series with calls in execution turned into busy cores at `cores` per call.
    static func busyCores(_ s: UnitSeries, cores: Double) -> UnitSeries {
        UnitSeries(memoryMB: s.memoryMB, busyCalls: s.busyCalls.map { $0 * cores })
    }
}
