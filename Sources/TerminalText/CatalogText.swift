import Foundation
import Pricing

/// The terminal text of `placer catalog`: every target in a table, or one target's figures and sources.
public enum CatalogText {
    /// One row per target: id, name, kind, status (with its date and successor), the date of its prices.
    public static func list(_ catalog: Catalog) -> String {
        let rows = catalog.ids.compactMap { catalog.profiles[$0] }.map { p -> [String] in
            var status = p.status.state.rawValue
            if let since = p.status.since { status += " \(since)" }
            if let retires = p.status.retires { status += " (retires \(retires))" }
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
                     + (p.status.since.map { " since \($0)" } ?? "") + (p.status.retires.map { ", retires \($0)" } ?? "")
                     + (p.status.successor.map { ", successor \($0)" } ?? ""))
        if let note = p.status.note { lines.append("note: \(note)" + (p.status.source.map { " (source: \($0))" } ?? "")) }
        if let region = p.region { lines.append("region: \(region)   prices as of: \(p.pricesAsOf ?? "-")") }
        if let billing = p.billing {
            lines.append("billing: mode \(billing.mode.rawValue), memory \(billing.memory.basis.rawValue), init billed: \(billing.initBilled.billed)"
                         + (billing.initBilled.since.map { " since \($0)" } ?? ""))
            lines.append("duration billed: " + (billing.durationBasis == .execution ? "per execution" : "per instance active period (per execution at one call per instance)")
                         + ", rounded up to \(billing.durationRounding.value) \(billing.durationRounding.unit), at least \(billing.minimumBilledDuration.value) \(billing.minimumBilledDuration.unit)")
            if !billing.memory.sizesMB.isEmpty {
                lines.append("memory sizes: " + billing.memory.sizesMB.map { "\($0) MB" }.joined(separator: ", ") + " (a memory between two is billed as the next)")
            }
            for group in billing.regionPrices {
                lines.append("\(group.label) prices in: " + group.regions.joined(separator: ", "))
            }
            if case .table(let rows, _) = billing.cpu {
                lines.append("cpu table: " + rows.map { "\($0.memoryMB) MB → \($0.vcpu) vCPU" + ($0.ghz.map { " (\($0) GHz)" } ?? "") }.joined(separator: ", "))
            }
        } else {
            lines.append("billing: none per use (on-prem: the cost is the cluster it needs)")
        }
        lines.append("keep-alive: \(p.keepAlive.policy.rawValue)   scaling unit: \(p.limits.scalingUnit.rawValue)")
        var concurrency: [String] = []
        if let c = p.limits.perInstanceConcurrency { concurrency.append("\(c.value) per instance") }
        if !p.limits.concurrencyByMemory.isEmpty {
            concurrency.append("HTTP by instance memory " + p.limits.concurrencyByMemory.map { "\($0.memoryMB) MB → \($0.requests)" }.joined(separator: ", "))
        }
        if let q = p.limits.queueConcurrency { concurrency.append("queue/event/storage messages \(q.value) per instance") }
        if !concurrency.isEmpty { lines.append("calls at once: " + concurrency.joined(separator: "; ")) }
        if let twin = p.coldStart?.drawsAs {
            lines.append("cold starts drawn as: \(twin) (the same random numbers: where the figures agree, the two replay alike and differ only by their prices)")
        }
        if let cp = p.controlPlane, !cp.components.isEmpty { lines.append("control plane: " + cp.components.joined(separator: ", ")) }
        if let l = p.licence {
            var text = "licence: \(l.name)"
            if let terms = l.terms { text += " (\(terms))" }
            if let edition = l.commercialEdition { text += "; commercial use needs \(edition), price \(l.commercialPrice ?? "?")" }
            lines.append(text + " [\(l.source)]")
        }
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
