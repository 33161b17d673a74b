import Foundation
import Pricing

/// The terminal text of `placer catalog`: every target in a table, or one target's figures and sources.
public enum CatalogText {
    /// One row per target: id, name, kind, status (with its date and successor), the date of its prices.
    public static func list(_ catalog: Catalog) -> String {
        let rows = catalog.ids.compactMap { catalog.profiles[$0] }.map { p -> [String] in
            var status = p.status.state.rawValue
            if let since = p.status.since { status += " \(since)" }
            if let successor = p.status.successor { status += " → \(successor)" }
            let asOf = p.pricesAsOf ?? p.sources.values.map(\.read).max() ?? "-"
            return [p.id, p.name, p.kind.rawValue, status, asOf]
        }
        return Columns.table(header: ["ID", "NAME", "KIND", "STATUS", "AS OF"], rows: rows)
    }

    /// A target's identity, billing and keep-alive, then every figure with its source, then the sources.
    public static func show(_ p: Profile) -> String {
        var lines = ["\(p.id) — \(p.name)"]
        lines.append("kind: \(p.kind.rawValue)   provider: \(p.provider)   status: \(p.status.state.rawValue)"
                     + (p.status.since.map { " since \($0)" } ?? "") + (p.status.successor.map { ", successor \($0)" } ?? ""))
        if let note = p.status.note { lines.append("note: \(note)") }
        if let region = p.region { lines.append("region: \(region)   prices as of: \(p.pricesAsOf ?? "-")") }
        if let billing = p.billing {
            lines.append("billing: mode \(billing.mode.rawValue), memory \(billing.memory.basis.rawValue), init billed: \(billing.initBilled.billed)"
                         + (billing.initBilled.since.map { " since \($0)" } ?? ""))
            if case .table(let rows, _) = billing.cpu {
                lines.append("cpu table: " + rows.map { "\($0.memoryMB) MB → \($0.vcpu) vCPU" + ($0.ghz.map { " (\($0) GHz)" } ?? "") }.joined(separator: ", "))
            }
        } else {
            lines.append("billing: none per use (on-prem: the cost is the cluster it needs)")
        }
        lines.append("keep-alive: \(p.keepAlive.policy.rawValue)   scaling unit: \(p.limits.scalingUnit.rawValue)")
        if let cp = p.controlPlane, !cp.components.isEmpty { lines.append("control plane: " + cp.components.joined(separator: ", ")) }
        lines.append("")
        let rows = p.figures.map { entry -> [String] in
            let s = p.sources[entry.figure.source]
            return [entry.path, "\(entry.figure.value) \(entry.figure.unit)", entry.figure.source, s?.confidence.rawValue ?? "?"]
        }
        var text = lines.joined(separator: "\n") + "\n" + Columns.table(header: ["FIELD", "VALUE", "SOURCE", "CONFIDENCE"], rows: rows)
        text += "\nsources:\n"
        for name in p.sources.keys.sorted() {
            guard let s = p.sources[name] else { continue }
            text += "  \(name): \(s.url) (read \(s.read), checked \(s.checked.date ?? "never"), \(s.confidence.rawValue))\n"
            if let note = s.note { text += "    \(note)\n" }
        }
        return text
    }
}
