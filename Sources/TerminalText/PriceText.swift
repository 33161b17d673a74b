import Formatting
import Foundation
import Pricing

/// The terminal text of `placer price`: one steady workload's monthly bill.
public enum PriceText {
    /// The month's bill line by line (compute, requests, init, provisioned, egress, storage, discount), its total and notes.
    public static func render(_ bill: CostBreakdown, shape: Shape) -> String {
        func usd(_ d: Decimal) -> String { Numbers.usd(d, .cents) }
        let q = bill.quantities
        var lines = ["\(bill.target)" + (bill.region.map { " in \($0)" } ?? "") + ": \(q.requests) requests, \(q.memoryGBSeconds) GB-s at \(shape.memoryMB) MB billed"]
        if let unit = q.cpuUnit { lines.append("  cpu: \(q.cpuSeconds) \(unit)") }
        let rows: [(String, Decimal)] = [
            ("compute", bill.compute), ("requests", bill.requests), ("init", bill.initialization),
            ("provisioned", bill.provisioned), ("egress", bill.egress), ("storage", bill.storage), ("discount", -bill.discount),
        ]
        for (name, value) in rows where value != 0 || name == "compute" || name == "requests" {
            lines.append("  " + name.padding(toLength: 12, withPad: " ", startingAt: 0) + usd(value))
        }
        lines.append("  " + "total".padding(toLength: 12, withPad: " ", startingAt: 0) + usd(bill.total) + " per month")
        lines.append("  (free grants worth \(usd(bill.freeGrantCredit)) already deducted)")
        lines += bill.notes.map { "  note: " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }
}
