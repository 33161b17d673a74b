import Foundation
import Results

/// What changed between two `placer.result/v1` documents (BASE → HEAD): per target, per function,
/// placement, compliance violations and lock-in scores. Built by `ResultDiff(base:head:…)`,
/// rendered by `DiffMarkdown` and `DiffJSON`, judged by `Thresholds.evaluate`.
public struct ResultDiff: Sendable {
    /// Where each side came from and how it was replayed.
    public struct Side: Sendable, Equatable {
        public var name: String
        public var seed: String
        public var arrivals: String
        public var spanMinutes: Int
    }

    public var base: Side
    public var head: Side
    public var materiality: Materiality
    /// Targets in BASE's order, then those only HEAD has.
    public var targets: [TargetDiff]
    /// Function lines that changed materially on any target, largest change first.
    public var functions: [FunctionDiff]
    /// Present when both sides have a `placement` section.
    public var placement: PlacementDiff?
    /// Present when both sides say where functions run today (`lockIn.functions[].current`).
    public var current: CurrentTotal?
    public var violations: ViolationDiff
    /// Lock-in scores that changed (function, target), in function then target order.
    public var lockIn: [LockInChange]
    /// What the reader should know about the comparison itself (different seeds, spans…).
    public var notes: [String]

    /// True when anything changed beyond the materiality bounds.
    public var isMaterial: Bool {
        targets.contains { $0.isMaterial } || !functions.isEmpty || (placement?.isMaterial ?? false)
            || (current.map { materiality.cost($0.cost) || $0.uncosted.differs } ?? false)
            || !violations.added.isEmpty || !violations.removed.isEmpty || !lockIn.isEmpty
    }

    /// Compares two results. `targets` limits the comparison to those ids (empty: all).
    public init(base: ResultDocument, head: ResultDocument, baseName: String, headName: String,
                materiality: Materiality = Materiality(), targets only: [String] = []) {
        self.base = Side(name: baseName, seed: base.seed, arrivals: base.arrivals, spanMinutes: base.spanMinutes)
        self.head = Side(name: headName, seed: head.seed, arrivals: head.arrivals, spanMinutes: head.spanMinutes)
        self.materiality = materiality
        var ids = base.targets.map(\.id)
        for t in head.targets where !ids.contains(t.id) { ids.append(t.id) }
        if !only.isEmpty { ids = ids.filter { only.contains($0) } }
        targets = ids.map { TargetDiff(id: $0, base: base.target($0), head: head.target($0), materiality: materiality) }
        functions = targets.flatMap(\.changedFunctions).sorted(by: FunctionDiff.largerFirst)
        placement = PlacementDiff(base: base.section("placement"), head: head.section("placement"), materiality: materiality)
        current = only.isEmpty ? CurrentTotal(base: base, head: head) : nil
        violations = ViolationDiff(base: base.section("lockIn"), head: head.section("lockIn"))
        lockIn = LockInChange.between(base: base.section("lockIn"), head: head.section("lockIn"), targets: only)

        var notes: [String] = []
        if base.seed != head.seed { notes.append("BASE and HEAD were replayed with different seeds (\(base.seed), \(head.seed)): part of the difference is sampling") }
        if base.arrivals != head.arrivals { notes.append("BASE and HEAD spread arrivals differently (\(base.arrivals), \(head.arrivals))") }
        if base.spanMinutes != head.spanMinutes { notes.append("BASE and HEAD replayed windows of different length (\(base.spanMinutes) and \(head.spanMinutes) minutes); both are projected to 30 days") }
        for id in only where !base.targets.contains(where: { $0.id == id }) && !head.targets.contains(where: { $0.id == id }) {
            notes.append("target \(id) is in neither result")
        }
        self.notes = notes
    }
}

/// One target's totals before and after, and its functions.
public struct TargetDiff: Sendable {
    public var id: String
    public var presence: Presence
    /// Monthly cost, USD (nil on-prem, where the cost is the cluster's).
    public var cost: Change<Decimal>
    public var invocations: Change<Int>
    public var coldStarts: Change<Int>
    public var coldStartRate: Change<Double>
    public var throttled: Change<Int>
    public var p50: Change<Double>
    public var p95: Change<Double>
    public var p99: Change<Double>
    public var peakInstances: Change<Int>
    public var keepAlive: Change<String>
    /// Every function line of this target, in BASE's order then HEAD's new ones.
    public var functions: [FunctionDiff]
    public var isMaterial: Bool

