import Foundation
import Pricing
import Traces

/// What one shard of a run replayed (`placer simulate --shard K/N`): per target, the running
/// totals of its apps before anything is derived from them (counts, exact sums, per-minute
/// series, latency histograms, billed usage, function lines, the account's bound of calls in
/// flight), so that `Simulator.merge` of all N parts gives the whole run's result: bills are
/// priced once, from the merged usage, percentiles read from the merged histograms.
public struct PartialRun: Sendable {
    public var shard: Shard
    public var seed: UInt64
    public var arrivals: ArrivalMode
    public var spanMinutes: Int
    /// Apps in the whole workload (every shard reads it all).
    public var appCount: Int
    /// The workload's notes (the same in every shard).
    public var notes: [String]
    /// How apps were grouped into accounts (numbered over the whole workload, alike in every shard).
    public var accounts: AccountSummary
    /// The workload indices of the apps this shard replayed, ascending, and each one's function
    /// count (each function has one line per target).
    var apps: [Int]
    var lines: [Int]
    var targets: [PartialTarget]

    /// The target ids, in the run's order.
    public var targetIDs: [String] { targets.map(\.id) }
    /// Apps this shard replayed.
    public var appsReplayed: Int { apps.count }
}

/// One target's totals in a shard.
struct PartialTarget: @unchecked Sendable {
    var id: String
    var acc: Accumulator
    /// Per second, the change of the bound of the account's calls in flight (nil without a quota).
    var changes: [Int64]?
}

extension Simulator {
    /// Replays the apps of `shard` on every target and keeps what the merge needs. Refuses
    /// targets that couple all their functions (a pre-warmed pool, a fixed cluster) and the
    /// per-function outputs that placement asks for.
    public static func runShard(_ workload: Workload, targets: [SimulationTarget], options: SimulationOptions,
                                shard: Shard) throws -> PartialRun {
        for target in targets {
            if target.model.prewarmedPool != nil { throw ShardError.coupled(target: target.profile.id, why: "its pre-warmed pool") }
            if target.model.cluster != nil { throw ShardError.coupled(target: target.profile.id, why: "its fixed cluster") }
        }
        guard options.functionSeries.isEmpty, !options.functionUsage else {
            throw ShardError.mismatch("a sharded run keeps no per-function series or usage (placement needs the whole run)")
        }
        let (workload, accountCount) = workload.numberedAccounts()
        let prepared = try targets.map { try PreparedTarget($0, workload: workload) }
        let apps = workload.apps.indices.filter { shard.holds(app: workload.apps[$0].key) }
        let (totals, overlaps) = accumulate(workload, prepared, apps: apps, options: options)
        let parts = prepared.indices.map { t in
            PartialTarget(id: prepared[t].target.profile.id, acc: totals[t],
                          changes: overlaps[0][t] == nil ? nil : OverlapCounter.sum(overlaps.compactMap { $0[t] }))
        }
        return PartialRun(shard: shard, seed: options.seed, arrivals: options.arrivals, spanMinutes: workload.spanMinutes,
                          appCount: workload.apps.count, notes: workload.notes,
                          accounts: AccountSummary(mode: workload.accounts, count: accountCount), apps: apps,
                          lines: apps.map { workload.apps[$0].functions.count }, targets: parts)
    }

