import Advice
import Deployment
import Foundation
import Pricing
import Simulation

/// One named plan: where every function runs, what that costs a month, and what it takes to get
/// there from where the functions run today.
public struct PlanOption: Sendable {
    /// `stay`, `fewest-moves`, `one-provider` or `cheapest`.
    public var id: String
    /// One line: what the plan does.
    public var summary: String
    public var plan: PlacementPlan
    /// The plan's monthly total, USD, to the cent.
    public var monthlyCost: Decimal
    /// Monthly cost of `stay` less this plan's (nil without a current target).
    public var saving: Decimal?
    public var functionsMoved: Int
    /// Effort points of the moves and fixes (about a developer-day each, docs/lockin.md).
    public var effortPoints: Int
    /// `effortPoints` × the day rate, USD.
    public var migrationCost: Decimal
    /// Months of saving that pay the migration back (nil when it never does; 0 with nothing to pay).
    public var paybackMonths: Double?
    /// Saving over the horizon less the migration cost, USD (nil without a current target).
    public var netValue: Decimal?
    /// Invocation-weighted mean lock-in score (0–100) of where the plan runs each function.
    public var lockIn: Double?
    /// Requirements the plan breaks, one line per function and requirement (empty: feasible).
    public var violations: [String]
    /// Requirements relaxed because no candidate target meets them (a subset of `violations`).
    public var relaxed: [String]
    /// Changes made in place, without moving a function to another target (region moves).
    public var fixes: [String]
    /// What could make the figures wrong or the plan hurt: throttling, assumed figures, new platforms.
    public var risks: [String]
    /// The id of an earlier option with the same placement, when it is one.
    public var sameAs: String?

    public var feasible: Bool { violations.isEmpty }
}

extension PlacementPlan {
    /// True when every function runs where all its requirements are met.
    public var isFeasible: Bool { functions.allSatisfy { $0.violates.isEmpty } }
}

/// The plans compared and the one recommended.
public struct DecisionOutcome: Sendable {
    public var options: [PlanOption]
    /// Id of the recommended option.
    public var recommended: String
    /// Why that one, in a sentence.
    public var rationale: String
    public var inputs: DecisionInputs
    /// Where the functions run today (nil: unknown, no `stay` plan).
    public var current: String?
    public var notes: [String]
    /// The deciding plans re-priced with one assumption changed (`Decision.scenarios`).
    public var scenarios: [ScenarioOutcome] = []
    /// How far effort, the day rate and the horizon must move to change the recommendation (`Decision.thresholds`).
    public var thresholds: [DecisionThreshold] = []

    /// The recommended option.
    public var choice: PlanOption? { options.first { $0.id == recommended } }
}

/// What `Decision.decide` needs: the placement request over every candidate (cloud targets and
/// the one on-prem platform), the decision's inputs, and whether to place over one provider.
public struct DecisionRequest: Sendable {
    public var placement: PlacementRequest
    public var inputs: DecisionInputs

    public init(placement: PlacementRequest, inputs: DecisionInputs) {
        self.placement = placement
        self.inputs = inputs
    }
}