    init(id: String, base: TargetResult?, head: TargetResult?, materiality m: Materiality) {
        self.id = id
        presence = Presence(before: base != nil, after: head != nil)
        let b = base?.figures, h = head?.figures
        cost = Change(b?.monthlyCost?.total, h?.monthlyCost?.total)
        invocations = Change(b?.invocations, h?.invocations)
        coldStarts = Change(b?.coldStarts, h?.coldStarts)
        coldStartRate = Change(b?.coldStartRate, h?.coldStartRate)
        throttled = Change(b?.throttled, h?.throttled)
        p50 = Change(b?.p50Ms, h?.p50Ms)
        p95 = Change(b?.p95Ms, h?.p95Ms)
        p99 = Change(b?.p99Ms, h?.p99Ms)
        peakInstances = Change(b?.peakInstances, h?.peakInstances)
        keepAlive = Change(base?.keepAlive, head?.keepAlive)

        var keys = (base?.functions ?? []).map(\.id)
        var seen = Set(keys)
        for f in head?.functions ?? [] where !seen.contains(f.id) { keys.append(f.id); seen.insert(f.id) }
        let before = Dictionary((base?.functions ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary((head?.functions ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        functions = keys.map { FunctionDiff(target: id, base: before[$0], head: after[$0], materiality: m) }

        isMaterial = presence != .both || keepAlive.differs || m.cost(cost) || m.latency(p50) || m.latency(p95) || m.latency(p99)
            || m.count(coldStarts) || m.count(throttled) || m.count(invocations) || m.count(peakInstances)
            || functions.contains { $0.isMaterial }
    }

    var changedFunctions: [FunctionDiff] { functions.filter(\.isMaterial) }
}

/// One function on one target, before and after.
public struct FunctionDiff: Sendable {
    public var target: String
    public var app: String
    public var function: String
    public var presence: Presence
    public var memoryMB: Change<Double>
    public var cost: Change<Decimal>
    public var p99: Change<Double>
    public var coldStarts: Change<Int>
    public var throttled: Change<Int>
    public var isMaterial: Bool

    init(target: String, base: FunctionResult?, head: FunctionResult?, materiality m: Materiality) {
        self.target = target
        app = base?.app ?? head?.app ?? ""
        function = base?.function ?? head?.function ?? ""
        presence = Presence(before: base != nil, after: head != nil)
        memoryMB = Change(base?.memoryMB, head?.memoryMB)
        cost = Change(base?.figures.monthlyCost?.total, head?.figures.monthlyCost?.total)
        p99 = Change(base?.figures.p99Ms, head?.figures.p99Ms)
        coldStarts = Change(base?.figures.coldStarts, head?.figures.coldStarts)
        throttled = Change(base?.figures.throttled, head?.figures.throttled)
        isMaterial = presence != .both || memoryMB.differs || m.cost(cost) || m.latency(p99) || m.count(coldStarts) || m.count(throttled)
    }

    /// Largest absolute cost change first, then largest p99 change, then by name (a total order).
    static func largerFirst(_ a: FunctionDiff, _ b: FunctionDiff) -> Bool {
        // A line only one side has swings by its whole amount.
        let ca = abs((a.cost.after ?? 0) - (a.cost.before ?? 0)), cb = abs((b.cost.after ?? 0) - (b.cost.before ?? 0))
        if ca != cb { return ca > cb }
        if a.memoryMB.differs != b.memoryMB.differs { return a.memoryMB.differs }
        let la = abs((a.p99.after ?? 0) - (a.p99.before ?? 0)), lb = abs((b.p99.after ?? 0) - (b.p99.before ?? 0))
        if la != lb { return la > lb }
        let ka = a.coldStarts.delta.map { abs($0) } ?? 0, kb = b.coldStarts.delta.map { abs($0) } ?? 0
        if ka != kb { return ka > kb }
        return (a.target, a.app, a.function) < (b.target, b.app, b.function)
    }
}
