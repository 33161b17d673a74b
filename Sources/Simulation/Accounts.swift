/// Which apps share an account: the account-wide concurrency quota, free grants and volume tiers
/// apply per account, and accounts replay independently of each other.
public enum AccountMode: String, Sendable, CaseIterable {
    /// The whole trace is one account: one quota, one free grant.
    case one
    /// Each owner the trace names is its own account; apps without an owner share one more.
    case perOwner = "per-owner"
}

/// The accounts a replay billed and throttled separately, for the result (`accounts`).
public struct AccountSummary: Sendable, Equatable {
    public var mode: AccountMode
    public var count: Int

    public init(mode: AccountMode, count: Int) {
        self.mode = mode
        self.count = count
    }
}

extension Workload {
    /// Whether any app names an owner (then `per-owner` is the default, see docs/result.md).
    public var hasOwners: Bool { apps.contains { $0.owner != nil } }

    /// The workload with each app's account numbered under `accounts`: owners in ascending order
    /// (so the numbering does not depend on the apps' order), apps without an owner in one account
    /// after them; every app in account 0 in `one` mode. Returns the number of accounts.
    func numberedAccounts() -> (Workload, count: Int) {
        guard accounts == .perOwner else {
            var copy = self
            for a in copy.apps.indices { copy.apps[a].account = 0 }
            return (copy, 1)
        }
        let owners = Set(apps.compactMap(\.owner)).sorted()
        var index: [String: Int] = [:]
        for (i, o) in owners.enumerated() { index[o] = i }
        var copy = self
        for a in copy.apps.indices { copy.apps[a].account = copy.apps[a].owner.flatMap { index[$0] } ?? owners.count }
        let unowned = apps.contains { $0.owner == nil }
        return (copy, max(1, owners.count + (unowned ? 1 : 0)))
    }

    /// The apps of each account (`numberedAccounts` first), each as a workload of its own over
    /// the same window, in account order.
    func splitByAccount(count: Int) -> [Workload] {
        var parts = (0..<count).map { _ in Workload(apps: [], spanMinutes: spanMinutes, originSeconds: originSeconds, notes: notes) }
        for app in apps { parts[app.account].apps.append(app) }
        for p in parts.indices { parts[p].accounts = accounts }
        return parts
    }
}
