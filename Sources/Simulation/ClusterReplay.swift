import DequeModule
import Formatting
import Foundation
import HeapModule
import Traces

/// The replay of an on-prem target on a fixed cluster (`TargetModel.cluster`): every scaling unit
/// in one global time order, their instances placed on the cluster's nodes.
///
/// Each unit keeps its own `InstancePool` (keep-alive, concurrency, cold starts as everywhere
/// else); the pools share the nodes' free cores and memory (`ClusterNodes`). A call takes a free
/// instance of its unit if one is on a node with room for the call; else a new instance goes to a
/// node chosen by the platform's rule (`NodePlacement`) if one has room for it and the call —
/// after removing idle instances, least recently used first, where the platform does
/// (`evictIdle`); else the call waits in the platform's queue (or is rejected where the platform
/// rejects). Queued calls are first in, first out per unit; whenever capacity may have freed (a
/// call ends, an idle instance's keep-alive expires) each waiting unit's oldest call, oldest
/// first, is tried again at that moment: it starts warm on an instance of its unit that freed, or
/// cold on a node with room, and its wait is in its latency (`Outcome.queued`, `waitMs`). Queued
/// calls go before new arrivals of the same moment, and a unit's new call queues behind its
/// waiting ones. Calls still waiting when the trace has been replayed and nothing more can free
/// were never placed: rejected.
///
/// Events are applied in time order, ends before expiries of the same moment; an expiry at the
/// very moment of an arrival comes after it (the pool's own rule: an instance idle exactly its
/// keep-alive is still warm). On a cluster no load fills the replay is the unlimited one,
/// call for call (`ClusterReplayTests`).
struct ClusterReplay {
    /// What the cluster did, for the target's notes.
    struct Report: Sendable {
        var queued = 0, rejectedFull = 0, neverPlaced = 0, evicted = 0
        var longestQueue = 0
        /// Scaling units one instance of which fits no node: their calls are rejected.
        var unplaceable: [String] = []
        var unplacedProvisioned = 0
        /// Served calls that waited longer than the stop's bound, calls rejected (`ClusterStop`).
        var longWaits = 0, rejections = 0
        var stoppedEarly = false
        var use = ClusterUse(peakAskedKB: 0, peakAskedMilli: 0, lackedRoom: false, stoppedEarly: false)
    }

    private struct Waiting {
        var origin: Double
        var member: Int32
        var durationMs: Double
    }

    private struct Completion: Comparable {
        var time: Double
        var unit: Int32
        static func < (a: Completion, b: Completion) -> Bool { (a.time, a.unit) < (b.time, b.unit) }
    }

    var units: [GroupReplay]
    let nodes: ClusterNodes
    let fits: [Bool]
    private var completions = Heap<Completion>()
    private var queues: [Deque<Waiting>]
    /// Units with queued calls (any order).
    private var waiting: [Int] = []
    private var queuedNow = 0
    /// `ClusterNodes.freed` when the whole queue was last tried.
    private var triedAtFreed = -1
    /// The latest arrival's time: a call still waiting then starts no earlier.
    private var now = 0.0
    var report = Report()
    let stop: ClusterStop?

    init(units: [GroupReplay], cluster: ClusterModel, reservedMBPerNode: Double, stop: ClusterStop? = nil) {
        self.units = units
        self.stop = stop
        nodes = ClusterNodes(cluster, reservedMBPerNode: reservedMBPerNode)
        var fits: [Bool] = []
        for u in units.indices {
            let keys = units[u].members.map { units[u].app.functions[$0].key }
            let demand = cluster.unitDemand(members: keys, memoryMB: units[u].memoryMB)
            let home = Int(ArrivalExpansion.stableHash(keys[0]) % UInt64(cluster.nodes))
            self.units[u].pool.nodes = NodeBinding(cluster: nodes, unit: Int32(u), demand: demand, home: home)
            fits.append(nodes.everFits(demand))
            if !fits[u] { report.unplaceable.append(keys.count == 1 ? "\(keys[0])" : units[u].app.key) }
            else if !self.units[u].pool.placeReserved() { report.unplacedProvisioned += 1 }
        }
        self.fits = fits
        queues = [Deque<Waiting>](repeating: [], count: units.count)
    }

