import Foundation
import Simulation

/// The deciding plans priced again on a replay with one assumption changed.
public struct ScenarioOutcome: Sendable {
    /// `one-call-per-instance`, `one-account`, `retirement`, `effort-per-app`, `memory-less`, `memory-half`, `memory-double`.
    public var id: String
    /// What was changed, in a clause: "memory half of what was inferred for 138 functions".
    public var change: String
    /// Monthly cost of each option re-priced, by option id (the options it re-simulated).
    public var monthlyCost: [String: Decimal]
    /// The option the same rule recommends under this change.
    public var recommended: String
    /// Where between today's assumption and this change the recommendation turns, when it does.
    public var threshold: String?
    /// Each option's net value over the horizon under this change, USD, by option id: what the rule compares.
    public var netValue: [String: Decimal] = [:]
    /// For the retirement what-if: what retires when, and the forced move each plan then makes;
    /// for `effort-per-app`, that forced move counted the what-if's way.
    public var retirement: Retirement?
    /// For `effort-per-app`: each option's effort points counted the what-if's way, by option id,
    /// and, when a target retires inside the horizon, each option's net value with the retirement
    /// (the retirement what-if's), its own migration and the forced move counted that way.
    public var effortPoints: [String: Int] = [:]
    public var netWithRetirement: [String: Decimal] = [:]
    /// The option the same rule recommends on `netWithRetirement`.
    public var recommendedWithRetirement: String?

    /// A target retiring inside the horizon and the move it forces on each deciding plan.
    public struct Retirement: Sendable, Equatable {
        public var target: String
        public var successor: String
        /// The retirement date (`status.retires`), and the whole months from the prices' date to it.
        public var date: String
        public var months: Int
        /// Effort points of moving what each plan keeps on `target` to where it lands, and their cost at the day rate.
        public var forcedPoints: [String: Int]
        public var forcedCost: [String: Decimal]
        /// Where each plan's forced functions land, by target id: the successor, or wherever a
        /// function costs less over the months left, its move included (`Decision.landing`).
        public var landing: [String: [String: Int]] = [:]
        /// Functions on `target` today that made no call in the trace: no plan places them, so every
        /// plan's forced move includes them (on the successor, in `landing` and `forcedPoints`).
        public var idleFunctions = 0
        /// What of `target` retires when only a variant does (its profile's `status.retiresOnly`,
        /// "Linux apps"): the what-if then holds for those only.
        public var retiresOnly: String?
        /// Per plan, the redeploy points its forced move saves when each app's functions landing
        /// on one target are redeployed once (`Decision.sharedRedeploys`; the effort what-if's count).
        public var sharedRedeploys: [String: Int] = [:]
    }
}

extension Decision {
    /// What-ifs for the assumptions that most often decide a verdict and that only a replay can
    /// price: calls that share an instance slowing each other (one call per instance instead),
    /// the trace's owners billed as one account instead of one each, a target retiring inside the
    /// horizon, an app's functions that move together counted as redeployed once, and inferred
    /// memory 10 % lower, half or twice as large. Each replays the targets of the recommended
    /// plan, stay and the runner-up with the change, re-prices those plans' placements (same
    /// functions, same targets, same migration costs) and applies the same rule; the retirement
    /// and the effort what-ifs need no replay (`retirement`, `effortPerApp`).
    public static func scenarios(_ outcome: DecisionOutcome, request: DecisionRequest, workload: Workload,
                                 options: SimulationOptions) throws -> [ScenarioOutcome] {
        let deciding = decidingOptions(outcome)
        guard deciding.count > 1 else { return [] }
        let ids = Set(deciding.flatMap { $0.plan.functions.map(\.target) })
        let targets = request.placement.targets.filter { ids.contains($0.profile.id) }
        var out: [ScenarioOutcome] = []

        let shared = targets.filter { $0.model.highestConcurrency > 1 }
        if !shared.isEmpty {
            var changed = targets
            for k in changed.indices where changed[k].model.highestConcurrency > 1 { changed[k].model.concurrencyCap = 1 }
            let names = shared.map(\.profile.id).joined(separator: ", ")
            var single = try reprice(outcome, deciding, request: request, workload: workload, targets: changed, options: options,
                                     id: "one-call-per-instance", change: "one call at a time per instance on \(names) (as if calls sharing an instance slowed each other)")
            if single.recommended != outcome.recommended {
                // Bisect the calls an instance may hold: the most at which the recommendation still turns.
                var low = 1, high = shared.map(\.model.highestConcurrency).max() ?? 1
                while high - low > 1 {
                    let mid = (low + high) / 2
                    var capped = targets
                    for k in capped.indices where capped[k].model.highestConcurrency > mid { capped[k].model.concurrencyCap = mid }
                    let probe = try reprice(outcome, deciding, request: request, workload: workload, targets: capped, options: options, id: "", change: "")
                    if probe.recommended != outcome.recommended { low = mid } else { high = mid }
                }
                single.threshold = "the recommendation turns at \(low) or fewer calls per instance, holds at \(high) or more"
            }
            out.append(single)
        }
        let accounts = request.placement.result.accounts
        if workload.accounts == .perOwner, accounts.count > 1 {
            // Owners the trace names may be one organisation's: one free grant and one set of tiers for all.
            var one = workload
            one.accounts = .one
            out.append(try reprice(outcome, deciding, request: request, workload: one, targets: targets, options: options, id: "one-account",
                                   change: "the \(accounts.count) owners' accounts billed as one account (one free grant, one set of volume tiers and one concurrency quota for all)"))
        }
        let retirement = try retirement(outcome, deciding, request: request)
        if let retirement { out.append(retirement) }
        if let perApp = try effortPerApp(outcome, deciding, base: retirement, request: request) { out.append(perApp) }
        let inferred = workload.apps.flatMap(\.functions).filter { $0.memoryOrigin.kind == "app-share" || $0.memoryOrigin.kind == "assumed" }.count
        if inferred > 0 {
            // 10 % below catches a memory just over a billing step (135 MB billed as 256 MB in 128 MB steps).
            for (factor, id, word) in [(0.9, "memory-less", "10 % below"), (0.5, "memory-half", "half"), (2.0, "memory-double", "twice")] {
                out.append(try reprice(outcome, deciding, request: request, workload: scaledMemory(workload, by: factor), targets: targets,
                                       options: options, id: id,
                                       change: "memory \(word) what was inferred for \(inferred) function\(inferred == 1 ? "" : "s")"))
            }
        }
        return out
    }

