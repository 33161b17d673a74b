import Formatting
import Foundation

/// Terminal text for a placement and its break-even analysis.
public enum PlacementText {
    /// Functions listed one per line, dearest first (requirements relaxed always shown).
    public static let functionLimit = 40

    /// The plans compared and the recommendation, then the recommended plan in full.
    public static func render(_ decision: DecisionOutcome, breakEven: BreakEvenAnalysis?) -> String {
        var lines: [String] = []
        let i = decision.inputs
        lines.append("Plans (saving against stay; migration at \(money(i.dayRateUSD)) a developer-day; net value over \(i.horizonMonths) months)")
        lines.append(pad("plan", 14) + padLeft("USD/month", 13) + padLeft("saving", 12) + padLeft("moved", 7) + padLeft("points", 8)
                     + padLeft("migration", 14) + padLeft("payback", 10) + padLeft("net value", 15) + "  requirements")
        for o in decision.options {
            let payback = o.paybackMonths.map { $0 == 0 ? "now" : String(format: "%.1f mo", $0) } ?? "never"
            let met = o.feasible ? "met" : "\(o.violations.count) broken"
            lines.append(pad(o.id + (o.id == decision.recommended ? " *" : ""), 14) + padLeft(money(o.monthlyCost), 13)
                         + padLeft(o.saving.map(money) ?? "–", 12) + padLeft(String(o.functionsMoved), 7) + padLeft(String(o.effortPoints), 8)
                         + padLeft(money(o.migrationCost), 14) + padLeft(o.saving == nil ? "–" : payback, 10)
                         + padLeft(o.netValue.map(money) ?? "–", 15) + "  " + met + (o.sameAs.map { " (same as \($0))" } ?? ""))
        }
        lines.append("* recommended: \(decision.rationale)")
        for note in decision.notes { lines.append("note: \(note)") }
        guard let choice = decision.choice else { return lines.joined(separator: "\n") + "\n" }
        for o in decision.options where !o.violations.isEmpty && o.sameAs == nil {
            lines.append("\(o.id) breaks: " + o.violations.prefix(3).joined(separator: "; ") + (o.violations.count > 3 ? "; and \(o.violations.count - 3) more" : ""))
        }
        for fix in choice.fixes { lines.append("fix in place: \(fix)") }
        for risk in choice.risks { lines.append("risk: \(risk)") }
        lines.append("")
        lines.append("Recommended plan: \(choice.id), \(choice.summary)")
        return lines.joined(separator: "\n") + "\n" + render(choice.plan, breakEven: breakEven)
    }

