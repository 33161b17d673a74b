import Formatting
import Foundation
import Percentiles
import Pricing
import Traces

extension PercentileHistogram {
    /// The engine's latency histogram: two significant digits (a percentile at most 1/128 above
    /// the nearest-rank value, never below; the precision the engine's own histogram had). Three
    /// digits cost 16-22 % of `bench simulate`'s rate: reading a busy function's percentiles
    /// passes over 1,024 counters per doubling of latency instead of 128 (docs/result.md).
    static var latencies: PercentileHistogram { PercentileHistogram(.two) }
}

extension LatencySummary {
    /// p50, p95 and p99 of `latencies` (nearest rank, to the histogram's precision).
    init(_ latencies: PercentileHistogram) {
        let p = latencies.percentiles([0.50, 0.95, 0.99])
        self.init(p50: p[0], p95: p[1], p99: p[2])
    }
}

/// Exact nearest-rank percentiles of a function's latencies (at most `exactLimit` of them).
func exactLatency(_ values: inout [Double]) -> LatencySummary {
    guard !values.isEmpty else { return LatencySummary() }
    func rank(_ p: Double) -> Int { max(0, Int((p * Double(values.count)).rounded(.up)) - 1) }
    // The three order statistics by selection, each inside the part left of the one above it
    // (the same values sorting would give, in linear time).
    let r99 = rank(0.99), r95 = rank(0.95), r50 = rank(0.50)
    return values.withUnsafeMutableBufferPointer { v in
        let p99 = select(v, r99, upTo: v.count)
        let p95 = select(v, r95, upTo: r99 + 1)
        let p50 = select(v, r50, upTo: r95 + 1)
        return LatencySummary(p50: p50, p95: p95, p99: p99)
    }
}

/// The `k`-th smallest of `v[0..<end]` (0-based), moving it to index `k` with every smaller one
/// before it: quickselect with a median-of-three pivot and a three-way partition, so runs of
/// equal values (equidistant calls of one duration) stay linear.
func select(_ v: UnsafeMutableBufferPointer<Double>, _ k: Int, upTo end: Int) -> Double {
    var low = 0, high = end - 1
    while high > low {
        let mid = low + (high - low) / 2
        let a = v[low], b = v[mid], c = v[high]
        let pivot = max(min(a, b), min(max(a, b), c))
        // [low, lt) < pivot, [lt, i) == pivot, (gt, high] > pivot.
        var lt = low, i = low, gt = high
        while i <= gt {
            let x = v[i]
            if x < pivot { v.swapAt(lt, i); lt += 1; i += 1 } else if x > pivot { v.swapAt(i, gt); gt -= 1 } else { i += 1 }
        }
        if k < lt { high = lt - 1 } else if k > gt { low = gt + 1 } else { return pivot }
    }
    return v[k]
}

/// Latencies a function keeps exactly (32 KB). Past them a `PercentileHistogram` holds its
/// latencies: recording costs about 6 ns a call and reading the percentiles a pass over its
/// counters up to the largest latency (some 2,000 with two digits), which a function of a few
/// calls would spend for nothing; selecting three ranks among exact values costs a few ns a
/// value, but keeps every value (16,384 measured slower than 4,096 in `bench simulate`).
let exactLimit = 4_096

/// A target's instance-seconds and MB-seconds per minute: partial minutes, plus a difference
/// array of whole minutes so a long lifetime costs O(1). Fixed-point integers
/// (`FixedPoint.minute`): their sums do not depend on the order they are added in, so workers'
/// and shards' sums merge exactly.
struct MinuteSums {
    var instPartial: [Int64], instWhole: [Int64], mbPartial: [Int64], mbWhole: [Int64]

    /// Zeros over `spanMinutes` minutes (and two past the end, where lifetimes are clamped and
    /// the difference arrays close); none at all when `spanMinutes` is nil (sums lent later).
    init(spanMinutes: Int?) {
        let zeros = [Int64](repeating: 0, count: spanMinutes.map { $0 + 2 } ?? 0)
        instPartial = zeros; instWhole = zeros; mbPartial = zeros; mbWhole = zeros
    }

    /// Minutes held: the span plus two, or zero when the sums are lent out.
    var count: Int { instPartial.count }

    /// Adds `other`'s sums, minute by minute (nothing when `other` holds none).
    mutating func add(_ other: MinuteSums) {
        guard other.count > 0 else { return }
        for i in instPartial.indices {
            instPartial[i] &+= other.instPartial[i]; instWhole[i] &+= other.instWhole[i]
            mbPartial[i] &+= other.mbPartial[i]; mbWhole[i] &+= other.mbWhole[i]
        }
    }

