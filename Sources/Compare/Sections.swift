import Foundation
import Results

/// The `placement` sections of both sides (`placement.functions[] {id, target, reason}`,
/// `placement.monthlyCost`): the total before and after, and the functions that moved.
public struct PlacementDiff: Sendable {
    public struct Move: Sendable, Equatable {
        public var id: String
        public var before: String?
        public var after: String?
        /// HEAD's reason (BASE's when the function left the placement).
        public var reason: String
    }

    public var cost: Change<Decimal>
    /// Functions whose target differs, in id order.
    public var moves: [Move]
    public var isMaterial: Bool

    init?(base: JSONNode?, head: JSONNode?, materiality: Materiality) {
        guard let base, let head else { return nil }
        cost = Change(Self.total(base), Self.total(head))
        let before = Self.entries(base), after = Self.entries(head)
        let ids = Set(before.keys).union(after.keys).sorted()
        moves = ids.compactMap { id in
            let b = before[id], a = after[id]
            guard b?.target != a?.target else { return nil }
            return Move(id: id, before: b?.target, after: a?.target, reason: a?.reason ?? b?.reason ?? "")
        }
        isMaterial = !moves.isEmpty || materiality.cost(cost)
    }

    /// `monthlyCost` as a number, or an object with `total`.
    static func total(_ node: JSONNode) -> Decimal? {
        guard let cost = node["monthlyCost"] else { return nil }
        return cost.decimal ?? cost["total"]?.decimal
    }

    static func entries(_ node: JSONNode) -> [String: (target: String, reason: String)] {
        var out: [String: (target: String, reason: String)] = [:]
        for item in node["functions"]?.array ?? [] {
            guard let id = item["id"]?.string, let target = item["target"]?.string else { continue }
            out[id] = (target, item["reason"]?.string ?? "")
        }
        return out
    }
}

/// A compliance violation of the `lockIn` section: a function where it may not run.
public struct Violation: Sendable, Hashable, Comparable {
    public var app: String
    public var function: String
    public var target: String
    public var region: String
    public var reason: String

    public static func < (a: Violation, b: Violation) -> Bool {
        (a.app, a.function, a.target, a.region, a.reason) < (b.app, b.function, b.target, b.region, b.reason)
    }
}

/// Violations HEAD has that BASE did not (added) and the reverse (removed).
public struct ViolationDiff: Sendable {
    public var added: [Violation]
    public var removed: [Violation]
    /// False when a side has no `lockIn` section: nothing could be compared.
    public var available: Bool

    init(base: JSONNode?, head: JSONNode?) {
        guard let base, let head else {
            added = []; removed = []; available = false
            return
        }
        let b = Set(Self.read(base)), h = Set(Self.read(head))
        added = h.subtracting(b).sorted()
        removed = b.subtracting(h).sorted()
        available = true
    }

    static func read(_ lockIn: JSONNode) -> [Violation] {
        (lockIn["violations"]?.array ?? []).map { v in
            Violation(app: v["app"]?.string ?? "", function: v["function"]?.string ?? "", target: v["target"]?.string ?? "",
                      region: v["region"]?.string ?? "", reason: v["reason"]?.string ?? "")
        }
    }
}

/// A function's lock-in score on one target, before and after (the score follows the
/// function's trigger and declared bindings, so a deployment change can move it).
public struct LockInChange: Sendable, Equatable {
    public var app: String
    public var function: String
    public var target: String
    public var score: Change<Int>

    /// Scores that differ where both sides scored the function on the target.
    static func between(base: JSONNode?, head: JSONNode?, targets only: [String]) -> [LockInChange] {
        guard let base, let head else { return [] }
        let before = scores(base), after = scores(head)
        return before.keys.sorted { $0.tuple < $1.tuple }.compactMap { key in
            guard let b = before[key], let a = after[key], a != b else { return nil }
            if !only.isEmpty && !only.contains(key.c) { return nil }
            return LockInChange(app: key.a, function: key.b, target: key.c, score: Change(b, a))
        }
    }

    static func scores(_ lockIn: JSONNode) -> [Triple: Int] {
        var out: [Triple: Int] = [:]
        for f in lockIn["functions"]?.array ?? [] {
            let app = f["app"]?.string ?? "", function = f["function"]?.string ?? ""
            for (target, score) in f["lockIn"]?.object ?? [:] {
                if let s = score.double { out[Triple(app, function, target)] = Int(s.rounded()) }
            }
        }
        return out
    }
}

/// A hashable (app, function, target) key.
struct Triple: Hashable {
    var a, b, c: String
    init(_ a: String, _ b: String, _ c: String) { self.a = a; self.b = b; self.c = c }
    var tuple: (String, String, String) { (a, b, c) }
}

/// What the deployment costs where its functions run today: each function's share of the bill of
/// its current target (`lockIn.functions[].current`), summed. Targets are alternatives, so this —
/// and the placement's total — is the "in total" line; a sum over targets would mean nothing.
public struct CurrentTotal: Sendable {
    public var cost: Change<Decimal>
    /// Functions whose current target has no bill in the result (on-prem, or not simulated).
    public var uncosted: Change<Int>

    init?(base: ResultDocument, head: ResultDocument) {
        guard let b = Self.sum(base), let h = Self.sum(head) else { return nil }
        cost = Change(b.cost, h.cost)
        uncosted = Change(b.uncosted, h.uncosted)
    }

    static func sum(_ result: ResultDocument) -> (cost: Decimal, uncosted: Int)? {
        guard let functions = result.section("lockIn")?["functions"]?.array else { return nil }
        var total: Decimal = 0, uncosted = 0, any = false
        for f in functions {
            guard let current = f["current"]?.string else { continue }
            any = true
            let id = "\(f["app"]?.string ?? "")/\(f["function"]?.string ?? "")"
            if let line = result.target(current)?.functions.first(where: { $0.id == id }), let cost = line.figures.monthlyCost {
                total += cost.total
            } else {
                uncosted += 1
            }
        }
        return any ? (total, uncosted) : nil
    }
}
