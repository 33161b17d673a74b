import Formatting
import DequeModule
import Foundation
import HeapModule
import Traces

/// The replay of one target with all its scaling units in one global time order, for what
/// couples them: the account's concurrency quota (`TargetModel.accountConcurrency`) and the
/// pre-warmed generic instances they share (`TargetModel.prewarmedPool`).
///
/// Arrivals of every function are produced slice by slice (`ArrivalExpansion.Expander`, as
/// `Simulator.simulateApp` does, so memory stays bounded by a slice), merged by time (ties: app
/// order, then function order, then the function's own order) and replayed call by call (no
/// per-minute fast path), each on its unit's own `InstancePool`. A global heap of completions
/// keeps the account's calls in flight: a call that arrives with `quota` of them in flight is
/// throttled even if its own function has an idle instance — rejected when synchronous,
/// otherwise held in one first-in-first-out queue of the account: each completion anywhere in the
/// account frees a place that the call held longest takes at that moment (its latency includes
/// the wait; held calls go before new arrivals of the same moment, and while any call is held a
/// new asynchronous one queues behind it). A held call still waiting when its age passes
/// `TargetModel.heldMaxAgeSeconds` (Lambda: 6 h) is discarded when it reaches the front: throttled
/// and never served (rejected). Each held call is touched twice (held, then admitted or
/// discarded), however long the queue. Calls enter each unit's pool in non-decreasing time,
/// which the pool needs. A call its own unit's limits delay (max instances, scale-out rate)
/// holds no place while it waits for an instance of its unit (Lambda does not count queued
/// events against concurrency): it takes over the place of the call it follows on that instance
/// at the moment that call leaves, so the account's count never passes the quota.
///
/// Outcomes go through the same `Accumulator` bookkeeping as the independent replay, so bills,
/// series and JSON have the same shape; with a quota no load reaches, the outcomes are the same
/// (`CoupledReplayTests`).
enum CoupledReplay {
    /// What the coupling did, for the target's notes.
    struct Report {
        var quotaRejected = 0, quotaDelayed = 0
        /// Held calls that waited longer than `TargetModel.heldMaxAgeSeconds`: discarded unserved.
        var quotaDiscarded = 0
        var poolHits = 0, poolMisses = 0
        /// What the fixed cluster did, when the target ran on one (`ClusterReplay`).
        var cluster: ClusterReplay.Report?
    }

    /// A call its unit's limits delayed: it enters the account's calls in flight at `starts`.
    private struct Handover: Comparable {
        var starts: Double, ends: Double
        static func < (a: Handover, b: Handover) -> Bool { (a.starts, a.ends) < (b.starts, b.ends) }
    }

    /// A call the quota held, waiting for a place: `origin` is when it arrived.
    private struct Held {
        var origin: Double
        var unit: Int32, member: Int32
        var durationMs: Double
    }