    /// `seconds` of one instance of `memoryMB` inside minute `m`.
    @inline(__always) mutating func addPartial(_ m: Int, _ seconds: Double, memoryMB: Double) {
        instPartial[m] &+= FixedPoint.minute(seconds)
        mbPartial[m] &+= FixedPoint.minute(seconds * memoryMB)
    }

    /// One instance of `memoryMB` alive through the whole minutes `first..<end`.
    @inline(__always) mutating func addWhole(_ first: Int, _ end: Int, memoryMB: Double) {
        let minute = FixedPoint.minute(60), mbMinute = FixedPoint.minute(60 * memoryMB)
        instWhole[first] &+= minute; instWhole[end] &-= minute
        mbWhole[first] &+= mbMinute; mbWhole[end] &-= mbMinute
    }

    /// The mean instances alive and MB held in each of the first `spanMinutes` minutes.
    func series(spanMinutes: Int) -> (instances: [Double], memory: [Double]) {
        var instances = [Double](repeating: 0, count: spanMinutes), memory = instances
        var whole: Int64 = 0, wholeMB: Int64 = 0
        for i in 0..<spanMinutes {
            whole &+= instWhole[i]; wholeMB &+= mbWhole[i]
            instances[i] = FixedPoint.value(minute: whole &+ instPartial[i]) / 60
            memory[i] = FixedPoint.value(minute: wholeMB &+ mbPartial[i]) / 60
        }
        return (instances, memory)
    }
}

/// One target's running totals over a chunk of apps (and, merged, over the whole workload).
struct Accumulator {
    var total = Outcome()
    var functions: [FunctionOutcome] = []
    /// Per function: billed GB-s and served requests, for sharing the bill out.
    var shares: [(gbs: Double, requests: Int, storage: Double)] = []
    /// Every served call's latency, ms (each unit's added as it ends).
    var histogram = PercentileHistogram.latencies
    /// Queued calls' waits on a fixed cluster, ms.
    var waits = PercentileHistogram.latencies
    var usage: UsageSummary
    /// `usage` per account (`AppWorkload.account`): each account is priced on its own.
    var accountUsage: [Int: UsageSummary] = [:]
    var spanMinutes: Int
    /// Instance-seconds (and MB-seconds) per minute.
    var minutes: MinuteSums
    /// The total's instance-seconds, GB-s held and billed GB-s, as exact integer sums
    /// (`FixedPoint.total`); `finish` puts them in `total`.
    var sums = TotalSums()
    var memoryRaised = 0
    /// Scaling units by the basis of their instance memory (on-prem platforms with a footprint).
    var memoryBases: [InstanceMemoryRule.Basis: Int] = [:]
    var unpriced: [String] = []
    /// The workload index of the app each `unpriced` entry came from, and of the app being
    /// replayed: a sharded run's merge puts shards' entries back in app order.
    var unpricedApps: [Int] = []
    var currentApp = 0
    /// Scaling units replayed per minute (`FastPlan`), and their calls.
    var fastUnits = 0, fastCalls = 0
    /// Calls of the units the per-minute path declined, by its reason (none when it was off).
    var declinedCalls: [FastPlan.Refusal: Int] = [:]
    /// Asynchronous calls their unit's limits would have delayed past the maximum wait, discarded.
    var discarded = 0
    /// The bound of the account's calls in flight that this worker's units add to (nil unless the
    /// target has an account concurrency quota); shared, not merged.
    var overlap: OverlapCounter?
    /// Per account (`AppWorkload.account`), on a target with an account quota: an upper bound of
    /// its calls in flight at any moment, the sum of its units' own bounds (`GroupReplay.quotaBound`).
    /// Integers, so sums do not depend on which worker or shard replayed which unit.
    var accountBounds: [Int: Int] = [:]

    /// - Parameter minutes: whether it holds its own per-minute sums; a chunk's accumulator is
    ///   lent its worker's instead (`swapMinutes`), so a chunk waiting to be merged holds none.
    init(spanMinutes: Int, target: PreparedTarget, minutes: Bool = true) {
        self.init(spanMinutes: spanMinutes, days: target.days, minutes: minutes)
    }

    init(spanMinutes: Int, days: Decimal, minutes: Bool = true) {
        self.spanMinutes = spanMinutes
        usage = UsageSummary(days: days)
        self.minutes = MinuteSums(spanMinutes: minutes ? spanMinutes : nil)
    }

    /// Exchanges the per-minute sums with `sums` (a worker's, kept across its chunks).
    mutating func swapMinutes(_ sums: inout MinuteSums) {
        swap(&minutes, &sums)
    }

