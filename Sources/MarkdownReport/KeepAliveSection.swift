import Formatting
import Foundation
import Results

/// Section 6: what keep-alive buys (fewer cold starts) and what it costs (memory held, idle
/// time included), per target: its own policy and, when advise replayed it, another policy.
enum KeepAliveSection {
    struct Figures {
        var policy: String
        var invocations: Int
        var coldStarts: Int
        var memoryGBSeconds: Double
        var cost: Double?
    }

    static func blocks(_ c: ReportContext) -> [Block] {
        let targets = c.cloud + c.onPrem
        guard !targets.isEmpty else { return [] }
        var alternatives: [String: Figures] = [:]
        for p in c.keepAlive?["policies"]?.array ?? [] {
            guard let target = p["target"]?.string, let policy = p["policy"]?.string else { continue }
            alternatives[target] = Figures(policy: policy, invocations: Int(p["invocations"]?.double ?? 0), coldStarts: Int(p["coldStarts"]?.double ?? 0),
                                           memoryGBSeconds: p["memoryGBSeconds"]?.double ?? 0, cost: p["monthlyCost"]?.double)
        }
        let month = 30 / max(c.doc.days, 1e-9)
        func cells(_ f: Figures) -> [String] {
            [Text.md(f.policy), Numbers.percent(f.invocations > 0 ? Double(f.coldStarts) / Double(f.invocations) : 0, .adaptive),
             Numbers.count(f.memoryGBSeconds * month / 3600), f.cost.map({ Numbers.usd($0, .compact) }) ?? "–"]
        }
        let withAlternative = !alternatives.isEmpty
        var header = ["target", "keep-alive", "cold starts", "memory held, GB-h / month", "USD / month"]
        if withAlternative { header += ["other policy", "cold starts", "memory held, GB-h / month", "USD / month"] }
        let rows = targets.map { t -> [String] in
            let own = Figures(policy: t.keepAlive, invocations: t.figures.invocations, coldStarts: t.figures.coldStarts,
                              memoryGBSeconds: t.figures.memoryGBSeconds, cost: ReportContext.cost(t))
            var row = [Text.md(t.id)] + cells(own)
            if withAlternative { row += alternatives[t.id].map(cells) ?? ["–", "–", "–", "–"] }
            return row
        }
        var intro = "Keeping an instance warm after a call avoids the next cold start but holds its memory while it waits. "
            + "Memory held counts every instance's whole lifetime, idle time included: it is what an on-prem cluster must provide. "
            + "Most cloud targets bill only the calls' own time, so there the idle memory is the provider's cost, and the price of a short keep-alive is paid in cold starts."
        if withAlternative {
            intro += " The other policy is the hybrid histogram of \"Serverless in the Wild\" (Shahrad et al., 2020): per scaling unit, a keep-alive window learned from its idle times, replayed on the same trace and seed."
        } else {
            intro += " Only each target's own policy was simulated in this run."
        }
        return [.text(["## Cold starts and idle memory", intro,
                       table(header, rows, right: withAlternative ? [2, 3, 4, 6, 7, 8] : [2, 3, 4])].joined(separator: "\n\n"))]
    }
}
