import Formatting
import Foundation
import Results

/// Section 1: the recommendation in one paragraph, its totals and savings, and what drives it.
enum Verdict {
    static func blocks(_ c: ReportContext) -> [Block] {
        if let options = DecisionSection.options(c) { return DecisionSection.blocks(c, options) }
        var out = ["## Verdict"]
        if let placement = c.placement {
            out.append(placed(placement, c))
            out.append(contentsOf: drivers(c))
        } else {
            // The answer, what drives it, then what this run could not say.
            let parts = fromSimulation(c).components(separatedBy: "\n\n")
            out.append(parts[0])
            out.append(contentsOf: drivers(c))
            out.append(contentsOf: parts.dropFirst())
        }
        return [.text(out.joined(separator: "\n\n"))]
    }

    /// With the placement section: the split, its total and the savings against both extremes.
    static func placed(_ p: JSONNode, _ c: ReportContext) -> String {
        let functions = p["functions"]?.array ?? []
        var perTarget: [String: Int] = [:]
        for f in functions { perTarget[f["target"]?.string ?? "?", default: 0] += 1 }
        let split = perTarget.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }
            .map { "\(Numbers.count($0.value)) on \(Text.md($0.key))" }.joined(separator: ", ")
        let total = p["monthlyCost"]?.double ?? 0
        var text = "**Run \(split): \(Numbers.usd(total, .compact)) a month.**"
        if let best = p["allCloudBest"], let cost = best["monthlyCost"]?.double {
            let saving = p["savings"]?["vsAllCloudBest"]?.double ?? (cost - total)
            let id = best["target"]?.string ?? "?"
            text += Numbers.cents(saving) == 0 ? " That costs the same as the cheapest all-cloud choice" : " That is \(savingText(saving, of: cost)) against the cheapest all-cloud choice, \(Text.md(id)) at \(Numbers.usd(cost, .compact))"
            if let s = c.standing[id], s.functions > 0, !s.allowedEverywhere {
                text += " (which the requirements rule out for \(Numbers.counted(Double(s.functions - s.allowedFunctions), "function")))"
            }
        }
        if let onPrem = p["allOnPrem"], let cost = onPrem["monthlyCost"]?.double {
            let saving = p["savings"]?["vsAllOnPrem"]?.double ?? (cost - total)
            let servers = onPrem["servers"]?.double.map { " on \(Numbers.counted($0, "server"))" } ?? ""
            text += ", and \(savingText(saving, of: cost)) against running everything on \(Text.md(onPrem["target"]?.string ?? "?"))\(servers) at \(Numbers.usd(cost, .compact))"
        }
        text += "."
        if let current = c.currentTarget, let today = c.cloud.first(where: { $0.id == current }), let todayCost = ReportContext.cost(today), todayCost > 0 {
            text += " Today the functions run on \(Text.md(current)), at \(Numbers.usd(todayCost, .compact)) a month: "
                + (Numbers.cents(todayCost) > Numbers.cents(total) ? "the placement saves \(Numbers.usd(todayCost - total, .compact)) (\(Numbers.percent((todayCost - total) / todayCost, .adaptive)))."
                    : "the placement costs \(Numbers.usd(total - todayCost, .compact)) more.")
        }
        // Functions that have one allowed target decide where the money goes: say so.
        var forced: [String: Int] = [:]
        for f in functions where (f["reason"]?.string ?? "").hasPrefix("the only allowed target") { forced[f["target"]?.string ?? "?", default: 0] += 1 }
        for (target, count) in forced.sorted(by: { $0.key < $1.key }) {
            let others = (perTarget[target] ?? count) - count
            text += " \(Numbers.counted(Double(count), "function")) may run only on \(Text.md(target)) under the requirements"
            text += c.onPrem.contains(where: { $0.id == target }) && others > 0
                ? ": they make the cluster necessary, and \(Numbers.count(others)) more fill the capacity it has anyway." : "."
        }
        if perTarget.count > 2, let best = p["allCloudBest"], let cost = best["monthlyCost"]?.double {
            text += " The split uses \(perTarget.count) platforms; against one (\(Text.md(best["target"]?.string ?? "?"))) it saves \(Numbers.usd(cost - total, .compact)) a month, which has to pay for running the others."
        }
        if let site = p["onPrem"], let target = site["target"]?.string, let servers = site["servers"]?.double, servers > 0 {
            let cost = site["monthlyCost"]?["total"]?.double ?? 0
            text += " The on-prem share needs \(Numbers.counted(servers, "server")) of \(Text.md(target)) (\(Numbers.usd(cost, .compact)) a month, peak \(Numbers.fixed((site["peakMemoryMB"]?.double ?? 0) / 1024, 1)) GB and \(Numbers.fixed(site["peakCores"]?.double ?? 0, 1)) cores)."
        }
        if let algorithm = p["algorithm"]?.string {
            let guarantee = p["guarantee"]?.string.map { ": \(Text.md($0))" } ?? ""
            text += " Placement by \(Text.md(algorithm))\(guarantee)."
        }
        return text
    }

    static func savingText(_ saving: Double, of cost: Double) -> String {
        let share = cost > 0 && abs(saving) <= cost ? " (\(Numbers.percent(abs(saving) / cost, .adaptive)))" : ""
        return saving >= 0 ? "\(Numbers.usd(saving, .compact)) a month less\(share)" : "\(Numbers.usd(-saving, .compact)) a month more\(share)"
    }

    /// Without placement: the cheapest cloud target that serves the whole trace within the
    /// constraints, what the others cost, and what on-prem would need.
    static func fromSimulation(_ c: ReportContext) -> String {
        var text: String
        let monthlyCalls = monthlyInvocations(c)
        if let best = c.bestCloud, let cost = ReportContext.cost(best) {
            let f = best.figures
            let ties = c.tiedBest
            if ties.count > 1 {
                let names = ties.map { Text.md($0.id) }.joined(separator: ", ")
                text = cost == 0
                    ? "**Free grants cover the whole trace on \(ties.count) cloud targets (\(names)); of these, \(Text.md(best.id)) has the lowest p99 latency.**"
                    : "**\(ties.count) cloud targets tie as cheapest at \(Numbers.usd(cost, .compact)) a month (\(names)); of these, \(Text.md(best.id)) has the lowest p99 latency.**"
                text += " On \(Text.md(best.id)): p99 latency"
            } else {
                text = "**Cheapest cloud target for the whole trace: \(Text.md(best.id)), at \(Numbers.usd(cost, .compact)) a month**"
                if monthlyCalls > 0 { text += " (\(Numbers.usd(cost / monthlyCalls * 1e6, .compact)) per million invocations)" }
                text += ", with p99 latency"
            }
            text += " \(Numbers.ms(f.p99Ms, .withUnit))\(c.p99SameEverywhere ? " (the functions' own run time, the same on every target)" : ""), \(Numbers.percent(f.coldStartRate, .adaptive)) cold starts and no call rejected"
            if c.standing[best.id]?.functions ?? 0 > 0 { text += ", every function allowed by its compliance requirements" }
            text += "."
            if let current = c.currentTarget, let today = c.cloud.first(where: { $0.id == current }), let todayCost = ReportContext.cost(today) {
                if ties.contains(where: { $0.id == current }) {
                    text += " That is where the functions run today (\(Text.md(current))): staying is the cheapest choice that meets the constraints."
                } else if todayCost > cost {
                    text += " The functions run on \(Text.md(current)) today, at \(Numbers.usd(todayCost, .compact)) a month: moving saves \(Numbers.usd(todayCost - cost, .compact)) a month (\(Numbers.percent((todayCost - cost) / todayCost, .adaptive)))."
                }
            }
            let others = c.cloud.filter { t in !ties.contains { $0.id == t.id } }
            if let next = others.first(where: { c.shortfall($0) == nil }), let nextCost = ReportContext.cost(next), cost > 0 {
                text += " The next, \(Text.md(next.id)), costs \(Numbers.usd(nextCost, .compact)) (\(Numbers.percent((nextCost - cost) / cost, .adaptive)) more)"
                if let last = others.last, last.id != next.id, let lastCost = ReportContext.cost(last) {
                    text += "; the dearest, \(Text.md(last.id)), \(Numbers.usd(lastCost, .compact)) (\(Numbers.fixed(lastCost / cost, 1))×)"
                }
                text += "."
            }
        } else if c.cloud.isEmpty {
            text = "**No cloud target was simulated**, so there is no cloud price to compare."
        } else {
            text = "**No cloud target serves the whole trace within the constraints:** "
                + c.cloud.map { "\(Text.md($0.id)): \(c.shortfall($0) ?? "")" }.joined(separator: "; ") + "."
        }
        // Cheaper targets that were ruled out are what drives the answer: name them and why.
        if let best = c.bestCloud {
            let cheaper = c.cloud.filter { c.shortfall($0) != nil && ReportContext.cents($0) < ReportContext.cents(best) }
            if !cheaper.isEmpty {
                text += " Cheaper, but ruled out: " + cheaper.map { "\(Text.md($0.id)) at \(Numbers.usd(ReportContext.cost($0) ?? 0, .compact)) (\(c.shortfall($0) ?? ""))" }.joined(separator: "; ") + "."
            }
        }
        text += "\n\nPlacement was not computed in this run, so there is no per-function split between targets, no break-even against volume"
        if !c.onPrem.isEmpty {
            let byMemory = c.onPrem.sorted { ReportContext.peakMemoryGB($0) == ReportContext.peakMemoryGB($1) ? $0.id < $1.id : ReportContext.peakMemoryGB($0) < ReportContext.peakMemoryGB($1) }
            func needs(_ t: TargetResult) -> String { "\(Numbers.count(t.figures.peakInstances)) instances and \(Numbers.fixed(ReportContext.peakMemoryGB(t), 1)) GB on \(Text.md(t.id))" }
            text += " and no on-prem cost of ownership"
            if let low = byMemory.first, let high = byMemory.last {
                text += low.id == high.id ? "; on-prem, the trace needs \(needs(low)) at its peak"
                    : "; on-prem, the trace needs from \(needs(low)) to \(needs(high)) at its peak (see Scaling)"
            }
        }
        text += "."
        return text
    }

    /// The one or two facts behind the answer: what the bill is made of and how concentrated it is.
    static func drivers(_ c: ReportContext) -> [String] {
        guard let best = c.placement == nil ? (c.bestCloud ?? c.cloud.first) : (c.cloud.first { $0.id == c.placement?["allCloudBest"]?["target"]?.string } ?? c.cloud.first),
              let bill = best.figures.monthlyCost else { return [] }
        var facts: [String] = []
        let total = NSDecimalNumber(decimal: bill.total).doubleValue
        let gross = NSDecimalNumber(decimal: bill.compute + bill.requests + bill.initialization + bill.provisioned).doubleValue
        if gross > 0 {
            let compute = NSDecimalNumber(decimal: bill.compute + bill.initialization + bill.provisioned).doubleValue / gross
            let kind = compute >= 0.5 ? "memory-time (GB-s)" : "requests"
            facts.append("On \(Text.md(best.id)), \(Numbers.percent(max(compute, 1 - compute), .adaptive)) of the bill before free grants is \(kind): " +
                         (compute >= 0.5 ? "memory size and duration matter more than call counts." : "call volume matters more than memory or duration."))
        }
        let costs = best.functions.map { f in f.figures.monthlyCost.map { NSDecimalNumber(decimal: $0.total).doubleValue } ?? 0 }.sorted(by: >)
        let sum = costs.reduce(0, +)
        if sum > 0, costs.count > 5 {
            let top = min(5, costs.count)
            let share = costs.prefix(top).reduce(0, +) / sum
            facts.append("The \(top) most expensive of \(Numbers.count(costs.count)) functions make \(Numbers.percent(share, .adaptive)) of that cost.")
        }
        if total == 0 { facts.append("Free grants cover the whole bill on \(Text.md(best.id)).") }
        guard !facts.isEmpty else { return [] }
        return ["What drives it: " + facts.joined(separator: " ")]
    }

    static func monthlyInvocations(_ c: ReportContext) -> Double {
        Double(c.doc.targets.first?.figures.invocations ?? 0) * 30 / max(c.doc.days, 1e-9)
    }
}