    mutating func absorb(_ other: Accumulator) {
        total.invocations += other.total.invocations
        total.coldStarts += other.total.coldStarts
        total.throttled += other.total.throttled
        total.rejected += other.total.rejected
        total.delayed += other.total.delayed
        total.timedOut += other.total.timedOut
        total.queued += other.total.queued
        waits.merge(other.waits)
        sums.add(other.sums)
        total.peakInstances = max(total.peakInstances, other.total.peakInstances)
        functions += other.functions
        shares += other.shares
        histogram.merge(other.histogram)
        usage = usage + other.usage
        for (account, used) in other.accountUsage { accountUsage[account] = accountUsage[account].map { $0 + used } ?? used }
        minutes.add(other.minutes)
        memoryRaised += other.memoryRaised
        memoryBases.merge(other.memoryBases, uniquingKeysWith: +)
        unpriced += other.unpriced
        unpricedApps += other.unpricedApps
        fastUnits += other.fastUnits
        fastCalls += other.fastCalls
        declinedCalls.merge(other.declinedCalls, uniquingKeysWith: +)
        discarded += other.discarded
        accountBounds.merge(other.accountBounds, uniquingKeysWith: AccountBounds.add)
    }

    mutating func addLifetime(_ a: Double, _ b: Double, memoryMB: Double) {
        let last = spanMinutes
        let ma = min(last, Int(a / 60)), mb = min(last, Int(b / 60))
        if ma == mb {
            minutes.addPartial(ma, b - a, memoryMB: memoryMB)
            return
        }
        let head = Double(ma + 1) * 60 - a, tail = b - Double(mb) * 60
        minutes.addPartial(ma, head, memoryMB: memoryMB)
        minutes.addPartial(mb, tail, memoryMB: memoryMB)
        if mb > ma + 1 { minutes.addWhole(ma + 1, mb, memoryMB: memoryMB) }
    }

    /// Starts replaying an app's scaling units on `target`: one for the app (a target that scales
    /// per app, several functions), else one per function; counts what its memory rules raised and
    /// what could not be priced.
    mutating func beginUnits(_ app: AppWorkload, target: PreparedTarget, options: SimulationOptions) -> [GroupReplay] {
        var raised = 0, unpriced: [String] = [], bases: [InstanceMemoryRule.Basis: Int] = [:]
        let units: [GroupReplay]
        if target.model.scalingUnit == .app, app.functions.count > 1 {
            let memory = app.functions.reduce(0) { $0 + $1.appShareMB }
            units = [begin(functions: Array(0..<app.functions.count), app: app, memoryMB: memory,
                           groupKey: FunctionKey(app: app.key, function: ""), unit: "app", options: options,
                           target: target, raised: &raised, unpriced: &unpriced, bases: &bases)]
        } else {
            units = app.functions.indices.map { f in
                begin(functions: [f], app: app, memoryMB: app.functions[f].memoryMB, groupKey: app.functions[f].key,
                      unit: target.model.scalingUnit == .app ? "app" : "function", options: options, target: target,
                      raised: &raised, unpriced: &unpriced, bases: &bases)
            }
        }
        memoryRaised += raised
        self.unpriced += unpriced
        memoryBases.merge(bases, uniquingKeysWith: +)
        unpricedApps += repeatElement(currentApp, count: unpriced.count)
        return units
    }

    /// Starts replaying one scaling unit.
    func begin(functions members: [Int], app: AppWorkload, memoryMB requested: Double, groupKey: FunctionKey, unit: String,
               options: SimulationOptions, target: PreparedTarget, raised: inout Int, unpriced: inout [String],
               bases: inout [InstanceMemoryRule.Basis: Int]) -> GroupReplay {
        var memoryMB = max(1, requested)
        // On-prem: the platform's footprint (`instance:`), the trace's memory where it has one.
        if let rule = target.model.instanceMemory {
            let said = members.contains { app.functions[$0].memoryOrigin != .assumed }
            let (mb, basis) = rule.memory(requestedMB: memoryMB, said: said)
            memoryMB = mb
            bases[basis, default: 0] += 1
        }
        if let bounds = target.memoryBounds, memoryMB < bounds.min || memoryMB > bounds.max {
            raised += 1
            memoryMB = min(bounds.max, max(bounds.min, memoryMB))
        }
        var shape: Shape?
        if let recorder = target.recorder {
            do { shape = try recorder.shape(memoryMB: Int(memoryMB.rounded(.up))) } catch {
                unpriced.append("\(groupKey): \(error)")
            }
        }
        if let shape { memoryMB = Double(shape.memoryMB) }
        let random = SeededRandom(seed: options.seed, stream: 201, target.streamHash, ArrivalExpansion.stableHash(groupKey))
        // A function's own provisioned count (deployment) wins over the target's; an app's
        // instances take the largest of its functions'.
        let provisioned = members.map { app.functions[$0].provisioned ?? target.model.provisioned }.max() ?? 0
        // An instance serving several functions' calls (an Azure app) takes the lowest of their
        // triggers' concurrency: the host runs each trigger's calls within its own limit.
        let concurrency = members.map { target.model.concurrency(memoryMB: memoryMB, trigger: app.functions[$0].trigger) }.min() ?? 1
        var replay = GroupReplay(members: members, app: app, unit: unit, memoryMB: memoryMB, shape: shape, target: target,
                                 pool: InstancePool(model: target.model, memoryMB: memoryMB, endSeconds: Double(spanMinutes) * 60,
                                                    random: random, provisioned: provisioned, concurrency: concurrency))
        replay.pool.takesSoleCalls = options.soleCalls
        if options.functionSeries.contains(target.target.profile.id) { replay.series = SeriesCollector(spanMinutes: spanMinutes) }
        replay.keepUsage = options.functionUsage
        replay.overlap = overlap
        return replay
    }

