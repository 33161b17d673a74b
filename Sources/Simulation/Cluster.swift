import Foundation
import HeapModule
import Pricing
import Traces

/// What one function asks of a cluster's nodes: the cores a running call keeps busy and the
/// memory one instance holds. A plain value, fed from the deployment today (`coresPerCall`, the
/// function's memory) and from evidence where a trace has it.
public struct FunctionDemand: Sendable, Equatable {
    public var coresPerCall: Double
    /// Memory one instance holds, MB; nil: the function's memory in the workload.
    public var memoryMB: Double?

    public init(coresPerCall: Double, memoryMB: Double? = nil) {
        self.coresPerCall = max(0, coresPerCall)
        self.memoryMB = memoryMB.map { max(0, $0) }
    }
}

/// A fixed on-prem cluster a target runs on: `nodes` identical servers, each offering instances
/// what the platform's control plane leaves of it, and the platform's placement rule.
public struct ClusterModel: Sendable, Equatable {
    public var nodes: Int
    /// Cores and memory one node offers instances (its own less its share of the control plane).
    public var coresPerNode: Double
    public var memoryMBPerNode: Double
    public var placement: NodePlacement
    /// Cores a running call keeps busy, unless `demands` names the function.
    public var coresPerCall: Double
    /// Per function (by app and function): its own demand.
    public var demands: [FunctionKey: FunctionDemand]

    /// `servers` servers of `serverCores` and `serverMemoryMB`; the control plane's cores and
    /// memory are spread evenly over them (its services run as pods or daemons beside the
    /// instances); nil when they leave a node nothing.
    public init?(servers: Int, serverCores: Double, serverMemoryMB: Double, controlPlaneCores: Double, controlPlaneMemoryMB: Double,
                 placement: NodePlacement, coresPerCall: Double, demands: [FunctionKey: FunctionDemand] = [:]) {
        guard servers >= 1 else { return nil }
        let n = Double(servers)
        let cores = serverCores - controlPlaneCores / n, memory = serverMemoryMB - controlPlaneMemoryMB / n
        guard cores > 0, memory > 0 else { return nil }
        self.init(nodes: servers, coresPerNode: cores, memoryMBPerNode: memory, placement: placement,
                  coresPerCall: coresPerCall, demands: demands)
    }

    public init(nodes: Int, coresPerNode: Double, memoryMBPerNode: Double, placement: NodePlacement, coresPerCall: Double,
                demands: [FunctionKey: FunctionDemand] = [:]) {
        self.nodes = max(1, nodes)
        self.coresPerNode = max(0, coresPerNode)
        self.memoryMBPerNode = max(0, memoryMBPerNode)
        self.placement = placement
        self.coresPerCall = max(0, coresPerCall)
        self.demands = demands
    }

    /// A function's demand.
    public func demand(_ key: FunctionKey) -> FunctionDemand { demands[key] ?? FunctionDemand(coresPerCall: coresPerCall) }

    /// What one instance of a scaling unit holds on its node and what each of its calls takes,
    /// in whole milli-cores and KB (integers: capacity never drifts however many calls come and go).
    func unitDemand(members: [FunctionKey], memoryMB: Double) -> UnitDemand {
        let cores = members.map { demand($0).coresPerCall }.max() ?? coresPerCall
        let memory = members.count == 1 ? (demand(members[0]).memoryMB ?? memoryMB) : memoryMB
        let milli = Int64((cores * 1000).rounded(.up))
        var d = UnitDemand(memoryKB: Int64((memory * 1024).rounded(.up)), instanceMilli: 0, callMilli: 0)
        switch placement.rule {
        // A pod's request is a floor the scheduler reserves, not a cap: sized for one call, the
        // calls it serves at once share whatever its node has spare.
        case .requests: d.instanceMilli = milli
        case .binPacking: d.callMilli = milli
        case .memory: break
        }
        return d
    }
}

/// One scaling unit's footprint on a node (`ClusterModel.unitDemand`).
struct UnitDemand: Equatable {
    var memoryKB: Int64
    /// Reserved by the instance for its life (a pod's CPU request).
    var instanceMilli: Int64
    /// Taken by each running call, cold start included (bin packing).
    var callMilli: Int64
}

/// A scaling unit's link to the cluster its pool places instances on.
struct NodeBinding {
    let cluster: ClusterNodes
    let unit: Int32
    let demand: UnitDemand
    /// The unit's home node (`NodePlacement.NodeChoice.home`).
    let home: Int
}

/// The free cores and memory of a fixed cluster's nodes while `ClusterReplay` runs, and the
/// keep-alive expiries its pools announce (when capacity may free without a call ending).
final class ClusterNodes {
    let model: ClusterModel
    private(set) var freeMilli: [Int64]
    private(set) var freeKB: [Int64]
    let capacityMilli: Int64, capacityKB: Int64

