import Foundation

/// Searches placements of a `PlacementModel` for the cheapest total.
///
/// Both searches rely on one property of the costs: each target's monthly cost never falls when
/// a function is added to it (cloud bills grow with usage, tiers and free grants included; the
/// cluster's servers, power and people grow with the peak and mean of its load). So the cost of
/// a partial placement is a lower bound of every completion of it.
enum Optimiser {
    struct Outcome {
        var assignment: [Int]
        var total: Double
        var exact: Bool
    }

    /// Exact when the branch and bound finishes within `nodeBudget` nodes (small inputs), else
    /// greedy + improvement. `standalone[t][i]`: function i's share of its account's bill on
    /// target t; `gross[t][i]`, the same before free grants, decides between targets where the
    /// shares are equal (a function whose account stays inside the grants of several targets costs nothing on each).
    static func solve(_ model: PlacementModel, standalone: [[Double]], gross: [[Double]]? = nil, exactLimit: Int, nodeBudget: Int = 2_000_000) throws -> Outcome {
        let greedy = try greedyImproved(model, standalone: standalone, gross: gross)
        guard model.count <= exactLimit else { return greedy }
        if let exact = try branchAndBound(model, incumbent: greedy, standalone: standalone, gross: gross, nodeBudget: nodeBudget) { return exact }
        return greedy
    }

    /// Whether target `a` is cheaper than `b` for function `i`: by its share, then before grants,
    /// then by index.
    private static func cheaper(_ a: Int, _ b: Int, for i: Int, _ standalone: [[Double]], _ gross: [[Double]]?) -> Bool {
        (standalone[a][i], gross?[a][i] ?? 0, a) < (standalone[b][i], gross?[b][i] ?? 0, b)
    }

    /// Greedy fill of the cluster, then single-function moves while one lowers the total.
    ///
    /// Starts from every function on its cheapest allowed cloud target (by its simulated share);
    /// then adds on-prem candidates one by one in order of cloud cost per unit of the server they
    /// take (the unit's peak memory or busy cores, whichever fills a server first) and keeps the
    /// best prefix, which captures "fill the servers bought anyway". Then best-improvement local
    /// search over moving one function to another allowed target. Guarantee: no single move
    /// lowers the total, and the total is no higher than all-cloud-cheapest-per-function nor
    /// than any prefix of the fill order (all-on-prem where allowed included).
    static func greedyImproved(_ model: PlacementModel, standalone: [[Double]], gross: [[Double]]? = nil) throws -> Outcome {
        var state = PlacementState(model: model)
        let cheapestCloud: [Int] = (0..<model.count).map { i in
            let clouds = model.allowed[i].filter { $0 != model.onPrem }
            return clouds.min { cheaper($0, $1, for: i, standalone, gross) } ?? model.allowed[i][0]
        }
        for i in 0..<model.count { try state.add(i, cheapestCloud[i]) }
        var best = (state.assignment, state.total)
        if let p = model.onPrem {
            let serverMB = model.inputs.serverMemoryGB * 1024, cores = model.inputs.serverCores
            let weight: [Double] = (0..<model.count).map { i in
                let s = model.units[model.unitOf[i]]
                return max((s.memoryMB.max() ?? 0) / serverMB, (s.busyCalls.max() ?? 0) / cores) + 1e-12
            }
            let order = (0..<model.count)
                .filter { state.assignment[$0] != p && model.allowed[$0].contains(p) }
                .sorted { a, b in
                    let da = standalone[state.assignment[a]][a] / weight[a], db = standalone[state.assignment[b]][b] / weight[b]
                    return da != db ? da > db : a < b
                }
            for i in order {
                try state.move(i, to: p)
                if state.total < best.1 - 1e-9 { best = (state.assignment, state.total) }
            }
        }
        state = try rebuild(model, best.0)
        // Best-improvement single moves; each strictly lowers the total, so no placement repeats
        // and the search ends (no iteration cap: the guarantee holds whenever it returns).
        while true {
            var bestMove: (Int, Int, Double)?
            let current = state.total
            for i in 0..<model.count {
                for t in model.allowed[i] where t != state.assignment[i] {
                    let cost = try state.costIf(i, movedTo: t)
                    if cost < current - 1e-9, cost < (bestMove?.2 ?? .infinity) { bestMove = (i, t, cost) }
                }
            }
            guard let (i, t, _) = bestMove else { break }
            try state.move(i, to: t)
        }
        return Outcome(assignment: state.assignment, total: state.total, exact: false)
    }

    /// Depth-first branch and bound: functions in order of how much their choice matters, each
    /// target tried cheapest first; a branch is cut when its partial cost reaches the best
    /// complete total. Nil when it would take more than `nodeBudget` nodes.
    static func branchAndBound(_ model: PlacementModel, incumbent: Outcome, standalone: [[Double]], gross: [[Double]]? = nil, nodeBudget: Int) throws -> Outcome? {
        let spread: [Double] = (0..<model.count).map { i in
            let costs = model.allowed[i].map { standalone[$0][i] }
            return (costs.max() ?? 0) - (costs.min() ?? 0) + (model.allowed[i].contains { $0 == model.onPrem } ? 1e6 : 0)
        }
        let order = (0..<model.count).sorted { spread[$0] != spread[$1] ? spread[$0] > spread[$1] : $0 < $1 }
        let choices = order.map { i in model.allowed[i].sorted { cheaper($0, $1, for: i, standalone, gross) } }
        var state = PlacementState(model: model)
        var best = incumbent
        var nodes = 0
        var exhausted = false
        func visit(_ depth: Int) throws {
            if exhausted { return }
            if depth == order.count {
                if state.total < best.total - 1e-9 { best = Outcome(assignment: state.assignment, total: state.total, exact: true) }
                return
            }
            let i = order[depth]
            for t in choices[depth] {
                nodes += 1
                if nodes > nodeBudget { exhausted = true; return }
                try state.add(i, t)
                if state.total < best.total - 1e-9 { try visit(depth + 1) }
                try state.remove(i)
                if exhausted { return }
            }
        }
        try visit(0)
        guard !exhausted else { return nil }
        best.exact = true
        return best
    }

    static func rebuild(_ model: PlacementModel, _ assignment: [Int]) throws -> PlacementState {
        var state = PlacementState(model: model)
        for (i, t) in assignment.enumerated() { try state.add(i, t) }
        return state
    }
}