    /// Adds the lifetimes a pool has produced to the per-minute series, and clears them.
    mutating func drainLifetimes(_ group: inout GroupReplay) {
        for (a, b) in group.pool.lifetimes {
            addLifetime(a, b, memoryMB: group.memoryMB)
            group.series?.addLifetime(a, b, memoryMB: group.memoryMB)
            if group.instanceBilling, let clock = group.target.clock { group.instanceMs += clock.billedMs((b - a) * 1000) }
        }
        group.pool.lifetimes.removeAll(keepingCapacity: true)
        for (a, b) in group.pool.reservedLifetimes {
            addLifetime(a, b, memoryMB: group.memoryMB)
            if let unit = group.target.provisionedUnitMs {
                let ms = Int64(((b - a) * 1000).rounded(.up))
                group.provisionedHeldMs += (ms + unit - 1) / unit * unit
            }
        }
        group.pool.reservedLifetimes.removeAll(keepingCapacity: true)
        if let clock = group.target.clock, !group.perRequest, !group.instanceBilling {
            for period in group.pool.activePeriodsMs { group.activeMs += clock.billedMs(period) }
            for period in group.pool.reservedActivePeriodsMs { group.provisionedActiveMs += clock.billedMs(period) }
        }
        group.pool.activePeriodsMs.removeAll(keepingCapacity: true)
        group.pool.reservedActivePeriodsMs.removeAll(keepingCapacity: true)
    }

    /// Feeds a slice of the unit's arrivals.
    mutating func feed(_ calls: GroupCalls, _ group: inout GroupReplay) {
        group.feed(calls)
        drainLifetimes(&group)
    }

