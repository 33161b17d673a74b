import Formatting
import Foundation
import Results

/// Below the findings: how the plans were built, what each search guarantees, the rules of the
/// named plans, and the figures the decision weighs with their sources.
enum HowDecidedSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        guard let p = c.placement, let options = DecisionSection.options(c) else { return [] }
        var out = ["## How this was decided"]
        out.append("""
            Four plans are built from the same replay and priced with the same bills. **stay** keeps every function where it runs \
            today (`current` in the lock-in section), fixing in place what only a region breaks. **cheapest** places each function on \
            any target, cloud or the on-prem cluster, for the lowest monthly total that meets its requirements. **one-provider** does \
            the same over one cloud provider's targets and the cluster (Lambda x86 and arm64 count as one provider, as do Azure's \
            plans and Google's); every provider is tried and the best kept. Both then undo their moves, smallest saving first, while \
            the re-priced total stays at the same cent (one cent's allowance for all of them; one-provider only back to its \
            provider's targets): an account inside a target's free grants costs nothing there, so its functions can tie between \
            targets, and moving them would only add migration. **fewest-moves** starts from stay, makes the moves \
            compliance forces, then takes the moves of the best compliant plan by their saving, largest first, until it reaches \
            \(Numbers.percent(p["fewestMovesShare"]?.double ?? 0, .adaptive)) of that plan's saving; every prefix is re-priced exactly, since \
            free grants, tiers and whole servers do not add up. A plan that breaks a requirement never ranks above one that meets \
            them all; among those that do, the recommendation is the highest net value (saving over the horizon less the migration), \
            fewer moves breaking ties.
            """)
        var method: [String] = []
        for o in options where o.sameAs == nil {
            let node = c.placement?["options"]?.array?.first { Text.md($0["id"]?.string ?? "") == o.id }
            let algorithm = node?["algorithm"]?.string ?? ""
            let guarantee = node?["guarantee"]?.string ?? ""
            method.append("- **\(o.id)**: \(Text.md(algorithm))\(guarantee.isEmpty ? "" : ", \(Text.md(guarantee))").")
        }
        out.append(method.joined(separator: "\n"))
        var references: [String] = []
        if let best = p["allCloudBest"], let id = best["target"]?.string, let cost = best["monthlyCost"]?.double {
            var line = "Every function on the single cheapest cloud target, \(Text.md(id)), would cost \(Numbers.usd(cost, .compact)) a month"
            if let s = c.standing[id], s.functions > 0, !s.allowedEverywhere {
                line += ", but the requirements rule it out for \(Numbers.counted(Double(s.functions - s.allowedFunctions), "function"))"
            }
            references.append(line + ".")
        }
        if let all = p["allOnPrem"], let id = all["target"]?.string, let cost = all["monthlyCost"]?.double {
            let servers = all["servers"]?.double.map { " on \(Numbers.counted($0, "server"))" } ?? ""
            references.append("Every function on \(Text.md(id))\(servers) would cost \(Numbers.usd(cost, .compact)) a month.")
        }
        if !references.isEmpty { out.append(references.joined(separator: " ")) }
        var figures: [String] = []
        let sources = p["inputSources"]?.object ?? [:]
        func source(_ key: String) -> String { sources[key]?.string.map { " (\(Text.md($0)))" } ?? "" }
        if let rate = p["dayRateUSD"]?.double { figures.append("- a developer-day of migration: \(Numbers.usd(rate, .compact))\(source("dayRateUSD")); `--day-rate` sets yours") }
        if let h = p["horizonMonths"]?.double { figures.append("- the horizon: \(Numbers.count(h)) months\(source("horizonMonths")); `--horizon`") }
        figures.append("- effort points per move: docs/lockin.md (handler, trigger, orchestration, bindings, packaging); a region move in place\(source("regionMovePoints"))")
        out.append("The decision weighs:\n\n" + figures.joined(separator: "\n"))
        return [.text(out.joined(separator: "\n\n"))]
    }
}
