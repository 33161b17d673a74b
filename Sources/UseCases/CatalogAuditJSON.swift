import Foundation
import Pricing
import Results

extension CatalogAuditRun {
    /// The audit as `placer.audit/v1` JSON: keys sorted, money as exact decimals to 6 places.
    public static func json(_ report: CatalogAudit.Report) -> String {
        func row(_ r: CatalogAudit.Row) -> JSONValue {
            .object([
                "owner": .string(r.owner), "path": .string(r.path), "value": .string(r.value), "source": .string(r.sourceName),
                "url": .string(r.source.url), "read": .string(r.source.read),
                "checked": r.source.checked.date.map { .string($0) } ?? .bool(false),
                "confidence": .string(r.source.confidence.rawValue), "ageDays": .int(r.ageDays), "stale": .bool(r.stale),
            ])
        }
        func swing(_ s: CatalogAudit.Swing) -> JSONValue {
            .object([
                "target": .string(s.row.owner), "path": .string(s.row.path), "value": .string(s.row.value),
                "confidence": .string(s.row.source.confidence.rawValue), "stale": .bool(s.row.stale),
                "baseline": .decimal(s.baseline, 6),
                "halved": s.halved.map { .decimal($0, 6) } ?? .null, "doubled": s.doubled.map { .decimal($0, 6) } ?? .null,
                "refused": s.refused.map { .string($0) } ?? .null,
            ])
        }
        let value = JSONValue.object([
            "schema": .string("placer.audit/v1"), "asOf": .string(report.asOf),
            "olderThanDays": report.olderThanDays.map { .int($0) } ?? .null, "staleAfterDays": .int(report.staleAfterDays),
            "figures": .array(report.rows.map(row)),
            "result": report.result.map { .string($0) } ?? .null,
            "ranking": .array(report.ranking.map(swing)),
            "targets": .array(report.targets.map { t in
                .object([
                    "target": .string(t.target), "recorded": t.recorded.map { .decimal($0, 6) } ?? .null,
                    "rebilled": t.rebilled.map { .decimal($0, 6) } ?? .null,
                    "needsReplay": .array(t.needsReplay.map { .string($0.path) }),
                    "note": t.note.map { .string($0) } ?? .null,
                ])
            }),
        ])
        var out = ""
        value.write(into: &out)
        return out + "\n"
    }
}