    /// Ends the unit's replay and adds what it did and what it costs.
    mutating func end(_ g: inout GroupReplay) {
        g.pool.finish()
        drainLifetimes(&g)
        let m = g.members.count
        let target = g.target
        let unitSeries = g.series?.finish()
        if g.activeMs > 0 || g.provisionedActiveMs > 0 {
            // Billed while at least one request is in flight: the instances' active periods
            // (on-demand and provisioned apart), shared among the unit's functions by execution time.
            let run = g.tallies.reduce(0) { $0 + $1.runMs }
            var left = g.activeMs, leftProvisioned = g.provisionedActiveMs
            for f in 0..<m {
                let part = run > 0 ? g.tallies[f].runMs / run : 0
                let share = f == m - 1 ? left : Int64((Double(g.activeMs) * part).rounded(.down))
                let provisionedShare = f == m - 1 ? leftProvisioned : Int64((Double(g.provisionedActiveMs) * part).rounded(.down))
                g.tallies[f].execMs += share
                g.tallies[f].provisionedExecMs += provisionedShare
                left -= share
                leftProvisioned -= provisionedShare
            }
        }
        let groupGBs = g.pool.instanceSeconds * g.memoryMB / 1024
        sums.add(instanceSeconds: g.pool.instanceSeconds, memoryGBSeconds: groupGBs)
        total.peakInstances = max(total.peakInstances, g.pool.peakInstances)
        discarded += g.pool.discarded
        if g.overlap != nil { accountBounds[g.app.account] = AccountBounds.add(accountBounds[g.app.account] ?? 0, g.quotaBound) }
        for f in 0..<m {
            let function = g.app.functions[g.members[f]]
            var out = g.tallies[f].outcome
            out.rejected = out.throttled - out.delayed
            if g.tallies[f].busy {
                out.latencyMs = LatencySummary(g.tallies[f].histogram)
                histogram.merge(g.tallies[f].histogram)
            } else {
                out.latencyMs = exactLatency(&g.tallies[f].latencies)
                for v in g.tallies[f].latencies { histogram.record(v) }
            }
            if out.queued > 0 {
                out.waitMs = LatencySummary(g.tallies[f].waits)
                waits.merge(g.tallies[f].waits)
            }
            out.peakInstances = g.pool.peakInstances
            out.instanceSeconds = g.pool.instanceSeconds
            out.memoryGBSeconds = groupGBs
            var gbs = 0.0, storageGBs = 0.0
            var usedAlone: UsageSummary?
            if let shape = g.shape {
                var u = UsageSummary(days: target.days)
                u.invocations = Int64(out.served)
                u.coldStarts = Int64(out.coldStarts)
                if g.tallies[f].execMs > 0 { u.executionMs[shape] = g.tallies[f].execMs }
                if g.tallies[f].initMs > 0 { u.initMs[shape] = g.tallies[f].initMs }
                if g.tallies[f].provisionedExecMs > 0 { u.provisionedExecutionMs[shape] = g.tallies[f].provisionedExecMs }
                if f == 0, g.instanceMs > 0 { u.instanceMs[shape] = g.instanceMs }
                if f == 0, g.provisionedHeldMs > 0 { u.provisionedMs[shape] = g.provisionedHeldMs }
                // Ephemeral storage above the target's included amount, over the billed duration.
                if let mb = function.ephemeralStorageMB, let rule = target.recorder?.billing.ephemeralStorage {
                    let excess = Int(mb.rounded(.up)) - NSDecimalNumber(decimal: rule.included.canonical).intValue
                    let ms = g.tallies[f].execMs + g.tallies[f].initMs + g.tallies[f].provisionedExecMs
                    if excess > 0, ms > 0 {
                        u.storageMs[excess] = ms
                        storageGBs = Double(excess) * Double(ms) / 1_024_000
                    }
                }
                usage = usage + u
                accountUsage[g.app.account] = accountUsage[g.app.account].map { $0 + u } ?? u
                if g.keepUsage { usedAlone = u }
                let billedMs = g.tallies[f].execMs + g.tallies[f].initMs + g.tallies[f].provisionedExecMs + (f == 0 ? g.instanceMs + g.provisionedHeldMs : 0)
                gbs = Double(billedMs) * Double(shape.memoryMB) / 1_024_000
            }
            out.billedGBSeconds = gbs
            total.invocations += out.invocations
            total.coldStarts += out.coldStarts
            total.throttled += out.throttled
            total.rejected += out.rejected
            total.delayed += out.delayed
            total.timedOut += out.timedOut
            total.queued += out.queued
            sums.add(billedGBSeconds: gbs)
            shares.append((gbs, out.served, storageGBs))
            functions.append(FunctionOutcome(app: function.key.app, function: function.key.function, scalingUnit: g.unit,
                                             memoryMB: g.memoryMB, outcome: out, series: unitSeries, usage: usedAlone,
                                             account: g.app.account))
        }
    }

    /// Puts functions (and their shares) back in the workload's app order, after accounts
    /// replayed one by one were absorbed in account order.
    mutating func restoreAppOrder(_ workload: Workload) {
        var position: [String: Int] = [:]
        for (i, app) in workload.apps.enumerated() where position[app.key] == nil { position[app.key] = i }
        let order = functions.indices.sorted { a, b in
            (position[functions[a].app] ?? 0, a) < (position[functions[b].app] ?? 0, b)
        }
        functions = order.map { functions[$0] }
        shares = order.map { shares[$0] }
    }

    /// Puts what could not be priced back in app order (stable), after apps were absorbed out of
    /// order (`AccountBounds.replayApart`; `unpricedApps` are indices into one workload).
    mutating func restoreUnpricedOrder() {
        let order = unpriced.indices.sorted { (unpricedApps[$0], $0) < (unpricedApps[$1], $1) }
        unpriced = order.map { unpriced[$0] }
        unpricedApps = order.map { unpricedApps[$0] }
    }

    /// Turns the totals into the target's outcome: series, percentiles, the bill and its shares.
    mutating func finish(_ target: PreparedTarget, workload: Workload) throws -> TargetOutcome {
        try finish(target, spanMinutes: workload.spanMinutes)
    }