    /// The whole run's result from all N parts of it (any order), for `targets` as the shards
    /// were given them: exactly what `run` gives (the same JSON bytes), or an error when the parts
    /// do not make up one run, or when a target's account quota may bind across shards.
    public static func merge(_ parts: [PartialRun], targets: [SimulationTarget]) throws -> SimulationResult {
        guard let first = parts.first else { throw ShardError.mismatch("no partial results to merge") }
        let n = first.shard.count
        var seen = [Int](repeating: 0, count: n + 1)
        for part in parts {
            guard part.shard.count == n else {
                throw ShardError.mismatch("the partials come from runs split in different ways (\(first.shard) and \(part.shard))")
            }
            seen[part.shard.index] += 1
        }
        if let twice = seen.indices.first(where: { seen[$0] > 1 }) { throw ShardError.mismatch("shard \(twice)/\(n) is given twice") }
        let missing = (1...n).filter { seen[$0] == 0 }
        guard missing.isEmpty else {
            throw ShardError.mismatch("shard\(missing.count > 1 ? "s" : "") \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) missing: give all \(n) partials")
        }
        for part in parts {
            guard part.seed == first.seed, part.arrivals == first.arrivals, part.spanMinutes == first.spanMinutes,
                  part.appCount == first.appCount, part.notes == first.notes, part.targetIDs == first.targetIDs,
                  part.accounts == first.accounts else {
                throw ShardError.mismatch("shards \(first.shard) and \(part.shard) replayed different inputs")
            }
        }
        guard targets.map(\.profile.id) == first.targetIDs else {
            throw ShardError.mismatch("the partials replayed \(first.targetIDs.joined(separator: ", ")), not \(targets.map(\.profile.id).joined(separator: ", "))")
        }
        // Apps in workload order, each from the part that replayed it.
        var blocks: [(app: Int, part: Int, start: Int, count: Int)] = []
        for (p, part) in parts.enumerated() {
            var start = 0
            for (i, app) in part.apps.enumerated() {
                blocks.append((app, p, start, part.lines[i]))
                start += part.lines[i]
            }
        }
        blocks.sort { $0.app < $1.app }
        for i in blocks.indices.dropFirst() where blocks[i].app == blocks[i - 1].app {
            throw ShardError.mismatch("app \(blocks[i].app) was replayed by two shards")
        }
        guard blocks.count == first.appCount, blocks.allSatisfy({ $0.app >= 0 && $0.app < first.appCount }) else {
            throw ShardError.mismatch("the shards replayed \(blocks.count) of the trace's \(first.appCount) apps")
        }

        let days = Double(first.spanMinutes) / 1440
        var outcomes: [TargetOutcome] = []
        var bounds: [Int?] = []
        var quotas: [QuotaBounds?] = []
        var prepared: [PreparedTarget] = []
        for (t, target) in targets.enumerated() {
            let ready = try PreparedTarget(target, spanMinutes: first.spanMinutes, provisionedAsked: false)
            prepared.append(ready)
            var total = Accumulator(spanMinutes: first.spanMinutes, target: ready)
            var unpriced: [(app: Int, text: String)] = []
            for part in parts {
                var numbers = part.targets[t].acc
                guard numbers.functions.count == part.lines.reduce(0, +), numbers.shares.count == numbers.functions.count,
                      numbers.minutes.count == first.spanMinutes + 2 else {
                    throw ShardError.mismatch("shard \(part.shard): \(target.profile.id)'s totals do not match its apps")
                }
                unpriced += zip(numbers.unpricedApps, numbers.unpriced).map { ($0, $1) }
                numbers.functions = []; numbers.shares = []; numbers.unpriced = []; numbers.unpricedApps = []
                total.absorb(numbers)
            }
            for block in blocks {
                let acc = parts[block.part].targets[t].acc
                total.functions += acc.functions[block.start..<(block.start + block.count)]
                total.shares += acc.shares[block.start..<(block.start + block.count)]
            }
            // Stable: an app's own entries keep their order.
            let ordered = unpriced.enumerated().sorted { ($0.element.app, $0.offset) < ($1.element.app, $1.offset) }
            total.unpriced = ordered.map(\.element.text)
            total.unpricedApps = ordered.map(\.element.app)
            var bound: Int?
            if let quota = ready.model.accountConcurrency {
                var changes = [Int64](repeating: 0, count: first.spanMinutes * 60 + 2)
                for part in parts {
                    guard let own = part.targets[t].changes, own.count == changes.count else {
                        throw ShardError.mismatch("shard \(part.shard): \(target.profile.id) carries no bound of its calls in flight")
                    }
                    for i in changes.indices { changes[i] += own[i] }
                }
                let peak = OverlapCounter.peak(changes: changes)
                // Each account's coarse bound is its units' bounds summed over every shard
                // (`AccountBounds`): the merge can rule an account out, but not check one in
                // doubt per second (its calls are spread over shards), as an unsharded run does.
                let q = QuotaBounds(quota: quota, overall: peak, accounts: first.accounts.count, coarse: total.accountBounds)
                let doubt = q.inDoubt
                if !doubt.isEmpty {
                    throw ShardError.quotaMayBind(target: target.profile.id, bound: doubt.compactMap { q.perAccount[$0] }.max() ?? peak, quota: quota)
                }
                quotas.append(q)
                bound = peak
            } else {
                quotas.append(nil)
            }
            bounds.append(bound)
            outcomes.append(try total.finish(ready, spanMinutes: first.spanMinutes))
        }
        var coupling = Coupling(reports: prepared.map { _ in nil }, peakBound: bounds, models: prepared.map(\.model))
        coupling.accounts = first.accounts.count
        coupling.quotas = quotas
        for t in outcomes.indices { coupling.annotate(&outcomes[t], t) }
        return SimulationResult(seed: first.seed, arrivals: first.arrivals, spanMinutes: first.spanMinutes, days: days,
                                targets: outcomes, notes: first.notes, accounts: first.accounts)
    }
}
