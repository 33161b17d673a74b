import Formatting
import Foundation
import Results

/// Section 3: the most expensive functions by name (the rest summed), where each goes and why.
enum FunctionsSection {
    /// Functions named in the table; the others share one line.
    static let shown = 15

    static func blocks(_ c: ReportContext) -> [Block] {
        if let placement = c.placement, let functions = placement["functions"]?.array, !functions.isEmpty {
            return [.text(placed(functions, c, total: placement["monthlyCost"]?.double))]
        }
        guard let best = c.bestCloud ?? c.cloud.first else { return [] }
        return [.text(fromSimulation(best, c))]
    }

    static func placed(_ functions: [JSONNode], _ c: ReportContext, total placementTotal: Double?) -> String {
        let calls = invocationsByFunction(c)
        let sorted = functions.sorted {
            let a = $0["monthlyCost"]?.double ?? 0, b = $1["monthlyCost"]?.double ?? 0
            return a == b ? ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") : a > b
        }
        var rows: [[String]] = []
        for f in sorted.prefix(shown) {
            let id = f["id"]?.string ?? "\(f["app"]?.string ?? "")/\(f["function"]?.string ?? "")"
            rows.append([Text.name(f["function"]?.string ?? id), Text.name(f["app"]?.string ?? ""),
                         calls[id].map(Numbers.count) ?? "–", Text.md(f["target"]?.string ?? "?"),
                         Numbers.usd(f["monthlyCost"]?.double ?? 0, .compact), Text.md(f["reason"]?.string ?? "")])
        }
        let rest = sorted.dropFirst(shown)
        if !rest.isEmpty {
            var perTarget: [String: Int] = [:]
            for f in rest { perTarget[f["target"]?.string ?? "?", default: 0] += 1 }
            let split = perTarget.sorted { $0.key < $1.key }.map { "\(Numbers.count($0.value)) on \(Text.md($0.key))" }.joined(separator: ", ")
            let restCalls = rest.reduce(0) { $0 + (calls[$1["id"]?.string ?? ""] ?? 0) }
            rows.append(["\(Numbers.count(rest.count)) other functions", "", Numbers.count(restCalls), split,
                         Numbers.usd(rest.reduce(0) { $0 + ($1["monthlyCost"]?.double ?? 0) }, .compact), ""])
        }
        let sum = functions.reduce(0) { $0 + ($1["monthlyCost"]?.double ?? 0) }
        let total = placementTotal ?? sum
        // What placement costs beyond the functions' shares (an on-prem cluster's fixed part).
        if abs(total - sum) >= 0.005 {
            let servers = c.placement?["onPrem"]?["servers"]?.double ?? 0
            rows.append(["not shared out to functions", "", "", "", Numbers.usd(total - sum, .compact), servers > 0 ? "the on-prem cluster's fixed costs and rounding" : "rounding"])
        }
        rows.append(["**total**", "", "", "", "**\(Numbers.usd(total, .compact))**", ""])
        return ["## Placement per function",
                "The \(min(shown, functions.count)) most expensive functions of \(Numbers.count(functions.count)), by their monthly cost where they are placed (each its share of its own account's bill, by billed GB-s and requests: an account inside its free grants pays nothing); invocations are those of the trace.",
                table(["function", "app", "invocations", "placed on", "USD / month", "why"], rows, right: [2, 4])].joined(separator: "\n\n")
    }

    static func fromSimulation(_ best: TargetResult, _ c: ReportContext) -> String {
        let eligible = c.cloud.filter { c.shortfall($0) == nil }
        let byTarget = Dictionary(uniqueKeysWithValues: eligible.map { t in (t.id, Dictionary(t.functions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })) })
        let sorted = best.functions.sorted {
            let a = cost($0), b = cost($1)
            return a == b ? $0.id < $1.id : a > b
        }
        var rows: [[String]] = []
        for f in sorted.prefix(shown) {
            var cheapest = (id: best.id, cost: cost(f))
            for t in eligible where t.id != best.id {
                if let other = byTarget[t.id]?[f.id], other.figures.rejected == 0, cost(other) < cheapest.cost { cheapest = (t.id, cost(other)) }
            }
            let why = cheapest.id == best.id ? "cheapest here too"
                : "\(Text.md(cheapest.id)) bills it \(Numbers.usd(cheapest.cost, .compact)) (\(Numbers.percent((cost(f) - cheapest.cost) / max(cost(f), 1e-12), .adaptive)) less)"
            rows.append([Text.name(f.function), Text.name(f.app), Numbers.count(f.figures.invocations), String(format: "%.0f MB", f.memoryMB),
                         Numbers.ms(f.figures.p99Ms, .withUnit), Numbers.percent(f.figures.coldStartRate, .adaptive), Numbers.usd(cost(f), .compact), why])
        }
        let rest = sorted.dropFirst(shown)
        if !rest.isEmpty {
            let calls = rest.reduce(0) { $0 + $1.figures.invocations }
            let colds = rest.reduce(0) { $0 + $1.figures.coldStarts }
            rows.append(["\(Numbers.count(rest.count)) other functions", "", Numbers.count(calls), "", "",
                         calls > 0 ? Numbers.percent(Double(colds) / Double(calls), .adaptive) : "–", Numbers.usd(rest.reduce(0) { $0 + cost($1) }, .compact), ""])
        }
        rows.append(["**total**", "", Numbers.count(best.figures.invocations), "", "", "", "**\(Numbers.usd(ReportContext.cost(best) ?? 0, .compact))**", ""])
        var intro = "Placement was not computed, so every function is shown on \(Text.md(best.id)), the cheapest cloud target that meets the constraints for the whole trace, "
            + "by its share of that bill (free grants spread by use)."
        var header = ["function", "app", "invocations", "memory", "p99", "cold starts", "USD / month on \(Text.md(best.id))", "cheaper elsewhere?"]
        if rows.dropLast().allSatisfy({ $0[7].isEmpty || $0[7] == "cheapest here too" }) {
            intro += " No other eligible cloud target bills any of the functions shown for less."
            header.removeLast()
            rows = rows.map { Array($0.dropLast()) }
        } else {
            intro += " The last column names an eligible cloud target that would bill the function alone for less, "
                + "a hint for a split that placement would weigh against running two platforms."
        }
        return ["## Functions", intro, table(header, rows, right: [2, 3, 4, 5, 6])].joined(separator: "\n\n")
    }

    static func cost(_ f: FunctionResult) -> Double {
        f.figures.monthlyCost.map { NSDecimalNumber(decimal: $0.total).doubleValue } ?? 0
    }

    static func invocationsByFunction(_ c: ReportContext) -> [String: Int] {
        Dictionary((c.doc.targets.first?.functions ?? []).map { ($0.id, $0.figures.invocations) }, uniquingKeysWith: { a, _ in a })
    }
}