    /// `finish` of a merged run, which has no workload at hand (the totals hold its span).
    mutating func finish(_ target: PreparedTarget, spanMinutes _: Int) throws -> TargetOutcome {
        let (instances, memory) = minutes.series(spanMinutes: spanMinutes)
        sums.store(in: &total)
        // A target's peak: the busiest minute's mean of instances alive, rounded up (scaling
        // units peak at different moments, so their own peaks do not add up).
        total.peakInstances = Int((instances.max() ?? 0).rounded(.up))
        total.latencyMs = LatencySummary(histogram)
        if total.queued > 0 { total.waitMs = LatencySummary(waits) }
        var notes = target.model.notes
        if memoryRaised > 0 {
            notes.append("\(memoryRaised) scaling units' memory brought inside the target's configurable range")
        }
        if let rule = target.model.instanceMemory, !memoryBases.isEmpty { notes.append(rule.note(memoryBases)) }
        if fastUnits > 0 {
            let share = total.invocations > 0 ? Double(fastCalls) / Double(total.invocations) * 100 : 0
            // Several requests an instance: one instance a unit, though a second may start (`FastPlan.packed`).
            let packed = target.model.highestConcurrency > 1
                ? "; those on instances of several requests each run on one instance, where a second one had a chance of "
                    + "\(Numbers.fixed(FastPlan.secondInstanceAtMost * 100, 0)) % at most"
                : ""
            notes.append("\(fastUnits) busy scaling units (\(String(format: "%.1f", share)) % of invocations) replayed per minute, not per call (placer simulate --exact replays every call)" + packed)
        }
        if discarded > 0 {
            notes.append("\(discarded) asynchronous calls found their scaling unit at its limits (max instances, scale-out rate) with no instance free within \(Numbers.duration(seconds: target.model.heldMaxAgeSeconds, .exact)) (the platform's longest wait for an event) and were discarded unserved (counted in rejected)")
        }
        if !unpriced.isEmpty {
            notes.append("\(unpriced.count) scaling units could not be priced, e.g. \(unpriced[0])")
        }
        var bill: CostBreakdown?
        if target.target.profile.billing != nil {
            // One account: its total as it is; several: each priced on its own, in account order,
            // and each account's bill shared among its own functions.
            let profile = target.target.profile, pricing = target.target.pricing
            let priced: CostBreakdown
            if accountUsage.count > 1 {
                let accounts = accountUsage.sorted { $0.key < $1.key }
                let bills = try accounts.map { try BillingEngine.price($0.value, on: profile, options: pricing) }
                priced = try BillingEngine.summed(bills)
                var members = Dictionary(grouping: functions.indices) { functions[$0].account }
                for (account, own) in zip(accounts, bills) { shareOut(own, among: members.removeValue(forKey: account.key) ?? []) }
                // Functions of an account that used nothing billable (none of its units priced).
                for i in members.values.joined() { functions[i].outcome.monthlyCost = MonthlyCost() }
            } else {
                priced = try BillingEngine.price(usage, on: profile, options: pricing)
                shareOut(priced, among: Array(functions.indices))
            }
            bill = priced
            total.monthlyCost = MonthlyCost(priced)
        } else {
            notes.append("on-prem target: its cost is the cluster it needs (peak instances and memory), not a price per use")
        }
        let keepAlive: String
        switch target.model.keepAlive {
        case .fixed(let s): keepAlive = "fixed idle \(Numbers.duration(seconds: s, .exact))"
        case .forkPerRequest: keepAlive = "fork per request"
        case .alwaysOn: keepAlive = "always on"
        case .memoryPool(let mb): keepAlive = "memory pool \(Int(mb)) MB"
        case .hybridHistogram: keepAlive = "hybrid histogram"
        }
        var outcome = TargetOutcome(id: target.target.profile.id, scalingUnit: target.model.scalingUnit.rawValue, keepAlive: keepAlive,
                                    total: total, functions: functions, instancesPerMinute: instances, memoryMBPerMinute: memory,
                                    bill: bill, notes: notes, usage: bill == nil ? nil : usage,
                                    pricing: bill == nil ? nil : target.target.pricing,
                                    instanceMemory: memoryBases.isEmpty ? nil : target.model.instanceMemory.map { InstanceMemoryUse(rule: $0, bases: memoryBases) })
        outcome.perMinuteCalls = fastCalls
        outcome.perCallReasons = declinedCalls.map { PerCallReason(words: $0.key.words, calls: $0.value) }
            .sorted { ($0.calls, $1.words) > ($1.calls, $0.words) }
        return outcome
    }

