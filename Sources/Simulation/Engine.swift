import Traces

/// Invocations of one scaling unit over a slice of time (a function, or an app's functions
/// merged), ascending by time.
struct GroupCalls {
    var times: [Double] = []
    var durationsMs: [Double] = []
    /// Index of the invocation's function within the group; empty when the group is one function.
    var function: [Int32] = []

    mutating func removeAll() {
        times.removeAll(keepingCapacity: true)
        durationsMs.removeAll(keepingCapacity: true)
        function.removeAll(keepingCapacity: true)
    }
}

/// What became of one arrival.
enum ArrivalKind: UInt8 {
    case warm, cold, delayed, rejected
    /// On a fixed cluster: no instance of its unit free and no node with room for a new one;
    /// nothing was changed (`ClusterReplay` queues or rejects the call).
    case noRoom
}

/// One arrival's outcome in its scaling unit (`InstancePool.arrive`).
struct Arrival {
    /// Time in system, ms (queueing + cold start + execution); NaN when rejected.
    var latency: Double
    /// The cold start it waited for, ms (0 when warm or delayed).
    var initMs: Double
    var kind: ArrivalKind
    /// True when a provisioned instance served it.
    var provisioned: Bool
    /// When it starts on its instance (later than its arrival when delayed) and leaves it, seconds.
    var starts: Double, ends: Double

    static let rejected = Arrival(latency: .nan, initMs: 0, kind: .rejected, provisioned: false, starts: .nan, ends: .nan)
    static let noRoom = Arrival(latency: .nan, initMs: 0, kind: .noRoom, provisioned: false, starts: .nan, ends: .nan)
}

/// The discrete-event replay of one scaling unit on one target, fed arrivals in time order.
///
/// Events are the unit's arrivals and its instances' completions (a heap). Before each arrival,
/// completions up to its time are applied and idle instances past their keep-alive are removed;
/// the arrival then takes a partly busy instance (per-instance concurrency > 1), else the most
/// recently freed idle one, else starts a new instance (cold) if the limits allow, else is
/// throttled: rejected when synchronous, otherwise delivered when the first busy slot frees —
/// unless that is more than `TargetModel.heldMaxAgeSeconds` away: then it is discarded unserved
/// (rejected, counted in `discarded`). Instances idle longest are removed first. The state
/// carries over from one slice of arrivals to the next, so a long trace is replayed without
/// holding all of it.
///
/// Provisioned instances (indices below `reserved`) are alive from the window's start to its
/// end, never expire, and are taken before any on-demand idle instance.
///
/// A dead instance's slot is reused by the next cold start, so a unit's memory follows the
/// instances alive at once, not every cold start it ever had. Ties (completions at the same time)
/// are broken by each instance's `serial`, its order of birth: the order a pool that never reused
/// a slot gave by index, so reuse changes no result (`SlotReuseTests`).
struct InstancePool {
    let model: TargetModel
    let c: Int32
    let reserved: Int32
    let idleLimit: Double
    /// Longest an asynchronous call waits for a slot before it is discarded, seconds.
    let maxWait: Double
    let poolSlots: Int
    /// A fixed, finite idle time (`KeepAlivePolicy.fixed`): an instance freed by a call that
    /// overlapped no other is taken or removed by the next arrival (`arriveAfterSole`).
    let fixedIdle: Bool
    let endSeconds: Double
    var random: SeededRandom
    var histogram: IdleHistogram?
    /// The target's pre-warmed generic instances, shared by its units (`CoupledReplay`); nil for none.
    var generic: GenericPool?
    /// The fixed cluster's nodes this unit's instances are placed on (`ClusterReplay`); nil: unlimited.
    var nodes: NodeBinding?

