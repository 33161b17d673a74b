import Foundation
import Percentiles
import Pricing
import Traces

/// One target to replay the trace on: its profile (after overrides), its instance model and the
/// options its bill is priced with.
public struct SimulationTarget: Sendable {
    public var profile: Profile
    public var model: TargetModel
    public var pricing: PricingOptions

    public init(profile: Profile, model: TargetModel? = nil, pricing: PricingOptions = PricingOptions()) {
        self.profile = profile
        self.model = model ?? TargetModel(profile: profile)
        self.pricing = pricing
    }
}

/// Run-wide choices.
public struct SimulationOptions: Sendable {
    public var seed: UInt64
    public var arrivals: ArrivalMode
    /// Threads to use; results do not depend on it.
    public var workers: Int
    /// Slices of time a scaling unit's arrivals are produced and replayed in: memory stays
    /// bounded by one slice of the busiest function, however long the trace. Results do not
    /// depend on it.
    var sliceSeconds = 3600.0
    /// The coupled replay's slices (`CoupledReplay`): all functions' calls of a slice are sorted
    /// together, so a short slice keeps that sort in cache. Results do not depend on it.
    var coupledSliceSeconds = 60.0
    /// Busy scaling units are replayed per minute where that cannot change the answer
    /// (`FastPlan`); false replays every call.
    public var fastPath: Bool
    /// Calls that find their unit with nothing else in flight skip the completion heap
    /// (`InstancePool.arriveAlone`); false sends every call through the event replay (tests
    /// compare the two, `placer bench simulate` times the two). Results do not depend on it.
    public var soleCalls = true
    /// Targets (by id) whose functions carry their scaling unit's per-minute series
    /// (`FunctionOutcome.series`), for on-prem sizing. Off by default: it costs memory.
    public var functionSeries: Set<String> = []
    /// Which accounts are replayed apart from the start (`AccountBounds.replayApart`). Results do
    /// not depend on it.
    var apart = ApartRule.guess
    /// When true every function carries its billed usage (`FunctionOutcome.usage`).
    public var functionUsage = false
    /// A replay on a fixed cluster stops as soon as this rule says its size misses (nil: never);
    /// its outcome is then partial (`ClusterUse.stoppedEarly`).
    public var clusterStop: ClusterStop?

    public init(seed: UInt64 = 1, arrivals: ArrivalMode = .exponential, workers: Int = 1, fastPath: Bool = true) {
        self.seed = seed
        self.arrivals = arrivals
        self.workers = max(1, workers)
        self.fastPath = fastPath
    }
}

/// Replays a workload on every target: a pure function of workload, targets and seed.
///
/// Apps are independent (no target here shares instances across apps), so fixed-size chunks of
/// apps run in parallel and their partial results are merged in chunk order: the same inputs
/// give the same result whatever the number of workers.
public enum Simulator {
    /// Apps per chunk: fixed, so that floating-point sums never depend on the worker count.
    static let chunkApps = 8

    public static func run(_ workload: Workload, targets: [SimulationTarget], options: SimulationOptions = SimulationOptions()) throws -> SimulationResult {
        // Each app's account: bills are priced per account, quotas bind per account.
        let (workload, accountCount) = workload.numberedAccounts()
        let prepared = try targets.map { try PreparedTarget($0, workload: workload) }
        // Accounts likely to be in doubt are replayed apart (`AccountBounds`), the others together.
        let apart = options.apart.accounts(workload, prepared, accounts: accountCount)
        let isApart = Set(apart)
        let together = workload.apps.indices.filter { !isApart.contains(workload.apps[$0].account) }
        var (totals, overlaps) = accumulate(workload, prepared, apps: together, options: options)
        let apartCounts = prepared.map { $0.model.independentQuota == nil ? nil : OverlapCounter(spanMinutes: workload.spanMinutes) }
        let (known, left) = AccountBounds.replayApart(workload, prepared, apart: apart, totals: &totals, overall: apartCounts, options: options)
        let bounds = prepared.indices.map { t in
            overlaps[0][t] == nil ? nil : OverlapCounter.peak(overlaps.compactMap { $0[t] } + (apartCounts[t].map { [$0] } ?? []))
        }
        let quotas = AccountBounds.decide(workload, prepared, overall: bounds, coarse: totals.map(\.accountBounds), apart: known,
                                          accounts: accountCount, options: options)
        let coupled = Coupling.replay(workload, prepared, &totals, bounds: bounds, quotas: quotas, accounts: accountCount,
                                      leftOut: left, options: options)
        var outcomes: [TargetOutcome] = []
        for (t, target) in prepared.enumerated() {
            outcomes.append(try totals[t].finish(target, workload: workload))
            coupled.annotate(&outcomes[t], t)
            totals[t] = Accumulator(spanMinutes: 1, target: target)
        }
        return SimulationResult(seed: options.seed, arrivals: options.arrivals, spanMinutes: workload.spanMinutes,
                                days: workload.days, targets: outcomes, notes: workload.notes,
                                accounts: AccountSummary(mode: workload.accounts, count: accountCount))
    }