    /// Shares one account's bill for the month among its functions (`members`, indices into
    /// `functions`): compute, init and provisioned by billed GB-s, requests by served requests;
    /// the free grants and discount in proportion to both.
    private mutating func shareOut(_ bill: CostBreakdown, among members: [Int]) {
        let totalGBs = members.reduce(0) { $0 + shares[$1].gbs }
        let totalRequests = members.reduce(0) { $0 + shares[$1].requests }
        let totalStorage = members.reduce(0) { $0 + shares[$1].storage }
        let gross = bill.compute + bill.requests + bill.initialization + bill.provisioned + bill.storage
        for i in members {
            var cost = MonthlyCost()
            let g = totalGBs > 0 ? Decimal(shares[i].gbs / totalGBs) : 0
            let r = totalRequests > 0 ? Decimal(shares[i].requests) / Decimal(totalRequests) : 0
            cost.compute = bill.compute * g
            cost.initialization = bill.initialization * g
            cost.provisioned = bill.provisioned * g
            cost.requests = bill.requests * r
            let storage = totalStorage > 0 ? bill.storage * Decimal(shares[i].storage / totalStorage) : 0
            let mine = cost.compute + cost.initialization + cost.provisioned + cost.requests + storage
            cost.total = gross > 0 ? bill.total * mine / gross : 0
            // An account the grants cover whole has nothing billed to weigh them by: its
            // functions share them by billed GB-s (by requests when none was billed).
            let part = gross > 0 ? mine / gross : totalGBs > 0 ? g : r
            cost.freeGrantCredit = bill.freeGrantCredit * part
            functions[i].outcome.monthlyCost = cost
        }
    }
}

/// One function's running tallies within its scaling unit's replay.
struct Tally {
    var outcome = Outcome()
    /// Latencies kept for exact percentiles, up to `exactLimit`; past that the tally is `busy`
    /// and `histogram` holds them all (until then it shares the empty template: no memory).
    var latencies: [Double] = []
    var busy = false
    var histogram = PercentileHistogram.latencies
    /// Billed execution and init time; provisioned execution (billed at the provisioned rate).
    var execMs: Int64 = 0, initMs: Int64 = 0, provisionedExecMs: Int64 = 0
    /// Execution time (unrounded), for sharing an instance's active time.
    var runMs = 0.0
    /// Waits of the calls queued on a fixed cluster, ms (shares the empty template until one waits).
    var waits = PercentileHistogram.latencies

    /// A call throttled and never served (counted in `rejected`).
    mutating func turnAway() {
        outcome.invocations += 1
        outcome.throttled += 1
    }

    @inline(__always) mutating func addLatency(_ latency: Double) {
        if busy {
            histogram.record(latency)
        } else if latencies.count == exactLimit {
            becomeBusy()
            histogram.record(latency)
        } else {
            latencies.append(latency)
        }
    }

    /// Moves the exact latencies into `histogram`, which holds every latency from now on.
    mutating func becomeBusy() {
        guard !busy else { return }
        for v in latencies { histogram.record(v) }
        latencies = []
        busy = true
    }

}

/// One scaling unit being replayed on one target: its instance pool and its running tallies.
struct GroupReplay {
    let members: [Int]
    let app: AppWorkload
    let unit: String
    let memoryMB: Double
    let shape: Shape?
    let target: PreparedTarget
    var pool: InstancePool
    let synchronous: [Bool]
    let perRequest: Bool
    let instanceBilling: Bool
    let initBilled: Bool
    /// Per member function.
    var tallies: [Tally]
    var instanceMs: Int64 = 0
    var activeMs: Int64 = 0
    /// Billed active periods of provisioned instances (several calls per instance), ms.
    var provisionedActiveMs: Int64 = 0
    /// The time provisioned instances were held (rounded to the provisioned billing unit).
    var provisionedHeldMs: Int64 = 0
    /// Per function: the timeout, ms (the lower of the target's and the deployment's).
    let timeoutMs: [Double]
    /// Opt-in outputs (`SimulationOptions.functionSeries`, `.functionUsage`).
    var series: SeriesCollector?
    var keepUsage = false
    /// Calls in flight per second, for the account quota's bound; nil when the target has none.
    var overlap: OverlapCounter?
    /// The unit's own bound of its calls in flight at any moment, when replayed per minute (the
    /// highest of its plan's per-minute bounds, `OverlapCounter.add(_:)`); nil when replayed per call.
    var perMinuteBound: Int?

    /// An upper bound of the unit's calls in flight at any moment. Per call: every call in flight
    /// holds one of `c` places on an instance alive at that moment (a call its unit's limits delay
    /// takes its place only when it starts), so never more than `c` × the most instances alive at
    /// once. Per minute: the plan's bound.
    var quotaBound: Int {
        if let perMinuteBound { return perMinuteBound }
        let (n, overflow) = Int(pool.c).multipliedReportingOverflow(by: pool.peakInstances)
        return overflow ? Int.max : n
    }