    /// One instance: when it was started (or pre-warmed), when its current busy period began,
    /// when it expires once idle, and the requests it has in flight.
    struct Slot {
        var born: Double
        var activeSince: Double
        var expiresAt: Double
        var inFlight: Int32
        /// The cluster node it runs on (-1 without a cluster) and when it last became idle.
        var node: Int32 = -1
        var freedAt = 0.0
        /// Order of birth in the unit (provisioned instances first), which breaks ties.
        var serial: UInt32 = 0
    }
    var slots: [Slot] = []
    /// Slots of dead on-demand instances, reused by the next cold start (the most recently freed first).
    var deadSlots: [Int32] = []
    /// False keeps every slot ever used (the behaviour before reuse; tests compare the two).
    var reusesSlots = true
    /// False sends every arrival through the event replay, never `arriveAlone` (tests compare the two).
    var takesSoleCalls = true
    /// While the unit has one call in flight and nothing else alive (`arriveAlone`), that call's
    /// instance and end, held here instead of in `heap` (which is then empty); -1: none.
    var soleSlot: Int32 = -1
    var soleEnds = 0.0
    /// The next instance's `serial`.
    var nextSerial: UInt32 = 0
    var heap = CompletionHeap()
    var idle: [Int32] = [], idleHead = 0
    var reservedFree: [Int32] = []
    /// Instances with room for another request (per-instance concurrency > 1), with the serial
    /// they had when listed: an entry whose slot has since been reused is stale.
    var partial: [PartialEntry] = []
    var alive = 0
    var window = -1.0, startedInWindow = 0
    var unitIdleSince = -1.0

    /// Outputs. `lifetimes` and `activePeriodsMs` are drained by the caller after each slice.
    var peakInstances = 0
    var instancesStarted = 0
    /// Asynchronous calls discarded because the first slot to free was more than `maxWait` away.
    var discarded = 0
    /// Instance lifetime inside the window, seconds (idle keep-alive included).
    var instanceSeconds = 0.0
    /// Instance lifetimes clipped to the window: [start, end) seconds, for the per-minute series.
    var lifetimes: [(Double, Double)] = []
    /// Provisioned instances' lifetimes (billed as provisioned capacity, not per instance).
    var reservedLifetimes: [(Double, Double)] = []
    /// Periods with at least one request in flight, per on-demand instance, ms (billing per active
    /// instance time), and per provisioned instance (billed at the provisioned execution price).
    var activePeriodsMs: [Double] = []
    var reservedActivePeriodsMs: [Double] = []

    /// - Parameter concurrency: calls one instance serves at once (`TargetModel.concurrency`);
    ///   the model's `perInstanceConcurrency` when nil.
    init(model: TargetModel, memoryMB: Double, endSeconds: Double, random: SeededRandom, provisioned: Int = 0, concurrency: Int? = nil) {
        self.model = model
        c = Int32(max(1, min(concurrency ?? model.perInstanceConcurrency, Int(Int32.max))))
        let n = Int32(min(max(0, provisioned), model.maxInstances))
        reserved = n
        for i in stride(from: n - 1, through: 0, by: -1) {
            slots.append(Slot(born: 0, activeSince: 0, expiresAt: .infinity, inFlight: 0, serial: UInt32(truncatingIfNeeded: n - 1 - i)))
            reservedFree.append(i)
        }
        reservedFree.reverse()
        nextSerial = UInt32(truncatingIfNeeded: n)
        alive = Int(n)
        peakInstances = Int(n)
        idleLimit = model.idleLimit
        maxWait = model.heldMaxAgeSeconds
        var slots = Int.max
        if case .memoryPool(let poolMB) = model.keepAlive { slots = max(0, Int(poolMB / max(memoryMB, 1))) }
        poolSlots = slots
        if case .fixed = model.keepAlive { fixedIdle = idleLimit >= 0 && idleLimit.isFinite } else { fixedIdle = false }
        if case .hybridHistogram(let h) = model.keepAlive { histogram = IdleHistogram(h) }
        self.endSeconds = endSeconds
        self.random = random
    }

    mutating func die(_ i: Int32, at t: Double) {
        alive -= 1
        if let nodes { nodes.cluster.removeInstance(node: slots[Int(i)].node, nodes.demand) }
        let start = slots[Int(i)].born, end = min(max(t, start), endSeconds)
        if end > start {
            instanceSeconds += end - start
            if i < reserved { reservedLifetimes.append((start, end)) } else { lifetimes.append((start, end)) }
        }
        if i >= reserved, reusesSlots { deadSlots.append(i) }
    }

