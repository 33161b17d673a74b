import Advice
import Deployment
import Foundation
import Pricing
import Simulation

/// Where every function runs today, and the changes that make that compliant in place.
struct CurrentAssignment {
    var assignment: [Int]
    /// In-place fixes by function index (a region move on the same target).
    var fixes: [Int: String]
}

/// Builds and prices the named plans over one prepared placement problem (every candidate target).
struct PlanContext {
    let prepared: PreparedPlacement
    let inputs: DecisionInputs
    /// Lock-in rows by `app/function`.
    let rows: [String: LockInReport.Function]
    /// Where every function runs today (nil: unknown for some function, or not simulated).
    private(set) var current: CurrentAssignment?

    init(prepared: PreparedPlacement, inputs: DecisionInputs) {
        self.prepared = prepared
        self.inputs = inputs
        rows = Dictionary((prepared.request.lockIn?.functions ?? []).map { ($0.app + "/" + $0.function, $0) }, uniquingKeysWith: { a, _ in a })
        current = nil
        current = currentAssignment()
    }

    private var model: PlacementModel { prepared.model }
    private var lockIn: LockInReport? { prepared.request.lockIn }

    /// Where most functions run today, by the lock-in section's `current`.
    var currentTargetName: String? {
        var counts: [String: Int] = [:]
        for f in lockIn?.functions ?? [] { if let id = f.current { counts[id, default: 0] += 1 } }
        return counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }?.key
    }

    /// Every function on its current target, with region moves where only the region breaks a
    /// requirement; nil when some function's current target is unknown or was not simulated.
    private func currentAssignment() -> CurrentAssignment? {
        var assignment: [Int] = []
        for f in prepared.functions {
            guard let id = rows[f.app + "/" + f.function]?.current, let t = prepared.index(of: id) else { return nil }
            assignment.append(t)
        }
        guard !assignment.isEmpty else { return nil }
        var fixes: [Int: String] = [:]
        let index = Dictionary(prepared.functions.enumerated().map { ($1.app + "/" + $1.function, $0) }, uniquingKeysWith: { a, _ in a })
        for v in lockIn?.violations ?? [] {
            let key = v.app + "/" + v.function
            guard let i = index[key], let from = v.region, model.targets[assignment[i]].id == v.target,
                  let verdict = prepared.verdicts[key]?[v.target], verdict.allowed,
                  let first = verdict.regions.first else { continue }
            // On a target that names a successor, a region the successor allows too where there is
            // one: the move its retirement forces then leaves the function (and its data) in place.
            let successor = model.targets[assignment[i]].profile.status.successor
            let onward = successor.flatMap { prepared.verdicts[key]?[$0] }.map { $0.allowed ? Set($0.regions) : [] } ?? []
            let to = verdict.regions.first { onward.contains($0) } ?? first
            let kept = onward.contains(to) ? successor.map { " (\($0), which replaces \(v.target), allows that region too, so the move its retirement forces keeps it there)" } : nil
            fixes[i] = "move from \(from) to \(to) on \(v.target)" + (kept ?? "")
        }
        return CurrentAssignment(assignment: assignment, fixes: fixes)
    }

    /// Cloud providers among the candidates and their target ids, by provider name.
    func providers() -> [(String, Set<String>)] {
        var out: [String: Set<String>] = [:]
        for t in model.targets where !t.isOnPrem && t.profile.billing != nil { out[t.profile.provider, default: []].insert(t.id) }
        return out.sorted { $0.key < $1.key }
    }

    /// A plan's placement as target indexes of the full model.
    func assignment(of plan: PlacementPlan) throws -> [Int] {
        try plan.functions.map { f in
            guard let t = prepared.index(of: f.target) else { throw PlacementError(message: "target \(f.target) is not a candidate") }
            return t
        }
    }

    /// `assignment` with the moves undone that do not change its monthly total to the cent: a
    /// function goes back to the target it runs on today (where that is one of `targets`, breaks
    /// none of its requirements and needs no fix) while the total, re-priced, still rounds to the
    /// same cent or less (one cent's allowance for all the moves undone). The smallest savings are
    /// undone first. Functions can tie for the cheapest target (an account inside a target's free
    /// grants costs nothing there), and moves that save pennies only add migration. Returns the
    /// assignment, how many moves it undid and how many the search had made.
    func undoingMovesUnderACent(_ assignment: [Int], within targets: Set<Int>? = nil) throws -> (assignment: [Int], undone: Undone) {
        guard let current else { return (assignment, Undone(moves: 0, of: 0)) }
        var state = try Optimiser.rebuild(model, assignment)
        let limit = Self.cents(state.total)
        var candidates: [(i: Int, saving: Double)] = []
        for i in 0..<model.count where state.assignment[i] != current.assignment[i] {
            let home = current.assignment[i]
            guard targets?.contains(home) ?? true, model.allowed[i].contains(home), current.fixes[i] == nil,
                  prepared.violations(i, on: home).isEmpty else { continue }
            candidates.append((i, try state.costIf(i, movedTo: home) - state.total))
        }
        candidates.sort { $0.saving != $1.saving ? $0.saving < $1.saving : $0.i < $1.i }
        var undone = 0
        for (i, _) in candidates where Self.cents(try state.costIf(i, movedTo: current.assignment[i])) <= limit {
            try state.move(i, to: current.assignment[i])
            undone += 1
        }
        let moves = zip(assignment, current.assignment).filter { $0 != $1 }.count
        return (state.assignment, Undone(moves: undone, of: moves))
    }

    /// How many of a searched plan's moves were undone (`undoingMovesUnderACent`).
    struct Undone {
        var moves: Int
        var of: Int
    }

    /// Stay, with only the moves that compliance forces, then the moves of `best` with the largest
    /// saving each, until the plan reaches `inputs.fewestMovesShare` of `best`'s saving. Savings are
    /// re-priced exactly after every move (free grants, tiers and the cluster do not add up).
    func fewestMoves(from stay: CurrentAssignment, toward best: [Int], baseline: Decimal) throws -> PlanOption {
        var state = try Optimiser.rebuild(model, stay.assignment)
        for i in 0..<model.count where !prepared.pinned[i] && !prepared.violations(i, on: state.assignment[i]).isEmpty
            && stay.fixes[i] == nil && prepared.violations(i, on: best[i]).isEmpty {
            try state.move(i, to: best[i])
        }
        let bestTotal = try Optimiser.rebuild(model, best).total
        let goal = (NSDecimalNumber(decimal: baseline).doubleValue - bestTotal) * inputs.fewestMovesShare
        if goal > 0.005 {
            let start = state.total
            var gains: [(i: Int, saving: Double)] = []
            for i in 0..<model.count where state.assignment[i] != best[i] && !prepared.pinned[i] {
                let saving = start - (try state.costIf(i, movedTo: best[i]))
                if saving > 0 { gains.append((i, saving)) }
            }
            gains.sort { $0.saving != $1.saving ? $0.saving > $1.saving : $0.i < $1.i }
            for (i, _) in gains {
                if NSDecimalNumber(decimal: baseline).doubleValue - state.total >= goal - 1e-9 { break }
                try state.move(i, to: best[i])
            }
        }
        let fixes = stay.fixes.filter { state.assignment[$0.key] == stay.assignment[$0.key] }
        return try option(id: "fewest-moves", assignment: state.assignment, fixes: fixes, baseline: baseline)
    }

    /// Prices `assignment` as a named option: its bill, effort and money to get there from today,
    /// payback, lock-in, what it breaks and its risks. `searched` is the optimiser's plan it came from.
    /// `undone`: moves of the searched plan sent back as not changing its total to the cent.
    func option(id: String, assignment: [Int], fixes: [Int: String], baseline: Decimal?, provider: String? = nil,
                searched: PlacementPlan? = nil, undone: Undone? = nil) throws -> PlanOption {
        var state = try Optimiser.rebuild(model, assignment)
        let current = self.current?.assignment
        var points = 0, unknownEffort = 0, moved = 0
        var reasons: [String] = []
        for (i, f) in prepared.functions.enumerated() {
            let t = assignment[i]
            guard let from = current?[i], from != t else {
                reasons.append(fixes[i].map { "stays; \($0)" } ?? (current == nil ? "placed by rule" : "stays where it runs today"))
                continue
            }
            moved += 1
            let use = prepared.request.functionUse(app: f.app, function: f.function, row: rows[f.app + "/" + f.function])
            if let estimate = MigrationModel.estimate(use, from: model.targets[from].profile, to: model.targets[t].profile) {
                points += estimate.points
                reasons.append("moves from \(model.targets[from].id), where its share of the bill is \(Placement.usd(prepared.standalone[from][i])) a month: \(estimate.points) effort points")
            } else {
                unknownEffort += 1
                reasons.append("moves from \(model.targets[from].id): effort unknown (no lock-in data)")
            }
        }
        points += fixes.count * inputs.regionMovePoints
        var (algorithm, guarantee) = searched.map { ($0.algorithm, $0.guarantee) } ?? ("rule", Self.rules[id] ?? "")
        if let undone, undone.moves > 0 {
            guarantee = "the search's placement: " + guarantee + "; then \(undone.moves) of its \(Self.count(undone.of, "move")) undone, smallest "
                + "saving first, while the total stayed at the same cent (those functions stay where they run), so the plan shown may cost up to "
                + "a cent a month more than the search's"
        }
        var plan = try Placement.finish(prepared, state: &state, algorithm: algorithm, guarantee: guarantee,
                                        reasons: searched == nil ? reasons : nil)
        if searched != nil {
            // Keep the optimiser's reasons, and say what each move costs in effort.
            for i in plan.functions.indices where reasons[i].hasPrefix("moves") { plan.functions[i].reason += "; " + reasons[i] }
        }
        let monthly = Self.cents(plan.monthlyCost)
        let saving = baseline.map { $0 - monthly }
        let migration = Decimal(points) * inputs.dayRateUSD
        var payback: Double?
        if let saving {
            if migration == 0 { payback = 0 } else if saving > 0 {
                payback = NSDecimalNumber(decimal: migration / saving).doubleValue
            }
        }
        let net = saving.map { $0 * Decimal(inputs.horizonMonths) - migration }
        var violations: [String] = []
        for f in plan.functions {
            for v in f.violates { violations.append("\(f.app)/\(f.function) on \(f.target): \(v)") }
        }
        let relaxed = searched == nil ? [] : Array(Set(plan.functions.flatMap(\.violates))).sorted()
        var risks = risks(plan, state: state, current: current)
        let sensitive = fixes.keys.filter { i in
            let f = prepared.functions[i]
            return !(prepared.request.deployment?.settings(function: f.function, app: f.app).dataClasses.isEmpty ?? true)
        }
        if !sensitive.isEmpty {
            let classes = Set(sensitive.flatMap { i in
                prepared.request.deployment?.settings(function: prepared.functions[i].function, app: prepared.functions[i].app).dataClasses ?? []
            }).sorted().joined(separator: ", ")
            risks.append("\(Self.count(sensitive.count, "region move")) \(sensitive.count == 1 ? "concerns a function" : "concern functions") handling \(classes) data: the data moves with \(sensitive.count == 1 ? "it" : "them"), which the \(inputs.regionMovePoints)-point redeploy does not cover")
        }
        if unknownEffort > 0 { risks.append("effort unknown for \(unknownEffort) moves (a target without lock-in data): counted as 0 points") }
        return PlanOption(id: id, summary: summary(id, plan: plan, current: current, assignment: assignment, fixes: fixes, provider: provider),
                          plan: plan, monthlyCost: monthly, saving: saving, functionsMoved: moved, effortPoints: points,
                          migrationCost: migration, paybackMonths: payback, netValue: net, lockIn: meanLockIn(plan, rows: rows),
                          violations: violations, relaxed: relaxed, fixes: fixes.sorted { $0.key < $1.key }.map { i, fix in
                              "\(prepared.functions[i].app)/\(prepared.functions[i].function): \(fix)"
                          }, risks: risks, sameAs: nil)
    }

    static let rules = [
        "stay": "rule: every function where it runs today, with in-place fixes (region moves) where only the region breaks a requirement",
        "fewest-moves": "rule: stay, the moves compliance forces, then the moves of the best compliant plan by their saving, largest first, until the saving reaches the stated share of that plan's (each prefix re-priced exactly)",
    ]


    /// Invocation-weighted mean lock-in score where the plan runs each function.
    private func meanLockIn(_ plan: PlacementPlan, rows: [String: LockInReport.Function]) -> Double? {
        var weighted = 0.0, weight = 0.0
        for f in plan.functions {
            guard let row = rows[f.app + "/" + f.function], let score = row.lockIn[f.target] else { continue }
            let w = max(row.invocations, 1)
            weighted += Double(score) * w
            weight += w
        }
        return weight > 0 ? weighted / weight : nil
    }

    /// Throttling where the plan runs functions, platforms it adds, assumed cluster figures.
    private func risks(_ plan: PlacementPlan, state: PlacementState, current: [Int]?) -> [String] {
        var out: [String] = []
        var throttled: [Int: Int] = [:]
        for (i, t) in state.assignment.enumerated() {
            let o = prepared.outcomes[t].functions[i].outcome
            if o.throttled > 0 { throttled[t, default: 0] += o.throttled }
        }
        for (t, calls) in throttled.sorted(by: { $0.key < $1.key }) {
            out.append("\(calls) calls throttled on \(model.targets[t].id) (its limits; see Scaling)")
        }
        let today = Set(current ?? [])
        let added = Set(state.assignment).subtracting(today).sorted().map { model.targets[$0].id }
        if current != nil, !added.isEmpty {
            out.append("adds \(added.joined(separator: ", ")): accounts, deployment and monitoring to set up (not in the effort points)")
        }
        // Calls that share an instance are replayed as if they did not slow each other.
        for t in Set(state.assignment).sorted() {
            let model = prepared.request.targets[t].model
            let functions = state.assignment.filter { $0 == t }.count
            if model.highestConcurrency > 1 {
                out.append("on \(self.model.targets[t].id) up to \(model.highestConcurrency) calls share an instance (\(Self.count(functions, "function")) there): their durations are taken as recorded, true of calls that wait on I/O; CPU-bound calls would stretch and need more instances")
            }
        }
        if let c = plan.onPrem, c.estimate.servers > 0, !c.assumed.isEmpty {
            out.append("the cluster's cost rests on assumed figures: \(c.assumed.joined(separator: ", "))")
        }
        return out
    }

    private func summary(_ id: String, plan: PlacementPlan, current: [Int]?, assignment: [Int], fixes: [Int: String], provider: String?) -> String {
        var perTarget: [String: Int] = [:]
        for f in plan.functions { perTarget[f.target, default: 0] += 1 }
        let split = perTarget.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) on \($0.key)" }.joined(separator: ", ")
        let fixText = fixes.isEmpty ? "" : "; \(Self.count(fixes.count, "function")) moved to another region in place"
        switch id {
        case "stay":
            return "keeps every function where it runs today (\(split))" + fixText
        case "fewest-moves":
            guard let current else { return "places " + split }
            var moved: [String: Int] = [:]
            for (i, t) in assignment.enumerated() where t != current[i] { moved[model.targets[t].id, default: 0] += 1 }
            guard !moved.isEmpty else { return "moves nothing: no move reaches the saving share" + fixText }
            let moves = moved.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { "\($0.value) to \($0.key)" }.joined(separator: ", ")
            let staying = assignment.count - moved.values.reduce(0, +)
            return "moves \(Self.count(moved.values.reduce(0, +), "function")) (\(moves)) and keeps the other \(staying) where they run" + fixText
        case "one-provider":
            let cluster = (plan.onPrem?.estimate.servers ?? 0) > 0 ? " and the cluster" : ""
            return "runs everything on one cloud provider\(provider.map { " (\($0))" } ?? "")\(cluster): \(split)"
        default:
            return "runs each function on its cheapest compliant target over every provider: \(split)"
        }
    }

    /// `1 function`, `3 functions`.
    static func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    /// USD to the cent, half up.
    static func cents(_ x: Double) -> Decimal {
        var value = Decimal(x), out = Decimal()
        NSDecimalRound(&out, &value, 2, .plain)
        return out
    }
}