/// Builds the named plans (`stay`, `fewest-moves`, `one-provider`, `cheapest`), prices each move
/// in effort and money, and recommends the feasible plan of the best net value over the horizon
/// (docs/decision.md). A plan that breaks a requirement never ranks above one that meets them all.
public enum Decision {
    public static func decide(_ request: DecisionRequest) throws -> DecisionOutcome {
        let prepared = try Placement.prepare(request.placement)
        let context = PlanContext(prepared: prepared, inputs: request.inputs)
        var notes: [String] = []
        var options: [PlanOption] = []

        let stay = context.current
        if stay == nil, let current = context.currentTargetName {
            notes.append("\(current), where the functions run today, was not simulated: no stay plan, and savings are not measured")
        }
        var stayOption = try stay.map { try context.option(id: "stay", assignment: $0.assignment, fixes: $0.fixes, baseline: nil) }
        if let s = stayOption {
            // Stay is the baseline: no saving, and only its in-place fixes to pay for.
            stayOption?.saving = 0
            stayOption?.netValue = -s.migrationCost
            stayOption?.paybackMonths = s.migrationCost == 0 ? 0 : nil
        }
        let baseline = stayOption?.monthlyCost

        // The cheapest plan over every target, and the cheapest on one provider (and the cluster).
        let cheapest = try Placement.plan(prepared)
        // `within`: the targets the plan may use (the provider's and the cluster), as model indexes.
        var oneProvider: (plan: PlacementPlan, provider: String, within: Set<Int>)?
        for (provider, ids) in context.providers() {
            var subset = request.placement
            subset.targets = request.placement.targets.filter { ids.contains($0.profile.id) || $0.profile.id == request.placement.onPrem }
            let plan = try Placement.plan(subset)
            if let best = oneProvider, !better(plan, than: best.plan) { continue }
            oneProvider = (plan, provider, Set(subset.targets.compactMap { context.prepared.index(of: $0.profile.id) }))
        }
        // The best compliant plan found, which fewest-moves reaches for.
        let searched = [cheapest] + (oneProvider.map { [$0.plan] } ?? [])
        let target = searched.filter(\.isFeasible).min { $0.monthlyCost < $1.monthlyCost } ?? cheapest

        if let stay, let stayOption {
            options.append(stayOption)
            options.append(try context.fewestMoves(from: stay, toward: try context.assignment(of: target), baseline: stayOption.monthlyCost))
        }
        // Every plan that keeps a function on the target it runs on today makes stay's region fix
        // for it too, and pays for it: the same basis for every plan's migration.
        func kept(_ assignment: [Int]) -> [Int: String] {
            stay.map { s in s.fixes.filter { assignment[$0.key] == s.assignment[$0.key] } } ?? [:]
        }
        // Each searched plan keeps only the moves that change its total to the cent.
        if let one = oneProvider {
            let (assignment, undone) = try context.undoingMovesUnderACent(try context.assignment(of: one.plan), within: one.within)
            options.append(try context.option(id: "one-provider", assignment: assignment, fixes: kept(assignment),
                                              baseline: baseline, provider: one.provider, searched: one.plan, undone: undone))
        }
        let (cheapestAssignment, undone) = try context.undoingMovesUnderACent(try context.assignment(of: cheapest))
        options.append(try context.option(id: "cheapest", assignment: cheapestAssignment, fixes: kept(cheapestAssignment),
                                          baseline: baseline, searched: cheapest, undone: undone))
        // Payback counts only what a plan spends beyond stay's own fixes, which every plan that
        // keeps those functions pays too: the same basis as the net values compared.
        if let stay = stayOption {
            for k in options.indices where options[k].id != "stay" {
                guard let saving = options[k].saving else { continue }
                let extra = max(0, options[k].migrationCost - stay.migrationCost)
                options[k].paybackMonths = extra == 0 ? 0 : saving > 0 ? NSDecimalNumber(decimal: extra / saving).doubleValue : nil
            }
        }
        // Name repeats: a later option with the same placement as an earlier one.
        for k in options.indices {
            let placed = options[k].plan.functions.map(\.target)
            options[k].sameAs = options[..<k].first { $0.plan.functions.map(\.target) == placed && $0.fixes == options[k].fixes }?.id
        }
        let (recommended, rationale) = recommend(options, inputs: request.inputs)
        var outcome = DecisionOutcome(options: options, recommended: recommended, rationale: rationale, inputs: request.inputs,
                                      current: context.currentTargetName, notes: notes)
        outcome.thresholds = thresholds(outcome)
        return outcome
    }

    /// Feasible before infeasible, then fewer functions breaking requirements, then cheaper.
    static func better(_ a: PlacementPlan, than b: PlacementPlan) -> Bool {
        // Feasibility first, then how many functions break something, then cost.
        let va = a.functions.filter { !$0.violates.isEmpty }.count, vb = b.functions.filter { !$0.violates.isEmpty }.count
        if va != vb { return va < vb }
        return a.monthlyCost < b.monthlyCost - 0.005
    }

    /// The feasible option of the highest net value over the horizon (the cheapest, when nothing
    /// runs today); fewer moves, then the order of the list, break ties, and net values within
    /// one developer-day's rate are ties. Without a feasible option,
    /// the one breaking the fewest requirements.
    static func recommend(_ options: [PlanOption], inputs: DecisionInputs) -> (String, String) {
        let feasible = options.filter { $0.feasible && $0.sameAs == nil }
        guard !feasible.isEmpty else {
            let least = options.filter { $0.sameAs == nil }.min { ($0.violations.count, $0.monthlyCost) < ($1.violations.count, $1.monthlyCost) }
            return (least?.id ?? options.first?.id ?? "cheapest",
                    "no plan meets every requirement: this one breaks the fewest (\(least?.violations.count ?? 0)); each is named")
        }
        func value(_ o: PlanOption) -> Decimal { o.netValue ?? -o.monthlyCost }
        // Effort is counted in points of about a developer-day: net values closer than one day's
        // rate are within what the estimate can tell apart, so there the plan moving fewer
        // functions wins (with no day rate, only an exact tie).
        let resolution = inputs.dayRateUSD
        func beats(_ o: PlanOption, _ b: PlanOption) -> Bool {
            let d = value(o) - value(b)
            if o.functionsMoved > b.functionsMoved { return d > 0 && d >= resolution }
            if o.functionsMoved < b.functionsMoved { return d >= 0 || d > -resolution }
            return d > 0
        }
        var best = feasible[0]
        for o in feasible.dropFirst() where beats(o, best) { best = o }
        let horizon = "\(inputs.horizonMonths) months"
        let why: String
        if best.netValue == nil {
            why = "nothing runs today, so no migration is priced: the cheapest plan that meets every requirement"
        } else if best.id == "stay" {
            why = "no plan that moves functions saves more over \(horizon) than its migration costs"
        } else {
            why = "the highest saving over \(horizon) after its migration cost, of the plans that meet every requirement"
        }
        return (best.id, why)
    }
}