    /// Lists instance `i` as having room for another request.
    @inline(__always) mutating func listPartial(_ i: Int32) {
        partial.append(PartialEntry(slot: i, serial: slots[Int(i)].serial))
    }

    /// Whether a listed entry still names a live instance with room for another request.
    @inline(__always) private func hasRoom(_ e: PartialEntry) -> Bool {
        let s = slots[Int(e.slot)]
        return s.serial == e.serial && s.inFlight > 0 && s.inFlight < c
    }

    mutating func release(_ i: Int32, at t: Double) {
        if c > 1 {
            let period = (t - slots[Int(i)].activeSince) * 1000
            if i < reserved { reservedActivePeriodsMs.append(period) } else { activePeriodsMs.append(period) }
        }
        slots[Int(i)].freedAt = t
        if i < reserved { reservedFree.append(i); return }
        if idleLimit < 0 { die(i, at: t); return }
        if histogram != nil {
            // Unloaded now, loaded again after the pre-warm window, kept for the keep-alive window.
            let (prewarm, keep) = histogram!.windows()
            if prewarm > 0 {
                let start = slots[Int(i)].born, end = min(t, endSeconds)
                if end > start { instanceSeconds += end - start; lifetimes.append((start, end)) }
                slots[Int(i)].born = t + prewarm
            }
            slots[Int(i)].expiresAt = t + prewarm + keep
        } else {
            slots[Int(i)].expiresAt = t + idleLimit
        }
        idle.append(i)
        if let nodes, slots[Int(i)].expiresAt.isFinite { nodes.cluster.expiry(unit: nodes.unit, at: slots[Int(i)].expiresAt) }
        if idle.count - idleHead > poolSlots {
            let victim = idle[idleHead]; idleHead += 1
            die(victim, at: t)
        }
    }

    mutating func complete(upTo t: Double) {
        settleSole()
        while let (ct, i) = heap.popFirst(upTo: t) {
            slots[Int(i)].inFlight -= 1
            if let nodes { nodes.cluster.endCall(node: slots[Int(i)].node, nodes.demand) }
            if slots[Int(i)].inFlight == 0 { release(i, at: ct) } else if c > 1 { listPartial(i) }
            if heap.isEmpty { unitIdleSince = ct }
        }
    }

    mutating func expire(before t: Double) {
        guard idleLimit.isFinite else { return }
        // Oldest first; with a fixed idle time that is also the earliest expiry.
        while idleHead < idle.count, slots[Int(idle[idleHead])].expiresAt < t {
            let i = idle[idleHead]; idleHead += 1
            die(i, at: slots[Int(i)].expiresAt)
        }
        if idleHead > 1024, idleHead * 2 > idle.count {
            idle.removeFirst(idleHead); idleHead = 0
        }
    }

