import Formatting
import Foundation
import Simulation

/// The terminal summary of a simulation result.
public enum SimulationText {
    /// The targets side by side (invocations, cold starts, latency, instances, bill), then each target's notes.
    public static func render(_ r: SimulationResult) -> String {
        let functions = r.targets.first?.functions.count ?? 0
        var lines = ["Replayed \(functions) functions over \(Numbers.number(r.days, .significant)) days (seed \(r.seed), \(r.arrivals.rawValue) arrivals)", ""]
        let header = [("target", 20), ("invocations", 12), ("cold", 8), ("throttled", 10), ("p50 ms", 9), ("p99 ms", 9),
                      ("peak inst", 10), ("inst-hours", 11), ("billed GB-s", 12), ("USD/month", 12)]
        lines.append(header.enumerated().map { $0.offset == 0 ? Columns.pad($0.element.0, $0.element.1) : Columns.padLeft($0.element.0, $0.element.1) }.joined())
        for t in r.targets {
            let o = t.total
            let cold = o.invocations > 0 ? Numbers.percent(Double(o.coldStarts) / Double(o.invocations), .oneDecimal) : "-"
            let cost = o.monthlyCost.map { Numbers.usd($0.total, .cents) } ?? "on-prem"
            let cells = [Columns.pad(t.id, 20), Columns.padLeft(Numbers.count(Double(o.invocations)), 12), Columns.padLeft(cold, 8),
                         Columns.padLeft(Numbers.count(Double(o.throttled)), 10), Columns.padLeft(Numbers.count(o.latencyMs.p50), 9),
                         Columns.padLeft(Numbers.count(o.latencyMs.p99), 9), Columns.padLeft(Numbers.count(o.peakInstances), 10),
                         Columns.padLeft(Numbers.fixed(o.instanceSeconds / 3600, 1), 11),
                         Columns.padLeft(Numbers.count(o.billedGBSeconds), 12), Columns.padLeft(cost, 12)]
            lines.append(cells.joined())
        }
        lines.append("")
        for t in r.targets {
            lines.append("\(t.id): instances per \(t.scalingUnit), keep-alive \(t.keepAlive)")
            for note in t.notes + (t.bill?.notes ?? []) { lines.append("  note: \(note)") }
        }
        for note in r.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