    static func run(_ workload: Workload, target: PreparedTarget, options: SimulationOptions) -> (Accumulator, Report) {
        var acc = Accumulator(spanMinutes: workload.spanMinutes, target: target)
        var report = Report()
        let streams = CoupledUnits(workload, target: target, options: options, accumulator: &acc)
        let generic = streams.generic, unitOf = streams.unitOf, lastExact = streams.lastExact
        var units = streams.units, expanders = streams.expanders
        let quota = target.model.accountConcurrency ?? .max
        let maxAge = target.model.heldMaxAgeSeconds
        var inFlight = Heap<Double>()
        // The held calls in arrival order.
        var held = Deque<Held>()

        // Calls their unit's limits delayed, waiting for an instance of their own unit: each starts
        // the moment a call of its unit leaves (at the same time, to the bit), and takes over that
        // call's place in the account.
        var waiting = Heap<Handover>()

        func admit(_ t: Double, origin: Double, unit u: Int, member f: Int, durationMs: Double) {
            guard let (starts, ends) = units[u].replayOne(at: t, origin: origin, durationMs: durationMs, member: f) else { return }
            if starts > t { waiting.insert(Handover(starts: starts, ends: ends)) } else { inFlight.insert(ends) }
        }
        // Completions up to `t`, in time order; a place one frees goes to a call of the same unit
        // that waited for that instance, else to the call the account held longest, at the
        // completion's time (its own completion joins the heap, so it may free a place before `t`
        // too).
        func release(upTo t: Double) {
            while let freed = inFlight.min, freed <= t {
                _ = inFlight.popMin()
                if let handover = waiting.min, handover.starts <= freed {
                    _ = waiting.popMin()
                    inFlight.insert(handover.ends)
                    continue
                }
                while inFlight.count < quota, let h = held.popFirst() {
                    if freed - h.origin > maxAge {
                        units[Int(h.unit)].tallies[Int(h.member)].turnAway()
                        report.quotaDiscarded += 1
                        continue
                    }
                    admit(freed, origin: h.origin, unit: Int(h.unit), member: Int(h.member), durationMs: h.durationMs)
                }
            }
        }
        // A new arrival at `t`: rejected or held when the account is at its quota (or calls are
        // held before it), else replayed.
        func dispatch(_ t: Double, unit u: Int, member f: Int, durationMs: Double) {
            release(upTo: t)
            guard inFlight.count >= quota || !held.isEmpty else {
                admit(t, origin: t, unit: u, member: f, durationMs: durationMs)
                return
            }
            if units[u].synchronous[f] {
                units[u].tallies[f].turnAway()
                report.quotaRejected += 1
            } else {
                report.quotaDelayed += 1
                held.append(Held(origin: t, unit: Int32(u), member: Int32(f), durationMs: durationMs))
            }
        }

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
                dispatch(call.time, unit: Int(u), member: Int(f), durationMs: lists[g].durationsMs[Int(call.k)])
            }
            for u in units.indices { acc.drainLifetimes(&units[u]) }
        }
        release(upTo: .infinity)
        assert(waiting.isEmpty, "a delayed call never found the instance it waited for")
        for u in units.indices { acc.end(&units[u]) }
        if let generic {
            // The pool's generic instances (and a refilling slot's pod) are held all window.
            let window = Double(workload.spanMinutes) * 60
            for _ in 0..<generic.pool.size { acc.addLifetime(0, window, memoryMB: generic.pool.memoryMB) }
            let seconds = Double(generic.pool.size) * window
            acc.sums.add(instanceSeconds: seconds, memoryGBSeconds: seconds * generic.pool.memoryMB / 1024)
            report.poolHits = generic.hits
            report.poolMisses = generic.misses
        }
        return (acc, report)
    }
}

/// The pre-warmed generic instances of one target (`PrewarmedPool`), shared by all its units in
/// the coupled replay: a cold start takes the slot ready earliest if it is ready (the profile's
/// cold start: specialization) and the slot refills `refillSeconds` later; with none ready the
/// call pays the pool-miss cold start. Cold starts come in non-decreasing time.
final class GenericPool {
    let pool: PrewarmedPool
    private var readyAt: [Double]
    private(set) var hits = 0, misses = 0

    init(_ pool: PrewarmedPool) {
        self.pool = pool
        readyAt = [Double](repeating: -.infinity, count: pool.size)
    }

    /// The init time of a cold start at `t`, ms.
    func coldStart(at t: Double, _ specialize: ColdStartModel, _ random: inout SeededRandom) -> Double {
        var slot = 0
        for i in readyAt.indices where readyAt[i] < readyAt[slot] { slot = i }
        guard readyAt[slot] <= t else {
            misses += 1
            return pool.missColdStart.sample(&random)
        }
        hits += 1
        readyAt[slot] = t + pool.refillSeconds
        return specialize.sample(&random)
    }
}

extension GroupReplay {
    /// One call of the coupled replay, booked by the same step as `feed`'s calls, at `t` (its
    /// arrival was `origin`: a call the account quota held is throttled and delayed, its wait in
    /// its latency). Returns when it starts on its instance and leaves it, or nil when rejected.
    mutating func replayOne(at t: Double, origin: Double, durationMs: Double, member f: Int) -> (starts: Double, ends: Double)? {
        let rules = CallRules(clock: target.clock, perRequest: perRequest, initBilled: initBilled)
        return Self.step(t, durationMs, waitedMs: (t - origin) * 1000, timeout: timeoutMs[f], synchronous: synchronous[f], rules: rules,
                         pool: &pool, tally: &tallies[f], series: &series, overlap: overlap)
    }
}

/// Which targets `Simulator.run` replays again coupled, and what their notes say.
struct Coupling {
    /// Per target: nil when replayed independently only; the coupled replay's report otherwise.
    var reports: [CoupledReplay.Report?]
    /// Per target with a quota: the highest per-second bound of calls in flight, all accounts together.
    var peakBound: [Int?]
    var models: [TargetModel]
    /// Accounts replayed apart, each under its own quota (1: the whole trace is one account).
    var accounts = 1
    /// Per target with a quota: which accounts' quota may bind (`AccountBounds`).
    var quotas: [QuotaBounds?] = []