    /// Replays one arrival at `t` seconds running `d` ms through the event replay (`arrive`
    /// takes the calls that find the unit in the simple state to `arriveAlone` instead).
    mutating func arriveByEvents(at t: Double, durationMs d: Double, synchronous: Bool) -> Arrival {
        complete(upTo: t)
        if heap.isEmpty, unitIdleSince >= 0 { histogram?.record(t - unitIdleSince); unitIdleSince = -1 }
        expire(before: t)
        var chosen: Int32 = -1
        if c > 1 {
            while let e = partial.popLast() {
                let i = e.slot
                if hasRoom(e) {
                    // On a cluster whose node has no cores left for a call, another instance (or none).
                    if let nodes, !nodes.cluster.fitsCall(node: slots[Int(i)].node, nodes.demand) { continue }
                    chosen = i; break
                }
            }
        }
        if chosen < 0, !reservedFree.isEmpty {
            if let nodes, let k = reservedFree.lastIndex(where: { nodes.cluster.fitsCall(node: slots[Int($0)].node, nodes.demand) }) {
                chosen = reservedFree.remove(at: k)
                slots[Int(chosen)].activeSince = t
            } else if nodes == nil {
                let i = reservedFree.removeLast()
                chosen = i
                slots[Int(i)].activeSince = t
            }
        }
        // Idle instances on a node with no cores left for a call are passed over (kept idle).
        var passed: [Int32] = []
        while chosen < 0, idleHead < idle.count {
            let i = idle.removeLast()
            if idle.count < idleHead { idleHead = idle.count }
            let slot = slots[Int(i)]
            if slot.expiresAt < t { die(i, at: slot.expiresAt); continue }
            // Unloaded and not yet pre-warmed (hybrid policy): gone; the call starts cold.
            if t < slot.born { die(i, at: t); break }
            if let nodes, !nodes.cluster.fitsCall(node: slot.node, nodes.demand) { passed.append(i); continue }
            chosen = i
            slots[Int(i)].activeSince = t
        }
        if !passed.isEmpty { idle.append(contentsOf: passed.reversed()) }
        if chosen >= 0 {
            if let nodes { nodes.cluster.startCall(node: slots[Int(chosen)].node, nodes.demand) }
            return serve(on: chosen, at: t, durationMs: d, alone: false)
        }
        // No instance free: start one if the limits allow.
        var allowed = alive < model.maxInstances
        if allowed, let envs = model.scaleOutEnvironments {
            let w = (t / model.scaleOutPeriodSeconds).rounded(.down)
            if w != window { window = w; startedInWindow = 0 }
            allowed = startedInWindow < envs || heap.isEmpty
        }
        if allowed || heap.isEmpty {
            // On a fixed cluster a new instance needs a node with room for it and its call.
            var node: Int32 = -1
            if let nodes {
                guard let n = nodes.cluster.choose(nodes.demand, home: nodes.home) else { return .noRoom }
                node = n
                nodes.cluster.addInstance(node: n, nodes.demand)
                nodes.cluster.startCall(node: n, nodes.demand)
            }
            return startInstance(at: t, durationMs: d, node: node, alone: false)
        }
        if synchronous { return .rejected }
        // Delivered later: it takes the first slot that frees, if that is soon enough.
        guard let (ct, i) = heap.first, ct - t <= maxWait else {
            discarded += 1
            return .rejected
        }
        let ends = ct + d / 1000
        heap.replaceFirst(ends: ends)
        return Arrival(latency: (ct - t) * 1000 + d, initMs: 0, kind: .delayed, provisioned: i < reserved, starts: ct, ends: ends)
    }

    /// Puts a call arriving at `t` on instance `i` (idle, provisioned or partly busy; its
    /// `activeSince` already set when it was idle). `alone`: hold its end in `soleSlot`, not `heap`.
    @inline(__always) mutating func serve(on i: Int32, at t: Double, durationMs d: Double, alone: Bool) -> Arrival {
        slots[Int(i)].inFlight += 1
        if c > 1, slots[Int(i)].inFlight < c { listPartial(i) }
        let ends = t + d / 1000
        schedule(ends, i, alone: alone)
        return Arrival(latency: d, initMs: 0, kind: .warm, provisioned: i < reserved, starts: t, ends: ends)
    }

    /// Starts a new instance (cold) for a call arriving at `t`, on cluster node `node` (-1: none),
    /// in a dead instance's slot when there is one. `alone`: as in `serve`.
    @inline(__always) mutating func startInstance(at t: Double, durationMs d: Double, node: Int32, alone: Bool) -> Arrival {
        startedInWindow += 1
        let initMs = generic?.coldStart(at: t, model.coldStart, &random) ?? model.coldStart.sample(&random)
        // The period billed opens at arrival when the provider bills init, else after it.
        let opens = model.activePeriodsBillInit ? t : t + initMs / 1000
        let slot = Slot(born: t, activeSince: opens, expiresAt: .infinity, inFlight: 1, node: node, serial: nextSerial)
        nextSerial &+= 1
        let i: Int32
        if let reused = deadSlots.popLast() {
            i = reused
            slots[Int(i)] = slot
        } else {
            i = Int32(slots.count)
            slots.append(slot)
        }
        alive += 1
        instancesStarted += 1
        peakInstances = max(peakInstances, alive)
        if c > 1 { listPartial(i) }
        let ends = t + (initMs + d) / 1000
        schedule(ends, i, alone: alone)
        return Arrival(latency: initMs + d, initMs: initMs, kind: .cold, provisioned: false, starts: t, ends: ends)
    }