    /// Replays the apps `apps` (indices into the workload, in order) on every target that is not
    /// coupled: each target's totals, and per worker its account's bound of calls in flight
    /// (nil where the target has no account quota). Targets that replay alike (`ReplayTwins`) are
    /// replayed once and take the same totals.
    static func accumulate(_ workload: Workload, _ prepared: [PreparedTarget], apps: [Int],
                           options: SimulationOptions) -> (totals: [Accumulator], overlaps: [[OverlapCounter?]]) {
        let twins = ReplayTwins(prepared, options: options)
        guard twins.any else { return replayEach(workload, prepared, apps: apps, options: options) }
        let firsts = prepared.indices.filter { twins.first[$0] == $0 }
        let (totals, overlaps) = replayEach(workload, firsts.map { prepared[$0] }, apps: apps, options: options)
        let slot = Dictionary(uniqueKeysWithValues: firsts.enumerated().map { ($1, $0) })
        // A unit that could not be priced names its target in the note: such a twin is replayed itself.
        let own = prepared.indices.filter { twins.first[$0] != $0 && !totals[slot[twins.first[$0]]!].unpriced.isEmpty }
        let (ownTotals, ownOverlaps) = own.isEmpty ? ([], []) : replayEach(workload, own.map { prepared[$0] }, apps: apps, options: options)
        let ownSlot = Dictionary(uniqueKeysWithValues: own.enumerated().map { ($1, $0) })
        let merged = prepared.indices.map { t in ownSlot[t].map { ownTotals[$0] } ?? totals[slot[twins.first[t]]!] }
        let mergedOverlaps = overlaps.indices.map { w in
            prepared.indices.map { t in ownSlot[t].map { w < ownOverlaps.count ? ownOverlaps[w][$0] : nil } ?? overlaps[w][slot[twins.first[t]]!] }
        }
        return (merged, mergedOverlaps)
    }

