import Foundation

/// Which accounts' quota may bind on a target (`TargetModel.accountConcurrency`): each account has
/// its own quota, so only an account whose own calls in flight may pass it needs its calls in one
/// time order (`CoupledReplay`); every other account keeps its independent replay, per-minute fast
/// path included, which is then exact (the quota cannot have bound it).
///
/// Two upper bounds per account, both integers (so worker count and shards change nothing):
/// - coarse, from the independent replay itself (`Accumulator.accountBounds`): the sum over the
///   account's scaling units of each unit's own bound (`GroupReplay.quotaBound`). The account's
///   calls in flight at a moment are its units' calls in flight then, each at most its unit's own
///   highest, so the sum of the highest bounds them all. A few integers per account.
/// - per second, only for the accounts the coarse bound leaves in doubt: the account's units
///   replayed again on their own with one `OverlapCounter` (its calls in flight at some moment of
///   each second), so memory holds one per-second counter per worker, not one per account.
/// An account binds when both exceed the quota; the tighter one is what the notes report.
///
/// Accounts likely to be in doubt (`apartCandidates`) are replayed apart from the start
/// (`replayApart`), each on its own with its per-second counter, instead of with the others and
/// then again: the outcomes of those that cannot bind are added to the others' totals (integer
/// sums, so in any order), and those that bind leave the others' totals as the coupled replay
/// needs them, with nothing to build again. Which accounts go apart changes the time only: an
/// account in doubt that was not (the guess missed it) is checked and replayed as before.
struct QuotaBounds: Equatable {
    /// The quota, calls in flight per account.
    var quota: Int
    /// The bound of all accounts together (`OverlapCounter`, per second).
    var overall: Int
    /// Accounts in the trace.
    var accounts: Int
    /// Per account with calls: the tightest upper bound known of its calls in flight.
    var perAccount: [Int: Int]
    /// Accounts whose bound exceeds the quota, ascending: replayed coupled, each on its own.
    var binding: [Int]

    /// The highest bound among the accounts replayed coupled, and among the others (nil: none).
    var highestBinding: Int? { binding.compactMap { perAccount[$0] }.max() }
    var highestFree: Int? {
        let coupled = Set(binding)
        return perAccount.filter { !coupled.contains($0.key) }.values.max()
    }
    /// Whether every account binds (then the whole target is replayed coupled, account by account).
    var allBind: Bool { binding.count == accounts }

    /// The bounds the independent replay gives (`coarse`: `Accumulator.accountBounds`), none
    /// binding yet: the bound of all accounts together is also each account's, and the tighter
    /// of the two is kept.
    init(quota: Int, overall: Int, accounts: Int, coarse: [Int: Int]) {
        self.quota = quota
        self.overall = overall
        self.accounts = accounts
        perAccount = coarse.mapValues { min($0, overall) }
        if accounts == 1 { perAccount[0] = min(perAccount[0] ?? overall, overall) }
        binding = []
    }

    /// Accounts whose quota these bounds cannot rule out, ascending: none while all accounts
    /// together stay within the quota.
    var inDoubt: [Int] { overall > quota ? perAccount.filter { $0.value > quota }.keys.sorted() : [] }
}