    /// Replays coupled, in place of their independent totals, the targets with a pre-warmed pool
    /// (always, the whole trace: the pool is shared by all accounts) and, on a target with an
    /// account quota, the accounts whose own bound of calls in flight exceeds it (`quotas`), each
    /// on its own under its own quota. The other accounts keep their independent replay: when
    /// some account binds and some do not, the target's independent totals are built again over
    /// the others' apps alone, then each binding account's coupled totals are added in account
    /// order. Replays run in parallel; each is sequential and their results are added in account
    /// order, so results do not depend on the worker count.
    ///
    /// `leftOut`: per target, the accounts `totals` already leave out (`AccountBounds.replayApart`);
    /// when they are exactly the binding ones, `totals` are the others' and are not built again.
    static func replay(_ workload: Workload, _ prepared: [PreparedTarget], _ totals: inout [Accumulator],
                       bounds: [Int?], quotas: [QuotaBounds?], accounts: Int = 1, leftOut: [Set<Int>] = [],
                       options: SimulationOptions) -> Coupling {
        var coupling = Coupling(reports: prepared.map { _ in nil }, peakBound: prepared.map { _ in nil }, models: prepared.map(\.model))
        coupling.accounts = accounts
        coupling.quotas = quotas
        var chosen: [Int] = []
        for (t, target) in prepared.enumerated() {
            // A target with a pool was not replayed independently, so it has no bound (nil).
            coupling.peakBound[t] = bounds[t]
            if target.model.prewarmedPool != nil || target.model.cluster != nil { chosen.append(t); continue }
            if let q = quotas[t], !q.binding.isEmpty { chosen.append(t) }
        }
        guard !chosen.isEmpty else { return coupling }
        let parts = accounts > 1 ? workload.splitByAccount(count: accounts) : [workload]
        // A target that replays as one before it (`ReplayTwins`), under the same quota decisions,
        // takes that one's coupled totals instead of replaying them again, unless they hold a
        // unit that could not be priced (its note names the target): then it is replayed itself.
        let twins = ReplayTwins(prepared, options: options)
        var copies: [(target: Int, of: Int)] = []
        for t in chosen where twins.first[t] != t && chosen.contains(twins.first[t]) && quotas[t] == quotas[twins.first[t]] {
            copies.append((t, twins.first[t]))
        }
        let replayed = chosen.filter { t in !copies.contains { $0.target == t } }
        // Totals that leave out exactly the binding accounts are the others' already.
        var others: [Int: Accumulator] = [:]
        for t in replayed where t < leftOut.count && !leftOut[t].isEmpty && Set(quotas[t]?.binding ?? []) == leftOut[t] {
            others[t] = totals[t]
        }
        for (t, (acc, report)) in replayChosen(replayed, workload, parts, prepared, quotas: quotas, others: others, options: options) {
            totals[t] = acc
            coupling.reports[t] = report
        }
        var alone: [Int] = []
        for (t, first) in copies {
            guard totals[first].unpriced.isEmpty else { alone.append(t); continue }
            totals[t] = totals[first]
            coupling.reports[t] = coupling.reports[first]
        }
        for (t, (acc, report)) in replayChosen(alone, workload, parts, prepared, quotas: quotas, options: options) {
            totals[t] = acc
            coupling.reports[t] = report
        }
        return coupling
    }

