/// What a replay on a fixed cluster asked of its nodes (`TargetOutcome.clusterUse`): enough to
/// know that a cluster of another size would replay the trace call for call the same way, without
/// replaying it (`sameReplay(on:model:)`), and whether the replay stopped early (`ClusterStop`).
public struct ClusterUse: Sendable, Equatable {
    /// The most any check for room asked of the cluster: what the instances and running calls held
    /// then, summed over the nodes, plus what was asked for; KB and milli-cores.
    public var peakAskedKB: Int64
    public var peakAskedMilli: Int64
    /// Some check found no room (a call waited, was rejected or passed an instance over, an idle
    /// instance was evicted), or a scaling unit fit no node: the replay was not the unlimited one.
    public var lackedRoom: Bool
    /// The replay stopped before the trace's end (`SimulationOptions.clusterStop`): its outcome
    /// is partial and, by the stop's rule, misses the objective.
    public var stoppedEarly: Bool

    public init(peakAskedKB: Int64, peakAskedMilli: Int64, lackedRoom: Bool, stoppedEarly: Bool) {
        self.peakAskedKB = peakAskedKB
        self.peakAskedMilli = peakAskedMilli
        self.lackedRoom = lackedRoom
        self.stoppedEarly = stoppedEarly
    }

    /// Whether the same trace on `cluster` (with `model`'s pre-warmed pool) replays exactly as
    /// this one did, call for call: this replay never lacked room, so it was the unlimited coupled
    /// replay (every check for room succeeded), and one node of `cluster` offers at least the most
    /// any check asked of the whole cluster, so there every check succeeds too, whichever node the
    /// platform's rule picks (by induction over the events: the same instances and calls at every
    /// moment, the same sums held). Node choice then changes nothing an outcome counts.
    public func sameReplay(on cluster: ClusterModel, model: TargetModel) -> Bool {
        guard !lackedRoom, !stoppedEarly else { return false }
        let pooled = model.prewarmedPool.map { Double($0.size) * $0.memoryMB / Double(cluster.nodes) } ?? 0
        let capacity = ClusterNodes.capacity(cluster, reservedMBPerNode: pooled)
        return peakAskedKB <= capacity.kb && peakAskedMilli <= capacity.milli
    }
}

/// When a replay on a fixed cluster may stop early because its size certainly misses a p99
/// objective (`ClusterSearch` trying sizes): more calls waited longer than the objective than a
/// 99th percentile within it allows, or more calls were rejected than allowed, or so many calls
/// still wait past the objective that one of the two must follow (`ClusterReplay.mustStop`).
public struct ClusterStop: Sendable, Equatable {
    /// A served call that waited in the queue longer than this (ms) has a latency above it.
    public var waitAboveMs: Double
    /// Stop once this many served calls waited longer than `waitAboveMs`.
    public var longWaits: Int
    /// Stop once more than this many calls were rejected.
    public var rejections: Int

    public init(waitAboveMs: Double, longWaits: Int, rejections: Int) {
        self.waitAboveMs = waitAboveMs
        self.longWaits = max(1, longWaits)
        self.rejections = max(0, rejections)
    }

    /// The stop for an objective on the 99th percentile of at most `invocations` served calls.
    /// The p99 of n values reads the value of rank at least max(1, ⌊0.99 n⌋) (`PercentileHistogram`:
    /// never below it), so it is above the objective once n − max(1, ⌊0.99 n⌋) + 1 values are;
    /// that count never falls as n grows, so for at most `invocations` served calls it is enough.
    /// A served call's latency is at least its wait; waits are compared 1 µs above the objective
    /// (values are kept to the µs).
    public static func p99(objectiveMs: Double, invocations: Int, rejections: Int) -> ClusterStop {
        let n = max(0, invocations)
        return ClusterStop(waitAboveMs: objectiveMs + 0.001, longWaits: n - max(1, (99 * n) / 100) + 1, rejections: rejections)
    }
}