enum AccountBounds {
    /// `a + b`, held at `Int.max` rather than wrapping (a bound only has to stay an upper bound).
    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    /// Per target with an account quota (nil for the others, and for targets coupled whole: a
    /// pre-warmed pool, a fixed cluster): which accounts bind. `overall` is each target's bound of
    /// all accounts together, `coarse` each target's `Accumulator.accountBounds` from the
    /// independent replay of the whole workload (`numberedAccounts` applied).
    /// `apart` holds, per target, the bounds of the accounts replayed apart (`replayApart`):
    /// their per-second bound is known, so they are not replayed again.
    static func decide(_ workload: Workload, _ prepared: [PreparedTarget], overall: [Int?], coarse: [[Int: Int]],
                       apart: [[Int: ApartBounds]] = [], accounts: Int, options: SimulationOptions) -> [QuotaBounds?] {
        var out: [QuotaBounds?] = prepared.map { _ in nil }
        // Accounts each target leaves in doubt (coarse bound above the quota), to check per second.
        var doubt: [Int: [Int]] = [:]
        for (t, target) in prepared.enumerated() {
            guard let quota = target.model.independentQuota, let overall = overall[t] else { continue }
            let known = t < apart.count ? apart[t] : [:]
            var bounds = QuotaBounds(quota: quota, overall: overall, accounts: accounts,
                                     coarse: coarse[t].merging(known.mapValues(\.coarse)) { $1 })
            for a in bounds.inDoubt {
                if let exact = known[a]?.exact {
                    bounds.perAccount[a] = min(bounds.perAccount[a] ?? .max, exact)
                    if exact > quota { bounds.binding.append(a) }
                } else if accounts == 1 {
                    // One account: its per-second bound is the bound of all, already taken.
                    bounds.binding.append(a)
                } else {
                    doubt[a, default: []].append(t)
                }
            }
            out[t] = bounds
        }
        guard !doubt.isEmpty else { return out }
        // One account at a time (its replay uses every worker), so one per-second counter per
        // worker and target is held at once, however many accounts are in doubt.
        let parts = workload.splitByAccount(count: accounts)
        for a in doubt.keys.sorted() {
            let targets = doubt[a] ?? []
            let part = parts[a]
            let (_, overlaps) = Simulator.accumulate(part, targets.map { prepared[$0] }, apps: Array(part.apps.indices), options: options)
            for (k, t) in targets.enumerated() {
                let exact = OverlapCounter.peak(overlaps.compactMap { $0[k] })
                guard var bounds = out[t] else { continue }
                bounds.perAccount[a] = min(bounds.perAccount[a] ?? .max, exact)
                if exact > bounds.quota { bounds.binding.append(a) }
                out[t] = bounds
            }
        }
        for t in out.indices { out[t]?.binding.sort() }
        return out
    }

    /// The share of the smallest account quota a guess of an account's calls in flight must pass
    /// for the account to be replayed apart (`apartCandidates`). A tuning choice, not a figure
    /// from outside: lower sends more accounts apart (each replayed with less parallelism), higher
    /// misses more accounts in doubt (each replayed twice, and the others' totals built again).
    /// On the 50,000-function Azure-shaped day, 0.3 sent 63 of 7,625 accounts apart and missed
    /// none of the 19 in doubt (docs/performance.md).
    static let apartShare = 0.3

    /// The accounts to replay apart on these targets, ascending: none unless some target has an
    /// account quota (and no pool or cluster, which couple the whole trace) and there are several
    /// accounts. An account goes apart when the sum over its functions of their busiest minute's
    /// calls × their mean duration (Little's law at the busiest minute: calls in flight then, on
    /// average) passes `apartShare` of the smallest such quota. A guess: results do not depend on it.
    static func apartCandidates(_ workload: Workload, _ prepared: [PreparedTarget], accounts: Int) -> [Int] {
        guard accounts > 1, let quota = prepared.compactMap(\.model.independentQuota).min() else { return [] }
        var inFlight = [Double](repeating: 0, count: accounts)
        for app in workload.apps {
            for f in app.functions {
                inFlight[app.account] += Double(busiestMinute(f.calls)) * f.calls.meanDurationMs / 60_000
            }
        }
        return inFlight.indices.filter { inFlight[$0] > apartShare * Double(quota) }
    }

    /// The most calls any minute of `calls` holds.
    static func busiestMinute(_ calls: Calls) -> Int {
        switch calls {
        case .binned(_, let counts, _):
            return Int(counts.max() ?? 0)
        case .exact(let starts, _):
            var best = 0, run = 0, minute = Int.min
            for s in starts {
                let m = Int((s / 60).rounded(.down))
                if m == minute { run += 1 } else { minute = m; run = 1 }
                best = max(best, run)
            }
            return best
        }
    }