    /// The coupled totals and report of each target of `chosen` (`replay`).
    private static func replayChosen(_ chosen: [Int], _ workload: Workload, _ parts: [Workload], _ prepared: [PreparedTarget],
                                     quotas: [QuotaBounds?], others: [Int: Accumulator] = [:],
                                     options: SimulationOptions) -> [(Int, (Accumulator, CoupledReplay.Report))] {
        guard !chosen.isEmpty else { return [] }
        // Work items: (target, account), a target's items consecutive in account order; nil: the
        // whole workload at once.
        var items: [(target: Int, part: Int?)] = []
        // Targets where only some accounts bind: the others' independent totals, built again.
        var base: [Int: Accumulator] = [:]
        var partial: [[Int]: [Int]] = [:]
        for t in chosen {
            if parts.count == 1 || prepared[t].model.prewarmedPool != nil || prepared[t].model.cluster != nil { items.append((t, nil)); continue }
            let q = quotas[t]
            let binding = q?.binding ?? Array(parts.indices)
            items += binding.map { (t, $0) }
            if q?.allBind == false {
                if let built = others[t] { base[t] = built } else { partial[binding, default: []].append(t) }
            }
        }
        for (binding, targets) in partial.sorted(by: { $0.value[0] < $1.value[0] }) {
            let coupled = Set(binding)
            let free = workload.apps.indices.filter { !coupled.contains(workload.apps[$0].account) }
            let (rebuilt, _) = Simulator.accumulate(workload, targets.map { prepared[$0] }, apps: free, options: options)
            for (k, t) in targets.enumerated() { base[t] = rebuilt[k] }
        }
        // Taken in batches, each folded into its target's sum in item order before the next
        // starts: memory holds a batch of replays, not one per account.
        let work = items
        let batch = max(1, options.workers) * 4
        var sums: [Int: (acc: Accumulator, report: CoupledReplay.Report)] = [:]
        var start = 0
        while start < work.count {
            let range = start..<min(work.count, start + batch)
            let results = Results(count: range.count)
            DispatchQueue.concurrentPerform(iterations: min(options.workers, range.count)) { _ in
                while let k = results.next() {
                    let (t, part) = work[range.lowerBound + k]
                    let target = prepared[t]
                    if let cluster = target.model.cluster {
                        let (acc, report) = ClusterReplay.run(workload, target: target, cluster: cluster, options: options)
                        results.set(k, (acc, CoupledReplay.Report(cluster: report)))
                    } else {
                        results.set(k, CoupledReplay.run(part.map { parts[$0] } ?? workload, target: target, options: options))
                    }
                }
            }
            for k in 0..<range.count {
                let (t, part) = work[range.lowerBound + k]
                let (acc, report) = results.take(k)
                guard part != nil else { sums[t] = (acc, report); continue }
                var sum = sums.removeValue(forKey: t)
                    ?? (base.removeValue(forKey: t) ?? Accumulator(spanMinutes: workload.spanMinutes, target: prepared[t]), CoupledReplay.Report())
                sum.acc.absorb(acc)
                sum.report.quotaRejected += report.quotaRejected
                sum.report.quotaDelayed += report.quotaDelayed
                sum.report.quotaDiscarded += report.quotaDiscarded
                sums[t] = sum
            }
            start = range.upperBound
        }
        var replayed: [(Int, (Accumulator, CoupledReplay.Report))] = []
        for t in chosen {
            guard var sum = sums.removeValue(forKey: t) else { continue }
            if work.contains(where: { $0.target == t && $0.part != nil }) { sum.acc.restoreAppOrder(workload) }
            replayed.append((t, (sum.acc, sum.report)))
        }
        return replayed
    }

    /// Adds what the target's coupling did to its outcome: notes, the pool's memory.
    func annotate(_ outcome: inout TargetOutcome, _ t: Int) {
        let model = models[t]
        let report = reports[t]
        if let cluster = model.cluster, let clusterReport = report?.cluster {
            outcome.cluster = cluster
            outcome.clusterUse = clusterReport.use
            if let pool = model.prewarmedPool { outcome.prewarmedMemoryMB = Double(pool.size) * pool.memoryMB }
            outcome.notes.append(ClusterReplay.note(cluster, clusterReport, outcome.total, pooled: model.prewarmedPool))
            return
        }
        if let quota = model.accountConcurrency {
            if let note = quotaNote(t, quota: quota) { outcome.notes.append(note) }
        }
        if let pool = model.prewarmedPool, let report {
            outcome.prewarmedMemoryMB = Double(pool.size) * pool.memoryMB
            outcome.keepAlive = "pre-warmed pool of \(pool.size), then " + outcome.keepAlive
            outcome.notes.append("pre-warmed pool shared by all functions: every call replayed in one time order across functions (no per-minute fast path); \(report.poolHits) cold starts specialized a generic instance, \(report.poolMisses) found the pool empty; its \(Numbers.number(Double(pool.size) * pool.memoryMB, .trimmed)) MB are in the target's series and instance figures, not in any function's")
        }
    }