    /// `accumulate`, every target replayed.
    private static func replayEach(_ workload: Workload, _ prepared: [PreparedTarget], apps: [Int],
                                   options: SimulationOptions) -> (totals: [Accumulator], overlaps: [[OverlapCounter?]]) {
        let chunkCount = (apps.count + chunkApps - 1) / chunkApps
        let merger = Merger(targets: prepared, spanMinutes: workload.spanMinutes)
        // A work item is a chunk of apps replayed on every target, so that each function's arrivals
        // are expanded once, not once per target. Chunks are taken in order (the merger holds a
        // chunk that finished early until those before it are in, so memory stays bounded).
        // A pre-warmed pool couples a target's functions: such targets are replayed below, not here
        // (the merger keeps their empty totals, which the coupled replay replaces).
        // A fixed cluster couples them too (`ClusterReplay`).
        let independentIndices = prepared.indices.filter { prepared[$0].model.prewarmedPool == nil && prepared[$0].model.cluster == nil }
        let independent = independentIndices.map { prepared[$0] }
        let workers = min(options.workers, max(1, chunkCount))
        // Per worker and target with an account quota: the bound of the account's calls in flight.
        let overlaps = (0..<workers).map { _ in
            prepared.map { $0.model.independentQuota == nil ? nil : OverlapCounter(spanMinutes: workload.spanMinutes) }
        }
        let latencies = (0..<workers).map { _ in WorkerSums(targets: prepared.count, spanMinutes: workload.spanMinutes) }
        let next = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let chunk = next.take()
                guard chunk < chunkCount else { break }
                var partial = independentIndices.map { t in
                    var acc = Accumulator(spanMinutes: workload.spanMinutes, target: prepared[t], minutes: false)
                    acc.overlap = overlaps[worker][t]
                    swap(&acc.histogram, &latencies[worker].histograms[t])
                    acc.swapMinutes(&latencies[worker].minutes[t])
                    return acc
                }
                let range = (chunk * chunkApps)..<min(apps.count, (chunk + 1) * chunkApps)
                for a in apps[range] {
                    for i in partial.indices { partial[i].currentApp = a }
                    simulateApp(workload.apps[a], workload: workload, targets: independent, options: options, into: &partial)
                }
                for (i, t) in independentIndices.enumerated() {
                    swap(&partial[i].histogram, &latencies[worker].histograms[t])
                    partial[i].swapMinutes(&latencies[worker].minutes[t])
                    merger.add(chunk: chunk, target: t, partial[i])
                }
            }
        }
        var totals = merger.finish()
        for t in prepared.indices {
            for worker in latencies {
                totals[t].histogram.merge(worker.histograms[t])
                totals[t].minutes.add(worker.minutes[t])
            }
        }
        return (totals, overlaps)
    }

    /// Expands an app's calls once per slice and replays them on every target, grouped as each
    /// target scales.
    static func simulateApp(_ app: AppWorkload, workload: Workload, targets: [PreparedTarget], options: SimulationOptions,
                            into acc: inout [Accumulator]) {
        var expanders = app.functions.map { ArrivalExpansion.Expander($0, seed: options.seed, mode: options.arrivals) }
        var lists = [CallList](repeating: CallList(), count: app.functions.count)
        // Per target: one replay for the app, or one per function.
        var groups: [[GroupReplay]] = []
        for (t, target) in targets.enumerated() { groups.append(acc[t].beginUnits(app, target: target, options: options)) }
        // Busy functions replayed per minute need no arrivals; the others are expanded.
        var expand = [Bool](repeating: !options.fastPath, count: app.functions.count)
        var perMinute = groups.map { [Bool](repeating: false, count: $0.count) }
        var crossings = [[Int: FastPlan.Crossings]](repeating: [:], count: app.functions.count)
        // Each function's calls, counted once when a target first declines a unit of the app.
        var callCounts: [Int] = []
        func calls(_ f: Int) -> Int {
            if callCounts.isEmpty { callCounts = app.functions.map(\.calls.count) }
            return callCounts[f]
        }
        for t in targets.indices {
            if groups[t].count == 1, app.functions.count > 1 {
                // An app scaling as one unit: planned per minute as a whole, or every function expanded.
                let g = groups[t][0]
                guard options.fastPath, g.series == nil else { expand = expand.map { _ in true }; continue }
                switch AppPlan.make(app, model: targets[t].model, concurrency: Int(g.pool.c), provisioned: Int(g.pool.reserved),
                                    timeoutMs: g.timeoutMs, mode: options.arrivals, clock: targets[t].clock,
                                    instanceBilling: g.instanceBilling, spanMinutes: workload.spanMinutes) {
                case .success(let plan):
                    acc[t].replay(plan, &groups[t][0])
                    perMinute[t][0] = true
                case .failure(let reason):
                    acc[t].declinedCalls[reason, default: 0] += app.functions.indices.reduce(0) { $0 + calls($1) }
                    expand = expand.map { _ in true }
                }
                continue
            }
            for f in groups[t].indices {
                let g = groups[t][f]
                // A unit whose series sizes a cluster replays every call: the fast path's series are
                // expectations, whose peak sits under a replay's.
                guard options.fastPath, g.series == nil else { expand[f] = true; continue }
                switch FastPlan.make(app.functions[f], model: targets[t].model, concurrency: Int(g.pool.c), provisioned: Int(g.pool.reserved),
                                     timeoutMs: g.timeoutMs[0], mode: options.arrivals, clock: targets[t].clock,
                                     instanceBilling: g.instanceBilling,
                                     spanMinutes: workload.spanMinutes, crossings: &crossings[f]) {
                case .success(let plan):
                    acc[t].replay(plan, &groups[t][f])
                    perMinute[t][f] = true
                case .failure(let reason):
                    acc[t].declinedCalls[reason, default: 0] += calls(f)
                    expand[f] = true
                }
            }
        }
        var merged = GroupCalls(), single = GroupCalls()
        var bound = 0.0
        let end = max(Double(workload.spanMinutes) * 60, (app.functions.compactMap { f -> Double? in
            if case .exact(let starts, _) = f.calls { return starts.last } else { return nil }
        }.max() ?? 0) + 1)
        while bound < end {
            bound += options.sliceSeconds
            var any = false
            for f in lists.indices where expand[f] {
                lists[f].removeAll()
                expanders[f].next(before: bound, into: &lists[f])
                any = any || !lists[f].times.isEmpty
            }
            guard any else { continue }
            var mergedReady = false
            for t in targets.indices {
                if groups[t].count == 1, app.functions.count > 1 {
                    guard !perMinute[t][0] else { continue }
                    if !mergedReady { merge(lists, into: &merged); mergedReady = true }
                    acc[t].feed(merged, &groups[t][0])
                } else {
                    for f in lists.indices where !lists[f].times.isEmpty && !perMinute[t][f] {
                        // Lent to the replay and given back: no copy of the slice.
                        swap(&single.times, &lists[f].times)
                        swap(&single.durationsMs, &lists[f].durationsMs)
                        acc[t].feed(single, &groups[t][f])
                        swap(&single.times, &lists[f].times)
                        swap(&single.durationsMs, &lists[f].durationsMs)
                    }
                }
            }
        }
        for t in targets.indices {
            for g in groups[t].indices { acc[t].end(&groups[t][g]) }
        }
    }

    /// Merges functions' invocations into one time-ordered list (ties: lower function first).
    static func merge(_ lists: [CallList], into calls: inout GroupCalls) {
        var order: [(Double, Int32, Int32)] = []
        order.reserveCapacity(lists.reduce(0) { $0 + $1.times.count })
        for (f, list) in lists.enumerated() {
            for (k, t) in list.times.enumerated() { order.append((t, Int32(f), Int32(k))) }
        }
        order.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        calls.times = order.map(\.0)
        calls.function = order.map(\.1)
        calls.durationsMs = order.map { lists[Int($0.1)].durationsMs[Int($0.2)] }
    }
}

