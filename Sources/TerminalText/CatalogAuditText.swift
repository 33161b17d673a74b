import Foundation
import Formatting
import Pricing

/// The terminal text of `placer catalog audit`: the figures by age and confidence, then, given a
/// result, the assumed and stale figures ranked by how far each moves its target's bill.
public enum CatalogAuditText {
    public static func render(_ report: CatalogAudit.Report) -> String {
        let all = report.rows
        let never = all.filter { $0.source.checked == .never }.count
        let assumed = all.filter { $0.source.confidence == .assumed }.count
        var text = "Catalog audit as of \(report.asOf): \(Numbers.counted(all.count, "figure"))"
            + (report.olderThanDays.map { " confirmed more than \($0) days ago" } ?? "")
            + "; \(never) never re-checked, \(assumed) assumed. Age counts from the last check, else from the day read;"
            + " a figure is stale when never re-checked or older than \(report.staleAfterDays) days.\n\n"
        let rows = all.map { r in
            [String(r.ageDays), r.source.confidence.rawValue, r.source.checked.date ?? "never", r.owner, r.path, r.value, r.source.url]
        }
        if !rows.isEmpty {
            text += Columns.table(header: ["AGE", "CONFIDENCE", "CHECKED", "OWNER", "FIGURE", "VALUE", "SOURCE"], rows: rows)
        }
        guard let result = report.result else { return text }

        text += "\nWhat the assumed and stale figures move in \(result)'s bills (each figure halved and doubled, the result's"
            + " recorded usage re-billed, monthly USD; only prices, tiers, free grants and region multipliers can be re-billed):\n\n"
        let swings = report.ranking
        let ranking = swings.filter { $0.magnitude != 0 || $0.refused != nil }
        let still = swings.filter { $0.magnitude == 0 && $0.refused == nil }
        if ranking.isEmpty, report.targets.contains(where: { $0.recorded != nil && $0.rebilled == nil }) {
            text += "The result records no usage to re-bill (written before Placer recorded it): run `placer advise` or `placer simulate` again to rank its figures.\n"
        } else if ranking.isEmpty {
            text += "No assumed or stale figure of the result's targets can be re-billed.\n"
        } else {
            let lines = ranking.enumerated().map { i, s -> [String] in
                let share = s.baseline > 0 ? NSDecimalNumber(decimal: s.magnitude / s.baseline * 100).doubleValue : 0
                return [String(i + 1), s.row.owner, s.row.path, s.row.value, s.row.source.confidence.rawValue, s.row.source.checked.date ?? "never",
                        s.halved.map { Numbers.usd($0, .signed) } ?? "–", s.doubled.map { Numbers.usd($0, .signed) } ?? "–",
                        s.refused.map { "invalid: " + $0 } ?? String(format: "%.1f %%", share)]
            }
            text += Columns.table(header: ["#", "TARGET", "FIGURE", "VALUE", "CONFIDENCE", "CHECKED", "HALVED", "DOUBLED", "OF BILL"], rows: lines)
        }
        if !still.isEmpty {
            text += "\(Numbers.counted(still.count, "more figure")) move no bill of this result (its usage holds nothing they price, e.g. no egress): "
                + still.map { "\($0.row.owner) \($0.row.path)" }.joined(separator: ", ") + "\n"
        }
        text += "\nPer target:\n"
        for t in report.targets {
            var line = "  \(t.target)"
            if let recorded = t.recorded { line += ": recorded \(Numbers.usd(recorded, .cents)) a month" }
            if let rebilled = t.rebilled, let recorded = t.recorded, abs(rebilled - recorded) > Decimal(string: "0.00001") ?? 0 {
                line += ", re-billed \(Numbers.usd(rebilled, .cents))"
            }
            text += line + "\n"
            if let note = t.note { text += "    \(note)\n" }
            if !t.needsReplay.isEmpty {
                let names = t.needsReplay.map { "\($0.path) (\($0.source.confidence == .assumed ? "assumed" : "stale"))" }
                text += "    needs a replay: " + names.joined(separator: ", ") + "\n"
            }
        }
        return text
    }
}