    /// (time, unit) of idle instances' expiries, earliest first; stale ones are harmless.
    struct Expiry: Comparable {
        var time: Double
        var unit: Int32
        static func < (a: Expiry, b: Expiry) -> Bool { (a.time, a.unit) < (b.time, b.unit) }
    }
    var expiries = Heap<Expiry>()
    /// Times any node's free cores or memory grew (an instance removed, a call's cores given back).
    private(set) var freed = 0
    /// Held now, summed over the nodes.
    private var usedKB: Int64 = 0, usedMilli: Int64 = 0
    /// The most any check for room asked of the cluster (held then, summed over the nodes, plus
    /// what was asked for), and whether a check ever found no room (`ClusterUse`).
    private(set) var peakAskedKB: Int64 = 0, peakAskedMilli: Int64 = 0
    private(set) var lackedRoom = false

    init(_ model: ClusterModel, reservedMBPerNode: Double = 0) {
        self.model = model
        (capacityKB, capacityMilli) = Self.capacity(model, reservedMBPerNode: reservedMBPerNode)
        freeMilli = [Int64](repeating: capacityMilli, count: model.nodes)
        freeKB = [Int64](repeating: max(0, capacityKB), count: model.nodes)
    }

    /// What one node offers instances, in KB and milli-cores (rounded down: never more than it has).
    static func capacity(_ model: ClusterModel, reservedMBPerNode: Double) -> (kb: Int64, milli: Int64) {
        (Int64(((model.memoryMBPerNode - reservedMBPerNode) * 1024).rounded(.down)), Int64((model.coresPerNode * 1000).rounded(.down)))
    }

    private func ask(kb: Int64, milli: Int64, found: Bool) {
        peakAskedKB = max(peakAskedKB, usedKB + kb)
        peakAskedMilli = max(peakAskedMilli, usedMilli + milli)
        if !found { lackedRoom = true }
    }

    /// Whether an instance of `d` with one call could ever fit on an empty node.
    func everFits(_ d: UnitDemand) -> Bool {
        d.memoryKB <= capacityKB && d.instanceMilli + d.callMilli <= capacityMilli
    }

    private func fits(_ n: Int, _ d: UnitDemand, withCall: Bool) -> Bool {
        freeKB[n] >= d.memoryKB && freeMilli[n] >= d.instanceMilli + (withCall ? d.callMilli : 0)
    }

    /// The node a new instance goes to under the platform's node choice; nil when none has room.
    func choose(_ d: UnitDemand, home: Int, withCall: Bool = true) -> Int32? {
        let node = pick(d, home: home, withCall: withCall)
        ask(kb: d.memoryKB, milli: d.instanceMilli + (withCall ? d.callMilli : 0), found: node != nil)
        return node
    }

    private func pick(_ d: UnitDemand, home: Int, withCall: Bool) -> Int32? {
        let count = freeKB.count
        switch model.placement.nodeChoice {
        case .firstFit:
            for n in 0..<count where fits(n, d, withCall: withCall) { return Int32(n) }
            return nil
        case .home:
            for k in 0..<count {
                let n = (home + k) % count
                if fits(n, d, withCall: withCall) { return Int32(n) }
            }
            return nil
        case .leastAllocated:
            // kube-scheduler's LeastAllocated score: the mean free share of the resources requested
            // (after placing), highest first; ties to the lowest-numbered node.
            var best: Int32?, bestScore = -1.0
            for n in 0..<count where fits(n, d, withCall: withCall) {
                let memory = Double(freeKB[n] - d.memoryKB) / Double(max(1, capacityKB))
                let cores = Double(freeMilli[n] - d.instanceMilli - (withCall ? d.callMilli : 0)) / Double(max(1, capacityMilli))
                let score = (memory + cores) / 2
                if score > bestScore { best = Int32(n); bestScore = score }
            }
            return best
        }
    }

    /// Whether node `n` has the cores for one more call of `d`.
    func fitsCall(node n: Int32, _ d: UnitDemand) -> Bool {
        guard n >= 0 else { return true }
        let fits = freeMilli[Int(n)] >= d.callMilli
        ask(kb: 0, milli: d.callMilli, found: fits)
        return fits
    }

    func addInstance(node n: Int32, _ d: UnitDemand) {
        freeKB[Int(n)] -= d.memoryKB
        freeMilli[Int(n)] -= d.instanceMilli
        usedKB += d.memoryKB
        usedMilli += d.instanceMilli
    }

    func removeInstance(node n: Int32, _ d: UnitDemand) {
        guard n >= 0 else { return }
        freed += 1
        freeKB[Int(n)] += d.memoryKB
        freeMilli[Int(n)] += d.instanceMilli
        usedKB -= d.memoryKB
        usedMilli -= d.instanceMilli
    }

    func startCall(node n: Int32, _ d: UnitDemand) {
        guard n >= 0 else { return }
        freeMilli[Int(n)] -= d.callMilli
        usedMilli += d.callMilli
    }
    func endCall(node n: Int32, _ d: UnitDemand) {
        guard n >= 0, d.callMilli > 0 else { return }
        freed += 1
        freeMilli[Int(n)] += d.callMilli
        usedMilli -= d.callMilli
    }

    /// An idle instance of `unit` expires at `time` unless reused first.
    func expiry(unit: Int32, at time: Double) { expiries.insert(Expiry(time: time, unit: unit)) }
}
