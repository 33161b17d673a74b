/// One of N parts of a run (`placer simulate --shard K/N`): the apps whose stable hash falls in
/// part K (1-based). An app is the unit because it is independent on every target that is not
/// coupled: a target scaling per app shares instances among its functions, and one scaling per
/// function replays them apart anyway; one arrival expansion of an app serves every target.
///
/// The hash is FNV-1a (64 bits, offset basis 0xcbf29ce484222325, prime 0x100000001b3) of the
/// app key's UTF-8 bytes; the app is in part `hash % N + 1`. It depends on nothing but those
/// bytes (not on Swift's per-process `Hasher`, the platform or the order of apps), so every
/// machine puts an app in the same part.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// K, 1…count.
    public let index: Int
    /// N, at least 1.
    public let count: Int

    /// Nil unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N` as the command line gives it; nil when malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n <= 1_000_000 else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The part (1-based) of `count` that the app `key` falls in.
    public static func part(app key: String, count: Int) -> Int {
        Int(fnv1a(key) % UInt64(count)) + 1
    }

    /// Whether this part replays the app `key`.
    public func holds(app key: String) -> Bool { Self.part(app: key, count: count) == index }

    /// FNV-1a, 64 bits, of the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}

/// Why a sharded run or its merge cannot give the whole run's result.
public enum ShardError: Error, CustomStringConvertible, Equatable {
    /// A target whose replay couples all functions (a pre-warmed pool, a fixed cluster).
    case coupled(target: String, why: String)
    /// An account's bound of calls in flight, summed over the shards, exceeds its quota (and so
    /// does the bound of all accounts together): the quota may bind across shards, which no shard saw.
    case quotaMayBind(target: String, bound: Int, quota: Int)
    /// Partials that do not make up one run.
    case mismatch(String)

    public var description: String {
        switch self {
        case .coupled(let target, let why):
            return "\(target) cannot be sharded: \(why) couples all its functions into one replay; simulate it without --shard"
        case .quotaMayBind(let target, let bound, let quota):
            return "\(target): its account concurrency quota (\(quota) calls in flight) may bind across shards (an account's bound of calls in flight, summed over the shards, reaches \(bound)), so the partial replays are not exact; simulate \(target) without --shard (one run replays each account's calls in one time order under its quota), or raise the quota in the deployment (limits.concurrency) if the account has a higher one"
        case .mismatch(let message):
            return message
        }
    }
}
