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
    static func decide(_ workload: Workload, _ prepared: [PreparedTarget], overall: [Int?], coarse: [[Int: Int]],
                       accounts: Int, options: SimulationOptions) -> [QuotaBounds?] {
        var out: [QuotaBounds?] = prepared.map { _ in nil }
        // Accounts each target leaves in doubt (coarse bound above the quota), to check per second.
        var doubt: [Int: [Int]] = [:]
        for (t, target) in prepared.enumerated() {
            guard let quota = target.model.accountConcurrency, target.model.prewarmedPool == nil, target.model.cluster == nil,
                  let overall = overall[t] else { continue }
            let bounds = QuotaBounds(quota: quota, overall: overall, accounts: accounts, coarse: coarse[t])
            out[t] = bounds
            for a in bounds.inDoubt {
                // One account: its per-second bound is the bound of all, already taken.
                if accounts == 1 { out[t]?.binding.append(a) } else { doubt[a, default: []].append(t) }
            }
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
}