    public static func render(_ plan: PlacementPlan, breakEven: BreakEvenAnalysis?) -> String {
        var lines: [String] = []
        lines.append("Placement (\(plan.algorithm)): \(money(plan.monthlyCost))/month")
        if let c = plan.allCloudBest {
            lines.append("  all on \(c.target) (cheapest single cloud): \(money(c.monthlyCost))/month, saving \(money(c.monthlyCost - plan.monthlyCost))")
        }
        if let o = plan.allOnPrem {
            lines.append("  all on \(o.target) (\(Numbers.counted(o.servers, "server"))): \(money(o.monthlyCost))/month, saving \(money(o.monthlyCost - plan.monthlyCost))")
        }
        lines.append("  guarantee: \(plan.guarantee)")
        if let c = plan.onPrem {
            let e = c.estimate, k = e.cost
            if e.servers > 0 {
                lines.append("  cluster \(c.target): \(Numbers.counted(e.servers, "server")) for a peak of \(Numbers.count(e.demand.peakMemoryMB)) MB and \(String(format: "%.1f", e.demand.peakCores)) cores (+ control plane \(Numbers.count(c.controlPlane.memoryMB)) MB, \(String(format: "%.2f", c.controlPlane.cores)) cores)")
                lines.append("    \(money(k.total))/month = hardware \(money(k.hardware)) + power \(money(k.power)) + space \(money(k.space)) + people \(money(k.people)) + licences \(money(k.licences))"
                             + (k.capacity > 0 ? " + owned capacity \(money(k.capacity))" : ""))
            } else if k.capacity > 0 {
                lines.append("  cluster \(c.target): fits the owned cluster's spare capacity (\(String(format: "%.1f", e.ownedCores)) cores, \(String(format: "%.1f", e.ownedMemoryGB)) GB)")
                lines.append("    \(money(k.total))/month = owned capacity \(money(k.capacity)) + people \(money(k.people)) + licences \(money(k.licences))")
            } else {
                lines.append("  cluster \(c.target): not needed (nothing placed on-prem)")
            }
            for key in ["cpu", "memory", "site", "people", "owned"] {
                if let b = c.basis[key] { lines.append("    \(key): \(b)") }
            }
            if !c.assumed.isEmpty { lines.append("    assumed: \(c.assumed.joined(separator: ", "))") }
        }
        var counts: [String: (Int, Double)] = [:]
        for f in plan.functions { counts[f.target, default: (0, 0)].0 += 1; counts[f.target, default: (0, 0)].1 += f.monthlyCost }
        lines.append("")
        lines.append("target               functions    USD/month")
        for (t, v) in counts.sorted(by: { $0.key < $1.key }) {
            lines.append(pad(t, 20) + padLeft(String(v.0), 10) + padLeft(money(v.1), 13))
        }
        lines.append("")
        // The dearest functions, and any whose requirements were relaxed; every one is in the JSON.
        let order = plan.functions.indices.sorted { a, b in
            let fa = plan.functions[a], fb = plan.functions[b]
            return (fa.violates.isEmpty ? 1 : 0, -fa.monthlyCost, a) < (fb.violates.isEmpty ? 1 : 0, -fb.monthlyCost, b)
        }
        let shown = order.prefix(max(functionLimit, plan.functions.filter { !$0.violates.isEmpty }.count))
        lines.append("function                                  target               USD/month  why")
        for f in shown.map({ plan.functions[$0] }) {
            lines.append(pad(f.app.prefix(12) + "/" + f.function.prefix(28), 42) + pad(f.target, 20) + padLeft(money(f.monthlyCost), 10) + "  " + f.reason)
        }
        if shown.count < plan.functions.count {
            lines.append("… and \(plan.functions.count - shown.count) cheaper functions (every function's place and reason are in --json)")
        }
        for note in plan.notes { lines.append("note: \(note)") }
        if let b = breakEven {
            lines.append("")
            lines.append("Monthly cost as the volume is scaled (USD)")
            lines.append(pad("target", 20) + b.scales.map { padLeft(scale($0), 10) }.joined())
            for c in b.targets {
                lines.append(pad(c.id, 20) + c.monthlyCost.map { padLeft(Numbers.count($0), 10) }.joined())
            }
            lines.append("")
            lines.append("Break-even: on-prem overtakes")
            for c in b.crossovers {
                if let k = c.scale, let m = c.monthlyInvocations {
                    lines.append("  \(pad(c.cloud, 20)) at \(scale(k)) the volume (\(Numbers.count(m)) invocations/month)")
                } else {
                    lines.append("  \(pad(c.cloud, 20)) never between 0.001× and 10,000×")
                }
            }
            if !b.sensitivity.isEmpty {
                lines.append("")
                lines.append("Sensitivity (break-even volume factor per cloud target; most decisive input first)")
                lines.append(pad("parameter", 22) + b.crossovers.map { padLeft(String($0.cloud.prefix(17)), 18) }.joined())
                lines.append(pad("as given", 22) + b.crossovers.map { padLeft($0.scale.map(scale) ?? "never", 18) }.joined())
                for s in b.sensitivity {
                    lines.append(pad("\(s.parameter) ×\(Numbers.number(s.factor, .trimmed))", 22) + s.crossovers.map { padLeft($0.scale.map(scale) ?? "never", 18) }.joined())
                }
                if !b.ranking.isEmpty {
                    lines.append("ranking (decades of volume the break-even moves, mean over cloud targets): "
                                 + b.ranking.map { "\($0.parameter) \(String(format: "%.2f", $0.decades))" }.joined(separator: ", "))
                }
            }
            for note in b.notes { lines.append("note: \(note)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each on-prem platform's cluster with the whole trace on it, one block each.
    public static func render(onPrem clusters: [OnPremCluster]) -> String {
        guard !clusters.isEmpty else { return "" }
        var lines = ["", "Every on-prem platform with the whole trace on it (USD/month)"]
        for c in clusters {
            let e = c.estimate, k = e.cost
            lines.append("  \(pad(c.target, 14)) \(padLeft(money(k.total), 12))  \(Numbers.counted(e.servers, "server")) = hardware \(money(k.hardware)) + power \(money(k.power)) + space \(money(k.space)) + people \(money(k.people)) + licences \(money(k.licences))"
                         + (k.capacity > 0 ? " + owned capacity \(money(k.capacity))" : ""))
            lines.append("    control plane \(Numbers.count(c.controlPlane.memoryMB)) MB, \(String(format: "%.2f", c.controlPlane.cores)) cores: \(c.basis["controlPlane"] ?? "")")
            if let licence = c.basis["licence"] { lines.append("    licence: \(licence)") }
        }
        // What every platform's figure rests on (the same inputs for each).
        if let first = clusters.first {
            for key in ["cpu", "memory", "site", "people", "owned"] {
                if let b = first.basis[key] { lines.append("  \(key): \(b)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func money(_ x: Decimal) -> String { Numbers.usd(x, .cents) }
    static func money(_ x: Double) -> String { Numbers.usd(x, .cents) }
    static func scale(_ k: Double) -> String { Numbers.number(k, .factor) + "×" }
    static func pad<S: StringProtocol>(_ s: S, _ n: Int) -> String { s.count >= n ? String(s) + " " : String(s) + String(repeating: " ", count: n - s.count) }
    static func padLeft(_ s: String, _ n: Int) -> String { s.count >= n ? " " + s : String(repeating: " ", count: n - s.count) + s }
}