    /// What the account quota did on target `t`, or nil when it was not looked at.
    private func quotaNote(_ t: Int, quota: Int) -> String? {
        let model = models[t]
        let q = t < quotas.count ? quotas[t] : nil
        let report = reports[t]
        let raise = "an account quota of \(q?.perAccount.values.max() ?? peakBound[t] ?? 0) or more could not bind on this trace (a deployment sets it: limits.concurrency)"
        let discarded = (report?.quotaDiscarded ?? 0) == 0 ? ""
            : ", of which \(report?.quotaDiscarded ?? 0) waited longer than \(Numbers.duration(seconds: model.heldMaxAgeSeconds, .exact)) and were discarded unserved"
        let throttled = "the quota rejected \(report?.quotaRejected ?? 0) synchronous calls and delayed \(report?.quotaDelayed ?? 0) asynchronous ones\(discarded)"
        // A pre-warmed pool couples every account's functions: the whole trace in one order.
        if model.prewarmedPool != nil {
            guard report != nil else { return nil }
            return "the account concurrency quota (\(quota) calls in flight) is shared by all functions: its functions share a pre-warmed pool, so every call was replayed in one time order across functions (no per-minute fast path); \(throttled)"
        }
        guard let peak = peakBound[t] else { return nil }
        guard accounts > 1, let q else {
            guard report != nil else {
                if peak > quota, let own = q?.perAccount[0] {
                    return "the account concurrency quota never bound (peak bound \(own) of \(quota) calls in flight: the sum of each scaling unit's own most calls in flight at once; per second, the calls in flight at some moment of it reached \(peak)), so functions were replayed independently"
                }
                return "the account concurrency quota never bound (peak bound \(peak) of \(quota) calls in flight: per second, the calls in flight at some moment of it, over all functions), so functions were replayed independently"
            }
            return "the account concurrency quota (\(quota) calls in flight) is shared by all functions: an upper bound of calls in flight reached \(peak), so every call was replayed in one time order across functions (no per-minute fast path); \(throttled); \(raise)"
        }
        let each = "each of the \(accounts) accounts has its own account concurrency quota (\(quota) calls in flight), shared by its functions"
        guard peak > quota else {
            return "the account concurrency quota never bound (peak bound \(peak) of \(quota) calls in flight: an upper bound, not a measured peak, of the calls in flight of all \(accounts) accounts together, under the quota each of them has alone; per second, the calls in flight at some moment of it, and for units replayed per minute the most they reach with a chance of 1 in 72 billion or more), so functions were replayed independently"
        }
        let free = accounts - q.binding.count
        let freeHigh = q.highestFree.map { " (highest \($0))" } ?? ""
        guard let high = q.highestBinding, report != nil else {
            return "the account concurrency quota never bound: \(each); all accounts together reached an upper bound of \(peak) calls in flight, but no account's own bound exceeded its quota\(freeHigh), so functions were replayed independently"
        }
        let coupled = q.allBind
            ? "every account's own upper bound of calls in flight exceeded it (highest \(high)), so every call was replayed in one time order across its account's functions, each account on its own (no per-minute fast path)"
            : "\(q.binding.count) account\(q.binding.count == 1 ? "'s" : "s'") own upper bound of calls in flight exceeded it (highest \(high)), so \(q.binding.count == 1 ? "its" : "each one's") calls were replayed in one time order across its functions, each account on its own (no per-minute fast path); the other \(free) accounts' bound stayed within it\(freeHigh), so their functions were replayed independently (busy ones per minute)"
        return "\(each): \(coupled); \(throttled); \(raise)"
    }

    /// Coupled results by index, filled by the workers.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [(Accumulator, CoupledReplay.Report)?]
        private var handed = 0

        init(count: Int) { slots = [(Accumulator, CoupledReplay.Report)?](repeating: nil, count: count) }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard handed < slots.count else { return nil }
            handed += 1
            return handed - 1
        }

        func set(_ i: Int, _ value: (Accumulator, CoupledReplay.Report)) {
            lock.lock(); defer { lock.unlock() }
            slots[i] = value
        }

        func take(_ i: Int) -> (Accumulator, CoupledReplay.Report) {
            lock.lock(); defer { lock.unlock() }
            return slots[i]!
        }
    }
}

/// What a coupled replay walks (`CoupledReplay`, `ClusterReplay`): every app's scaling units in
/// app order, begun on the accumulator and sharing the target's pre-warmed pool; each function's
/// (unit, member) and arrival expander; the last exact start.
struct CoupledUnits {
    var units: [GroupReplay] = []
    var unitOf: [(unit: Int32, member: Int32)] = []
    var expanders: [ArrivalExpansion.Expander] = []
    var lastExact = 0.0
    let generic: GenericPool?

    init(_ workload: Workload, target: PreparedTarget, options: SimulationOptions, accumulator acc: inout Accumulator) {
        generic = target.model.prewarmedPool.map { GenericPool($0) }
        for app in workload.apps {
            let first = units.count
            units += acc.beginUnits(app, target: target, options: options)
            var unitOfMember = [(unit: Int32, member: Int32)](repeating: (0, 0), count: app.functions.count)
            for u in first..<units.count {
                for (m, f) in units[u].members.enumerated() { unitOfMember[f] = (Int32(u), Int32(m)) }
            }
            unitOf += unitOfMember
            for function in app.functions {
                expanders.append(ArrivalExpansion.Expander(function, seed: options.seed, mode: options.arrivals))
                if case .exact(let starts, _) = function.calls, let last = starts.last { lastExact = max(lastExact, last) }
            }
        }
        for u in units.indices {
            units[u].overlap = nil
            units[u].pool.generic = generic
        }
    }
}
