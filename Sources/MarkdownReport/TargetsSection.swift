import Formatting
import Foundation
import Results

/// Section 2: every target side by side, and a bar chart of the cloud bills.
enum TargetsSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        let monthlyCalls = Verdict.monthlyInvocations(c)
        let onPremCost = onPremCosts(c)
        let header = ["target", "USD / month", "per 1M calls", "region", "p50", "p95", "p99", "cold starts", "peak instances",
                      "throttled", "timed out", "lock-in", "compliance"]
        var rows: [[String]] = []
        let costed = c.cloud + c.onPrem.filter { onPremCost[$0.id] != nil || c.placement == nil }
        let uncosted = c.onPrem.filter { onPremCost[$0.id] == nil && c.placement != nil }.map(\.id)
        // Each money column written alike, whole dollars in all its rows or cents in all.
        let costs = costed.map { ReportContext.cost($0) ?? onPremCost[$0.id] }
        let costTexts = Numbers.usdColumn(costs)
        let perMillions = Numbers.usdColumn(costs.map { cost in cost.flatMap { monthlyCalls > 0 ? $0 / monthlyCalls * 1e6 : nil } })
        for (k, t) in costed.enumerated() {
            let f = t.figures
            let costText = costs[k] == nil ? "not computed" : costTexts[k]
            let perMillion = perMillions[k]
            let s = c.standing[t.id]
            let lockIn = s?.lockIn.map { String(format: "%.0f", $0) } ?? "–"
            let compliance = s.map { $0.functions == 0 ? "–" : $0.allowedEverywhere ? "all allowed" : "\(Numbers.count($0.allowedFunctions)) of \(Numbers.count($0.functions)) allowed" } ?? "–"
            let throttled = f.throttled == 0 ? "0" : "\(Numbers.count(f.throttled)) (\(Numbers.count(f.rejected)) rejected)"
            let name = t.id == c.bestCloud?.id && c.placement == nil ? "**\(Text.md(t.id))**" : Text.md(t.id)
            rows.append([name + (t.isCloud ? "" : " (on-prem)"), costText, perMillion, c.billedRegion(t).map(Text.md) ?? "–", Numbers.ms(f.p50Ms, .withUnit), Numbers.ms(f.p95Ms, .withUnit),
                         Numbers.ms(f.p99Ms, .withUnit), Numbers.percent(f.coldStartRate, .adaptive), Numbers.count(f.peakInstances), throttled,
                         Numbers.count(f.timedOut), lockIn, compliance])
        }
        // Columns whose every row is the same tell nothing side by side: one sentence says their value.
        var same: [String] = []
        var keep = Array(header.indices)
        if rows.count > 1 {
            keep = header.indices.filter { k in k < 3 || Set(rows.map { $0[k] }).count > 1 }
            same = header.indices.filter { !keep.contains($0) }.map { "\(header[$0]) \(rows[0][$0])" }
        }
        let shownHeader = keep.map { header[$0] }
        let shownRows = rows.map { row in keep.map { row[$0] } }
        let right = Set(keep.enumerated().filter { [1, 2].contains($0.element) || (4...11).contains($0.element) }.map(\.offset))
        var text = ["## Targets side by side", table(shownHeader, shownRows, right: right)]
        var notes = ["Cloud costs are the provider's bill for the month, free grants and volume tiers applied to the account total, at the prices of the region named (the cheapest the requirements allow, where they name regions; where several bill alike, the first listed, as the notes say)."]
        if !onPremCost.isEmpty {
            notes.append("On-prem costs are the cluster's monthly cost of ownership for the whole trace (hardware, power, space, people, licences), from placement and break-even.")
        }
        if !same.isEmpty {
            notes.append("The same on every target: " + same.joined(separator: ", ") + ".")
        }
        if c.placement == nil, c.onPrem.contains(where: { onPremCost[$0.id] == nil }) {
            notes.append("On-prem costs are the cluster's cost of ownership, which this run did not compute (placement was not run); the peak instances and memory under Scaling are what a cluster must hold.")
        }
        if !uncosted.isEmpty {
            notes.append("Not costed, so not listed: \(uncosted.map(Text.md).joined(separator: ", ")) (placement buys one cluster, of the platform named above; their instances and memory are under Scaling).")
        }
        if c.p99SameEverywhere, let high = c.doc.targets.map(\.figures.p99Ms).max() {
            notes.append("p99 is about the same on every target (\(Numbers.ms(high, .withUnit))): it is the functions' own execution time, not the platform.")
        }
        if let fit = clusterFit(c) { notes.append(fit) }
        notes.append("Latency is queueing + cold start + execution of served calls. Lock-in is 0 (portable) to 100 (locked in), weighted by invocations (see Lock-in and compliance).")
        text.append(notes.joined(separator: " "))
        var blocks: [Block] = [.text(text.joined(separator: "\n\n"))]
        if c.cloud.count > 1, c.cloud.contains(where: { (ReportContext.cost($0) ?? 0) > 0 }) {
            blocks.append(.chart(Chart(slug: "cost", title: "Monthly cost per cloud target (USD)", xTitle: "target", yTitle: "USD per month",
                                       xLabels: c.cloud.map(\.id), series: [.init(name: "USD per month", values: c.cloud.map { ReportContext.cost($0) ?? 0 })],
                                       style: .bar)))
        }
        return blocks
    }

    /// One sentence on the on-prem cluster by simulation (`clusterFit`): its size, how it was found,
    /// the calls that waited for room and their wait, p99 with the wait against unlimited instances.
    static func clusterFit(_ c: ReportContext) -> String? {
        guard let fit = c.doc.section("clusterFit"), let id = fit["target"]?.string, let servers = fit["servers"]?.double,
              let invocations = fit["invocations"]?.double, let queued = fit["queued"]?.double, let p99 = fit["p99Ms"]?.double,
              let free = fit["unlimitedP99Ms"]?.double else { return nil }
        let fixed: Bool
        if case .bool(let b)? = fit["fixed"]?.value { fixed = b } else { fixed = false }
        let how = fixed ? "the given size" : "the fewest servers meeting \(fit["objective"]?.string ?? "the p99 objective"), found by simulation"
        let wait = fit["waitMs"]
        let waited = queued == 0 ? "no call waited for room"
            : "\(Numbers.count(Int(queued))) of \(Numbers.count(Int(invocations))) calls waited for room (wait p50 \(Numbers.ms(wait?["p50"]?.double ?? 0, .withUnit)), p99 \(Numbers.ms(wait?["p99"]?.double ?? 0, .withUnit)))"
        let noun = Int(servers) == 1 ? "server" : "servers"
        let spare = fixed ? "" : ", and priced with a spare server beside them (N+1)"
        return "On-prem cluster: \(Text.md(id)) runs on \(Numbers.count(Int(servers))) \(noun) (\(how)\(spare)): \(waited); p99 \(Numbers.ms(p99, .withUnit)) with the wait, \(Numbers.ms(free, .withUnit)) with unlimited instances."
    }

    /// On-prem monthly costs: every platform's cluster with the whole trace on it (`onPremCosts`),
    /// else what the placement and break-even sections give for the one platform placed.
    static func onPremCosts(_ c: ReportContext) -> [String: Double] {
        var costs = BreakEvenSection.onPremAtScaleOne(c)
        if let all = c.placement?["allOnPrem"], let id = all["target"]?.string, let cost = all["monthlyCost"]?.double { costs[id] = cost }
        for t in c.doc.section("onPremCosts")?["targets"]?.array ?? [] {
            if let id = t["target"]?.string, let cost = t["monthlyCost"]?["total"]?.double { costs[id] = cost }
        }
        return costs
    }
}