    /// Stay, the recommended option and the runner-up by net value (distinct placements only).
    static func decidingOptions(_ outcome: DecisionOutcome) -> [PlanOption] {
        let distinct = outcome.options.filter { $0.sameAs == nil }
        var picked = distinct.filter { $0.id == "stay" || $0.id == outcome.recommended }
        let rest = distinct.filter { o in o.feasible && !picked.contains { $0.id == o.id } }
        if let runner = rest.max(by: { ($0.netValue ?? -$0.monthlyCost) < ($1.netValue ?? -$1.monthlyCost) }) { picked.append(runner) }
        return picked
    }

    static func reprice(_ outcome: DecisionOutcome, _ deciding: [PlanOption], request: DecisionRequest, workload: Workload,
                        targets: [SimulationTarget], options: SimulationOptions, id: String, change: String) throws -> ScenarioOutcome {
        let result = try Simulator.run(workload, targets: targets, options: options)
        var placement = request.placement
        placement.result = result
        placement.targets = targets
        if let onPrem = placement.onPrem, !targets.contains(where: { $0.profile.id == onPrem }) { placement.onPrem = nil }
        let prepared = try Placement.prepare(placement)
        var costs: [String: Decimal] = [:]
        for o in deciding {
            let assignment = o.plan.functions.compactMap { prepared.index(of: $0.target) }
            guard assignment.count == o.plan.functions.count else { continue }
            costs[o.id] = PlanContext.cents(try Optimiser.rebuild(prepared.model, assignment).total)
        }
        // The same rule on the re-priced options: saving against stay, the same migrations.
        let repriced: [PlanOption] = deciding.compactMap { o in
            guard let cost = costs[o.id] else { return nil }
            var r = o
            r.monthlyCost = cost
            if let stay = costs["stay"] {
                r.saving = stay - cost
                r.netValue = (stay - cost) * Decimal(request.inputs.horizonMonths) - o.migrationCost
            }
            return r
        }
        var out = ScenarioOutcome(id: id, change: change, monthlyCost: costs, recommended: recommend(repriced, inputs: request.inputs).0)
        for r in repriced { out.netValue[r.id] = r.netValue }
        return out
    }

    /// The workload with every inferred memory (an app's share, or assumed) scaled by `factor`.
    static func scaledMemory(_ workload: Workload, by factor: Double) -> Workload {
        var w = workload
        for a in w.apps.indices {
            for f in w.apps[a].functions.indices {
                var fn = w.apps[a].functions[f]
                switch fn.memoryOrigin {
                case .appShare(let appMB, let functions, _):
                    fn.memoryMB = appMB / Double(max(functions, 1)) * factor
                    fn.memoryOrigin = .appShare(appMB: appMB * factor, functions: functions, floorMB: nil)
                case .assumed:
                    fn.memoryMB *= factor
                default: break
                }
                w.apps[a].functions[f] = fn
            }
        }
        return w
    }
}