    init(members: [Int], app: AppWorkload, unit: String, memoryMB: Double, shape: Shape?, target: PreparedTarget, pool: InstancePool) {
        self.members = members
        self.app = app
        self.unit = unit
        self.memoryMB = memoryMB
        self.shape = shape
        self.target = target
        self.pool = pool
        synchronous = members.map { app.functions[$0].isSynchronous }
        let billing = target.recorder?.billing
        // Billed per execution: one call per instance (an active period is then one call), or a
        // provider that bills each execution whatever the instance does (Azure Consumption).
        perRequest = billing?.mode == .request && (pool.c == 1 || billing?.durationBasis == .execution)
        instanceBilling = billing?.mode == .instance
        initBilled = billing?.initBilled.billed ?? false
        tallies = [Tally](repeating: Tally(), count: members.count)
        timeoutMs = members.map { min(target.model.timeoutMs, app.functions[$0].timeoutMs ?? .infinity) }
    }

    /// Replays a slice of the unit's arrivals. A single function's tallies are taken out of the
    /// array for the loop (no per-call indexing); an app's merged calls index their function's.
    mutating func feed(_ calls: GroupCalls) {
        let n = calls.times.count
        let rules = CallRules(clock: target.clock, perRequest: perRequest, initBilled: initBilled)
        calls.times.withUnsafeBufferPointer { times in
            calls.durationsMs.withUnsafeBufferPointer { durations in
                if calls.function.isEmpty {
                    var tally = Tally()
                    swap(&tally, &tallies[0])
                    let timeout = timeoutMs[0], sync = synchronous[0]
                    for k in 0..<n {
                        Self.step(times[k], durations[k], timeout: timeout, synchronous: sync, rules: rules,
                                  pool: &pool, tally: &tally, series: &series, overlap: overlap)
                    }
                    swap(&tally, &tallies[0])
                } else {
                    for k in 0..<n {
                        let f = Int(calls.function[k])
                        Self.step(times[k], durations[k], timeout: timeoutMs[f], synchronous: synchronous[f], rules: rules,
                                  pool: &pool, tally: &tallies[f], series: &series, overlap: overlap)
                    }
                }
            }
        }
    }

    /// What one call's bill depends on, read once per slice.
    struct CallRules {
        let clock: BillingClock?
        let perRequest: Bool
        let initBilled: Bool
    }

    /// One arrival at `t` seconds running `duration` ms: through the pool, into the tallies. A call
    /// the coupled replay held for the account quota (`waitedMs` > 0) counts as throttled and
    /// delayed, its wait in its latency. Returns when the call starts on its instance (later than
    /// `t` when its unit's limits delayed it) and leaves it; nil when rejected.
    /// A call that waited on a fixed cluster (`queuedMs` > 0) counts as queued, its wait in its
    /// latency; one that found no room (`ArrivalKind.noRoom`) changes nothing and returns nil.
    @discardableResult @inline(__always)
    static func step(_ t: Double, _ duration: Double, waitedMs: Double = 0, queuedMs: Double = 0, timeout: Double, synchronous: Bool,
                     rules: CallRules, pool: inout InstancePool, tally: inout Tally, series: inout SeriesCollector?,
                     overlap: OverlapCounter?) -> (starts: Double, ends: Double)? {
        var d = duration
        let cut = d > timeout
        if cut { d = timeout }
        let r = pool.arrive(at: t, durationMs: d, synchronous: synchronous)
        if r.kind == .noRoom { return nil }
        if r.kind == .rejected {
            tally.turnAway()
            return nil
        }
        tally.outcome.invocations += 1
        if r.kind == .cold { tally.outcome.coldStarts += 1 }
        // Served late: its unit's limits delayed it, or the account quota held it (or both).
        if r.kind == .delayed || waitedMs > 0 {
            tally.outcome.throttled += 1
            tally.outcome.delayed += 1
        }
        if queuedMs > 0 {
            tally.outcome.queued += 1
            tally.waits.record(queuedMs)
        }
        let latency = r.latency + waitedMs + queuedMs
        tally.addLatency(latency)
        let leaves = r.ends
        // In flight from its start: a call waiting for its unit's limits holds no place.
        overlap?.add(start: r.starts, end: leaves)
        if cut { tally.outcome.timedOut += 1 }
        if series != nil { series!.addBusy(end: leaves, seconds: (d + r.initMs) / 1000) }
        tally.runMs += d
        // Billed by its instance's active periods instead (`drainLifetimes`), which hold a cold
        // start's init time too, or by the instance's lifetime: nothing per call.
        guard let clock = rules.clock, rules.perRequest else { return (r.starts, leaves) }
        let exec = clock.billedMs(d)
        if r.provisioned { tally.provisionedExecMs += exec; return (r.starts, leaves) }
        tally.execMs += exec
        if r.kind == .cold, rules.initBilled { tally.initMs += clock.billedMs(d + r.initMs) - exec }
        return (r.starts, leaves)
    }
}