    /// Replays `workload` on `target`'s cluster.
    static func run(_ workload: Workload, target: PreparedTarget, cluster: ClusterModel, options: SimulationOptions) -> (Accumulator, Report) {
        var acc = Accumulator(spanMinutes: workload.spanMinutes, target: target)
        let streams = CoupledUnits(workload, target: target, options: options, accumulator: &acc)
        let generic = streams.generic, unitOf = streams.unitOf, lastExact = streams.lastExact
        var units = streams.units, expanders = streams.expanders
        // A pre-warmed pool's generic instances hold their memory on the nodes all window.
        let pooled = generic.map { Double($0.pool.size) * $0.pool.memoryMB / Double(cluster.nodes) } ?? 0
        var replay = ClusterReplay(units: units, cluster: cluster, reservedMBPerNode: pooled, stop: options.clusterStop)
        var lists = [CallList](repeating: CallList(), count: expanders.count)
        var order = CallOrder()
        var bound = 0.0
        let end = max(Double(workload.spanMinutes) * 60, lastExact + 1)
        while bound < end {
            bound += options.coupledSliceSeconds
            for g in expanders.indices {
                lists[g].removeAll()
                expanders[g].next(before: bound, into: &lists[g])
            }
            order.build(lists)
            for call in order.calls {
                let g = Int(call.function)
                let (u, f) = unitOf[g]
                replay.arrive(call.time, unit: Int(u), member: Int(f), durationMs: lists[g].durationsMs[Int(call.k)])
            }
            for u in replay.units.indices { acc.drainLifetimes(&replay.units[u]) }
            if bound < end, replay.mustStop { replay.report.stoppedEarly = true; break }
        }
        replay.finish()
        replay.report.use = ClusterUse(peakAskedKB: replay.nodes.peakAskedKB, peakAskedMilli: replay.nodes.peakAskedMilli,
                                       lackedRoom: replay.nodes.lackedRoom || !replay.report.unplaceable.isEmpty,
                                       stoppedEarly: replay.report.stoppedEarly)
        for u in replay.units.indices { acc.end(&replay.units[u]) }
        if let generic {
            let window = Double(workload.spanMinutes) * 60
            for _ in 0..<generic.pool.size { acc.addLifetime(0, window, memoryMB: generic.pool.memoryMB) }
            let seconds = Double(generic.pool.size) * window
            acc.sums.add(instanceSeconds: seconds, memoryGBSeconds: seconds * generic.pool.memoryMB / 1024)
        }
        return (acc, replay.report)
    }

    /// Whether the stop's rule says this size misses already (`ClusterStop`): enough served calls
    /// waited past its bound, or enough were rejected, or so many calls still wait past it that,
    /// however each ends (served after that wait, or rejected at the end), one of the two follows.
    var mustStop: Bool {
        guard let stop else { return false }
        if report.longWaits >= stop.longWaits || report.rejections > stop.rejections { return true }
        let room = (stop.longWaits - 1 - report.longWaits) + (stop.rejections - report.rejections)
        var old = 0
        for u in waiting {
            // Oldest first: the first call that has not waited past the bound ends the count.
            for w in queues[u] {
                guard (now - w.origin) * 1000 > stop.waitAboveMs else { break }
                old += 1
                if old > room { return true }
            }
        }
        return false
    }