/// A target with what is derived from its profile once: billing rounding, memory bounds.
struct PreparedTarget: Sendable {
    let target: SimulationTarget
    var model: TargetModel { target.model }
    let recorder: UsageRecorder?
    let clock: BillingClock?
    /// Keys the random numbers of its units' cold starts: its own id's hash, or that of the target
    /// its profile draws as (`coldStart.drawsAs`).
    let streamHash: UInt64
    /// What its replay reads (`ReplaySignature`): targets with equal ones are replayed once.
    let replay: ReplaySignature
    let memoryBounds: (min: Double, max: Double)?
    let days: Decimal
    /// The provisioned billing unit, ms (Lambda: 5 minutes); nil when the target prices none.
    let provisionedUnitMs: Int64?

    init(_ target: SimulationTarget, workload: Workload) throws {
        try self.init(target, spanMinutes: workload.spanMinutes,
                      provisionedAsked: target.model.provisioned > 0 || workload.apps.contains { $0.functions.contains { ($0.provisioned ?? 0) > 0 } })
    }

    /// `provisionedAsked`: some function asks for provisioned instances (refused on a target that
    /// prices none).
    init(_ target: SimulationTarget, spanMinutes: Int, provisionedAsked asked: Bool) throws {
        self.target = target
        days = Decimal(spanMinutes) / 1440
        if target.profile.billing != nil {
            let recorder = try UsageRecorder(profile: target.profile, days: days)
            self.recorder = recorder
            clock = BillingClock(recorder.billing)
            let rule = recorder.billing.memory
            memoryBounds = rule.basis == .configured
                ? (NSDecimalNumber(decimal: rule.min.canonical).doubleValue, NSDecimalNumber(decimal: rule.max.canonical).doubleValue) : nil
            if let p = recorder.billing.provisioned {
                provisionedUnitMs = max(1, NSDecimalNumber(decimal: p.rounding?.canonical ?? 1).int64Value)
            } else {
                provisionedUnitMs = nil
                // Provisioned instances asked for on a target that prices none: say so rather than give them free.
                if asked { throw PricingError.noProvisionedPricing(target: target.profile.id) }
            }
        } else {
            recorder = nil
            clock = nil
            memoryBounds = nil
            provisionedUnitMs = nil
        }
        let stream = target.profile.coldStart?.drawsAs ?? target.profile.id
        streamHash = ArrivalExpansion.stableHash(FunctionKey(app: stream, function: stream))
        replay = ReplaySignature(target, stream: streamHash, clock: clock, memoryBounds: memoryBounds,
                                 provisionedUnitMs: provisionedUnitMs, billing: recorder?.billing)
    }
}

