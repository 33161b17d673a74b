/// What one running call of a function asks of a node: the cores it keeps busy and the memory its
/// instance holds, with where each figure came from. A plain value, so that any cluster model
/// (on-prem sizing in module Placement, a node model in the simulation) can take it as a parameter.
///
/// `coresPerCall` is CPU time over wall time of a call in execution (vCPU-seconds per call-second):
/// 0.07 means a call running 1 s keeps 7 % of a core busy.
public struct CallDemand: Sendable, Equatable {
    /// Where a figure came from.
    public enum Basis: String, Sendable {
        /// The trace's own measurement (`cpu_ms` beside `duration_ms`).
        case trace
        /// The deployment's `onprem.coresPerCall`.
        case deployment
        /// The documented default (memory ÷ MB per core, capped): see `onprem-defaults.yaml`.
        case `default`
    }

    public var coresPerCall: Double
    public var cpuBasis: Basis
    /// Memory one instance holds, MB (the function's memory, as the replay used it).
    public var memoryMB: Double

    public init(coresPerCall: Double, cpuBasis: Basis, memoryMB: Double) {
        self.coresPerCall = coresPerCall
        self.cpuBasis = cpuBasis
        self.memoryMB = memoryMB
    }

    /// A function's demand: the trace's CPU share where it has one, else `override` (the
    /// deployment's cores per call), else memory ÷ `mbPerCore`, at most `maxCores`.
    public static func of(_ f: FunctionWorkload, override: Double?, mbPerCore: Double, maxCores: Double) -> CallDemand {
        if let measured = f.cpuCoresPerCall { return CallDemand(coresPerCall: measured, cpuBasis: .trace, memoryMB: f.memoryMB) }
        if let override { return CallDemand(coresPerCall: override, cpuBasis: .deployment, memoryMB: f.memoryMB) }
        return CallDemand(coresPerCall: min(maxCores, f.memoryMB / mbPerCore), cpuBasis: .default, memoryMB: f.memoryMB)
    }
}