    /// A new call of unit `u` at `t`.
    mutating func arrive(_ t: Double, unit u: Int, member f: Int, durationMs: Double) {
        advance(to: t)
        now = t
        guard fits[u] else {
            units[u].tallies[f].turnAway()
            report.rejections += 1
            return
        }
        if queues[u].isEmpty, settle(u, Waiting(origin: t, member: Int32(f), durationMs: durationMs), at: t) { return }
        if nodes.model.placement.whenFull == .reject {
            units[u].tallies[f].turnAway()
            report.rejectedFull += 1
            report.rejections += 1
            return
        }
        if queues[u].isEmpty { waiting.append(u) }
        queues[u].append(Waiting(origin: t, member: Int32(f), durationMs: durationMs))
        report.queued += 1
        queuedNow += 1
        report.longestQueue = max(report.longestQueue, queuedNow)
    }

    /// Tries call `w` of unit `u` at `t`: true when it started (or its unit's limits rejected it),
    /// false when it found no room (nothing changed).
    private mutating func settle(_ u: Int, _ w: Waiting, at t: Double) -> Bool {
        if nodes.model.placement.evictIdle { makeRoom(for: u, at: t) }
        let served = units[u].tallies[Int(w.member)].outcome.invocations
        if let (_, ends) = units[u].replayQueued(at: t, origin: w.origin, durationMs: w.durationMs, member: Int(w.member)) {
            completions.insert(Completion(time: ends, unit: Int32(u)))
            // Its latency is at least its wait.
            if let stop, (t - w.origin) * 1000 > stop.waitAboveMs { report.longWaits += 1 }
            return true
        }
        // Rejected calls are counted by the step; a call that found no room is not.
        let rejected = units[u].tallies[Int(w.member)].outcome.invocations != served
        if rejected { report.rejections += 1 }
        return rejected
    }

    /// Removes idle instances anywhere in the cluster, least recently freed first, until a new
    /// instance of unit `u` fits a node (the platform evicts idle containers to make room), unless
    /// the unit has a free instance or the cores, not the memory, are what is short.
    private mutating func makeRoom(for u: Int, at t: Double) {
        guard let binding = units[u].pool.nodes, !units[u].pool.hasFreeInstance(at: t) else { return }
        while nodes.choose(binding.demand, home: binding.home) == nil {
            if nodes.model.placement.rule != .requests, !nodes.coresFree(for: binding.demand) { return }
            var victim = -1, oldest = Double.infinity
            for v in units.indices {
                if let freed = units[v].pool.oldestIdle, freed < oldest { oldest = freed; victim = v }
            }
            guard victim >= 0 else { return }
            units[victim].pool.evictOldestIdle(at: t)
            report.evicted += 1
        }
    }

    /// Applies the ends up to `t` and the expiries before it, in time order, trying the queue
    /// after each.
    private mutating func advance(to t: Double) {
        while true {
            let c = completions.min.map { $0.time <= t ? $0.time : .infinity } ?? .infinity
            let e = nodes.expiries.min.map { $0.time < t ? $0.time : .infinity } ?? .infinity
            if c == .infinity, e == .infinity { return }
            if c <= e {
                let done = completions.popMin()!
                units[Int(done.unit)].pool.complete(upTo: c)
                drain(at: c, freedInstanceOf: Int(done.unit))
            } else {
                let expiry = nodes.expiries.popMin()!
                units[Int(expiry.unit)].pool.expire(before: e.nextUp)
                drain(at: e, freedInstanceOf: nil)
            }
        }
    }

    /// Starts what the queue can at `t`: each waiting unit's calls in order, units by their
    /// oldest call (then unit order). When no node has gained room since the whole queue was last
    /// tried, only the unit whose instance just freed (if any) can start a call: only it is tried.
    private mutating func drain(at t: Double, freedInstanceOf unit: Int?) {
        guard !waiting.isEmpty else { return }
        if nodes.freed == triedAtFreed {
            guard let u = unit, !queues[u].isEmpty else { return }
            while let w = queues[u].first, settle(u, w, at: t) {
                queues[u].removeFirst()
                queuedNow -= 1
            }
            if queues[u].isEmpty { waiting.removeAll { $0 == u } }
            return
        }
        waiting.sort { (queues[$0].first!.origin, $0) < (queues[$1].first!.origin, $1) }
        for u in waiting {
            while let w = queues[u].first, settle(u, w, at: t) {
                queues[u].removeFirst()
                queuedNow -= 1
            }
        }
        waiting.removeAll { queues[$0].isEmpty }
        triedAtFreed = nodes.freed
    }