/// The provider's per-invocation rounding (`UsageRecorder.billedMs`) without Decimal arithmetic
/// per call: the unit and minimum are read once. `SimulationTests` checks the two agree.
struct BillingClock: Sendable, Equatable {
    let unitMicros: Int64
    let minimumMicros: Int64

    init(_ billing: Billing) {
        unitMicros = max(1, NSDecimalNumber(decimal: billing.durationRounding.canonical * 1000).int64Value)
        minimumMicros = NSDecimalNumber(decimal: billing.minimumBilledDuration.canonical * 1000).int64Value
    }

    @inline(__always) func billedMs(_ durationMs: Double) -> Int64 {
        let micros = Int64((max(0, durationMs) * 1000).rounded())
        let rounded = (micros + unitMicros - 1) / unitMicros * unitMicros
        return (max(rounded, minimumMicros) + 999) / 1000
    }
}

/// One worker's latencies and per-minute sums per target, from every chunk it replayed: a chunk's
/// accumulators take them in and hand them back, so the 256 KB of counters and the arrays the
/// length of the trace are made and merged once per worker, not once per chunk of 8 apps.
/// Histograms and the sums add integers, so which worker held a figure never changes the total.
/// Touched by its own worker only until all have finished.
final class WorkerSums: @unchecked Sendable {
    var histograms: [PercentileHistogram]
    /// Per target, the instance and memory seconds per minute of every chunk the worker replayed:
    /// lent to each chunk's accumulator, so that a chunk waiting for the ones before it to be
    /// merged (`Merger`) holds no arrays the length of the trace, and no chunk allocates them.
    var minutes: [MinuteSums]

    init(targets: Int, spanMinutes: Int) {
        histograms = [PercentileHistogram](repeating: .latencies, count: targets)
        minutes = [MinuteSums](repeating: MinuteSums(spanMinutes: spanMinutes), count: targets)
    }
}

/// A thread-safe counter handing out chunk numbers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// Merges chunks' partial results in chunk order as they arrive.
final class Merger: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [[Int: Accumulator]]
    private var next: [Int]
    private var total: [Accumulator]

    init(targets: [PreparedTarget], spanMinutes: Int) {
        total = targets.map { Accumulator(spanMinutes: spanMinutes, target: $0) }
        pending = [[Int: Accumulator]](repeating: [:], count: targets.count)
        next = [Int](repeating: 0, count: targets.count)
    }

    func add(chunk: Int, target t: Int, _ partial: Accumulator) {
        lock.lock(); defer { lock.unlock() }
        pending[t][chunk] = partial
        while let ready = pending[t].removeValue(forKey: next[t]) {
            total[t].absorb(ready)
            next[t] += 1
        }
    }

    func finish() -> [Accumulator] {
        lock.lock(); defer { lock.unlock() }
        return total
    }
}