    /// Replays each account of `apart` on its own (every target, one account per worker at a
    /// time) and adds to `totals` its outcomes on each target it cannot bind (its own bound of
    /// calls in flight, coarse or per second, within the quota), the same sums the account would
    /// have added replayed with the others; an account that binds adds nothing there (the coupled
    /// replay will). Adds every account's per-second counts to `overall` (per target with a
    /// quota), and returns per target the accounts' bounds, for `decide`, and which accounts were
    /// left out of the totals. Functions are put back in app order afterwards.
    static func replayApart(_ workload: Workload, _ prepared: [PreparedTarget], apart: [Int], totals: inout [Accumulator],
                            overall: [OverlapCounter?], options: SimulationOptions) -> (bounds: [[Int: ApartBounds]], left: [Set<Int>]) {
        let bounds = prepared.map { _ in [Int: ApartBounds]() }
        let left = prepared.map { _ in Set<Int>() }
        guard !apart.isEmpty else { return (bounds, left) }
        var grouped: [Int: [Int]] = [:]
        for (i, app) in workload.apps.enumerated() { grouped[app.account, default: []].append(i) }
        let appsOf = grouped
        let shared = ApartSums(totals: totals, bounds: bounds, left: left)
        let next = Counter()
        var single = options
        single.workers = 1
        let one = single
        DispatchQueue.concurrentPerform(iterations: min(options.workers, apart.count)) { _ in
            while true {
                let k = next.take()
                guard k < apart.count else { break }
                let a = apart[k]
                let (own, counters) = Simulator.accumulate(workload, prepared, apps: appsOf[a] ?? [], options: one)
                shared.add(account: a, own, counters, prepared, overall: overall)
            }
        }
        totals = shared.totals
        for t in totals.indices {
            totals[t].restoreAppOrder(workload)
            totals[t].restoreUnpricedOrder()
        }
        return (shared.bounds, shared.left)
    }
}

/// An account's two bounds of its calls in flight on a target, from its replay apart.
struct ApartBounds: Equatable {
    var coarse: Int
    var exact: Int
}

/// What `AccountBounds.replayApart` gathers from its workers, one account at a time.
private final class ApartSums: @unchecked Sendable {
    private let lock = NSLock()
    var totals: [Accumulator]
    var bounds: [[Int: ApartBounds]]
    var left: [Set<Int>]

    init(totals: [Accumulator], bounds: [[Int: ApartBounds]], left: [Set<Int>]) {
        self.totals = totals
        self.bounds = bounds
        self.left = left
    }

    /// Account `a`'s outcomes `own` and per-worker counters: its bounds, and its outcomes added
    /// to the totals of each target it cannot bind.
    func add(account a: Int, _ own: [Accumulator], _ counters: [[OverlapCounter?]], _ prepared: [PreparedTarget], overall: [OverlapCounter?]) {
        lock.lock()
        defer { lock.unlock() }
        for t in prepared.indices {
            guard let sum = overall[t], let quota = prepared[t].model.accountConcurrency else {
                totals[t].absorb(own[t])
                continue
            }
            let mine = counters.compactMap { $0[t] }
            for c in mine { sum.add(c) }
            let found = ApartBounds(coarse: own[t].accountBounds[a] ?? 0, exact: OverlapCounter.peak(mine))
            bounds[t][a] = found
            if found.coarse > quota && found.exact > quota { left[t].insert(a) } else { totals[t].absorb(own[t]) }
        }
    }
}

/// Which accounts `Simulator.run` replays apart from the start (`AccountBounds`): the guess, or
/// (for tests, which hold results the same whatever the choice) none, all or the ones named.
enum ApartRule: Sendable {
    case guess, none, all
    case these([Int])

    func accounts(_ workload: Workload, _ prepared: [PreparedTarget], accounts: Int) -> [Int] {
        switch self {
        case .guess: return AccountBounds.apartCandidates(workload, prepared, accounts: accounts)
        case .none: return []
        case .all:
            return accounts > 1 && prepared.contains { $0.model.independentQuota != nil } ? Array(0..<accounts) : []
        case .these(let named):
            return ApartRule.all.accounts(workload, prepared, accounts: accounts).filter(named.contains)
        }
    }
}