    /// Ends the replay: everything in flight ends, every expiry passes; calls still waiting were
    /// never placed (rejected).
    mutating func finish() {
        advance(to: .infinity)
        for u in waiting {
            while let w = queues[u].popFirst() {
                units[u].tallies[Int(w.member)].turnAway()
                report.neverPlaced += 1
            }
        }
        waiting.removeAll()
    }
}

extension ClusterReplay {
    /// The target's note: the cluster, its rule, and what queued, waited, was evicted or rejected.
    static func note(_ cluster: ClusterModel, _ report: Report, _ total: Outcome, pooled: PrewarmedPool?) -> String {
        let p = cluster.placement
        let rule: String
        switch p.rule {
        case .requests: rule = "an instance reserves its memory and one call's cores (its requests) for its life, busy or idle"
        case .memory: rule = "an instance holds its memory; CPU is shared, not reserved"
        case .binPacking: rule = "an instance holds its memory, a running call its cores"
        }
        var parts = ["fixed cluster of \(Numbers.counted(cluster.nodes, "server")), each offering instances \(Numbers.number(cluster.coresPerNode, .trimmed)) cores and \(Numbers.number(cluster.memoryMBPerNode / 1024, .trimmed)) GB after the control plane's share; \(rule); new instances go to the \(p.nodeChoice.rawValue) node; every call replayed in one time order across functions (no per-minute fast path)"]
        if pooled != nil { parts.append("the pre-warmed pool's memory is held on the nodes all window") }
        if total.queued > 0 {
            parts.append("\(total.queued) calls found no room and waited in the platform's queue (wait p50 \(Numbers.duration(seconds: total.waitMs.p50 / 1000, .approximate)), p99 \(Numbers.duration(seconds: total.waitMs.p99 / 1000, .approximate)); at most \(report.longestQueue) waiting at once)")
        } else {
            parts.append("no call waited for room")
        }
        if report.rejectedFull > 0 { parts.append("\(report.rejectedFull) calls found no room and were rejected (the platform rejects when full)") }
        if report.neverPlaced > 0 { parts.append("\(report.neverPlaced) calls were still waiting when nothing more could free (counted in rejected)") }
        if report.evicted > 0 { parts.append("\(report.evicted) idle instances removed to make room") }
        if !report.unplaceable.isEmpty {
            parts.append("\(report.unplaceable.count) scaling units' instances fit no node, their calls rejected (e.g. \(report.unplaceable[0]))")
        }
        if report.unplacedProvisioned > 0 { parts.append("\(report.unplacedProvisioned) scaling units' provisioned instances did not all fit") }
        return parts.joined(separator: "; ")
    }
}

extension ClusterNodes {
    /// Whether some node has the cores a new instance of `d` and its call need (memory aside).
    func coresFree(for d: UnitDemand) -> Bool { freeMilli.contains { $0 >= d.instanceMilli + d.callMilli } }
}

extension GroupReplay {
    /// One call on a fixed cluster at `t` (it arrived at `origin`: the difference is its wait in
    /// the platform's queue). Returns when it starts and leaves its instance; nil when rejected
    /// or when it found no room.
    mutating func replayQueued(at t: Double, origin: Double, durationMs: Double, member f: Int) -> (starts: Double, ends: Double)? {
        let rules = CallRules(clock: target.clock, perRequest: perRequest, initBilled: initBilled)
        return Self.step(t, durationMs, queuedMs: (t - origin) * 1000, timeout: timeoutMs[f], synchronous: synchronous[f], rules: rules,
                         pool: &pool, tally: &tallies[f], series: &series, overlap: nil)
    }
}