    /// A call's completion at `ends` on instance `i`: into `heap`, or held in `soleSlot` (`alone`).
    @inline(__always) mutating func schedule(_ ends: Double, _ i: Int32, alone: Bool) {
        if alone {
            soleSlot = i
            soleEnds = ends
        } else {
            heap.push(ends, i, serial: slots[Int(i)].serial)
        }
    }

    /// Whether a call arriving at `t` would find an instance of this unit free (after the
    /// completions and expiries up to `t`), so needs no room for a new one.
    mutating func hasFreeInstance(at t: Double) -> Bool {
        complete(upTo: t)
        expire(before: t)
        if c > 1, partial.contains(where: hasRoom) { return true }
        if !reservedFree.isEmpty { return true }
        return idle[idleHead...].contains { slots[Int($0)].expiresAt >= t && t >= slots[Int($0)].born }
    }

    /// When the least recently freed idle instance became idle; nil when none is idle.
    var oldestIdle: Double? { idleHead < idle.count ? slots[Int(idle[idleHead])].freedAt : nil }

    /// Removes the least recently freed idle instance at `t` (to make room on the cluster).
    mutating func evictOldestIdle(at t: Double) {
        guard idleHead < idle.count else { return }
        let i = idle[idleHead]; idleHead += 1
        die(i, at: t)
    }

    /// Places the provisioned instances on the cluster's nodes; false when one finds no room.
    mutating func placeReserved() -> Bool {
        guard let nodes else { return true }
        for i in 0..<Int(reserved) {
            guard let n = nodes.cluster.choose(nodes.demand, home: nodes.home, withCall: false) else { return false }
            nodes.cluster.addInstance(node: n, nodes.demand)
            slots[i].node = n
        }
        return true
    }

    /// Ends the replay: work in flight completes and whatever is alive lives out its keep-alive
    /// (or to the window's end).
    mutating func finish() {
        complete(upTo: .infinity)
        while idleHead < idle.count {
            let i = idle[idleHead]; idleHead += 1
            die(i, at: idleLimit.isFinite ? slots[Int(i)].expiresAt : endSeconds)
        }
        while let i = reservedFree.popLast() { die(i, at: endSeconds) }
    }
}

/// An instance listed in `InstancePool.partial`, with its serial when listed.
struct PartialEntry {
    var slot: Int32
    var serial: UInt32
}

/// The hybrid histogram policy's per-app state (Shahrad et al., "Serverless in the Wild",
/// ATC 2020, §4.2): a histogram of idle times in 1-minute bins over a range (4 h); pre-warm at
/// the head percentile (5th) less a margin (10 %), keep alive until the tail percentile (99th) plus
/// the margin. Until the histogram is representative (enough idle times, most of them in range),
/// keep alive for the whole range. (The paper's time-series forecast for out-of-range apps is
/// not modelled: those keep the range too.)
struct IdleHistogram {
    let parameters: HybridHistogram
    var bins: [Int]
    var inRange = 0, outOfRange = 0

    init(_ parameters: HybridHistogram) {
        self.parameters = parameters
        bins = [Int](repeating: 0, count: max(1, Int(parameters.rangeMinutes)))
    }

    mutating func record(_ idleSeconds: Double) {
        let bin = Int(idleSeconds / 60)
        if bin < bins.count { bins[bin] += 1; inRange += 1 } else { outOfRange += 1 }
    }

    /// (pre-warm, keep-alive) in seconds for the idle period starting now.
    func windows() -> (Double, Double) {
        let range = Double(bins.count) * 60
        guard inRange >= parameters.minimumSamples, outOfRange * 2 <= inRange + outOfRange else { return (0, range) }
        func percentile(_ p: Double) -> Double {
            let rank = max(1, Int((p / 100 * Double(inRange)).rounded(.up)))
            var seen = 0
            for (i, count) in bins.enumerated() {
                seen += count
                if seen >= rank { return Double(i) * 60 }
            }
            return range
        }
        let head = percentile(parameters.headPercentile) * (1 - parameters.margin)
        let tail = (percentile(parameters.tailPercentile) + 60) * (1 + parameters.margin)
        return (head, max(60, tail - head))
    }
}
