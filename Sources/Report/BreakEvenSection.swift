import Foundation
import Results

/// Section 5: monthly cost against volume per target, where cloud and on-prem cross, and how
/// the crossings move when an input changes (the `breakEven` section, when it was computed).
enum BreakEvenSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        // Appears only when the run computed it (placement's break-even, issue 6).
        guard let b = c.breakEven else { return [] }
        let scales = (b["scales"]?.array ?? []).compactMap(\.double)
        let targets = b["targets"]?.array ?? []
        var text = ["## Cost and volume",
                    "Each target's monthly cost when the trace's volume is scaled (1× is the trace as recorded, projected to a month)."]
        let crossovers = b["crossovers"]?.array ?? []
        if !crossovers.isEmpty { text.append(table(["cloud", "on-prem", "breaks even at", "monthly invocations"], crossovers.map(crossoverRow), right: [2, 3])) }
        let sensitivity = b["sensitivity"]?.array ?? []
        if !sensitivity.isEmpty {
            var rows: [[String]] = []
            for s in sensitivity {
                let parameter = Text.md(s["parameter"]?.string ?? "?")
                let factor = s["factor"]?.double.map { "×" + Chart.number($0) } ?? "?"
                for x in s["crossovers"]?.array ?? [] {
                    let r = crossoverRow(x)
                    rows.append([parameter, factor, r[0], r[1], r[2]])
                }
            }
            text.append("Sensitivity: the crossings when one input is multiplied by a factor.")
            text.append(table(["input", "factor", "cloud", "on-prem", "breaks even at"], rows, right: [1, 4]))
        }
        var blocks: [Block] = [.text(text.joined(separator: "\n\n"))]
        if !scales.isEmpty, !targets.isEmpty {
            let series = targets.map { t in
                Chart.Series(name: (t["id"]?.string ?? "?") + (t["kind"]?.string == "onprem" ? " (on-prem)" : ""),
                             values: (t["monthlyCost"]?.array ?? []).map { $0.double ?? 0 })
            }
            blocks.append(.chart(Chart(slug: "break-even", title: "Monthly cost against volume", xTitle: "volume, times the trace's",
                                       yTitle: "USD per month", xLabels: scales.map { Chart.number($0) + "x" }, series: series)))
        }
        return blocks
    }

    static func crossoverRow(_ x: JSONNode) -> [String] {
        let scale = x["scale"]?.double
        let calls = x["monthlyInvocations"]?.double
        return [Text.md(x["cloud"]?.string ?? "?"), Text.md(x["onPrem"]?.string ?? "?"),
                scale.map { Chart.number($0) + "× the trace" } ?? "never in the range",
                calls.map(Numbers.count) ?? "–"]
    }

    /// On-prem monthly cost at 1× from the break-even curves.
    static func onPremAtScaleOne(_ c: ReportContext) -> [String: Double] {
        guard let b = c.breakEven, let scales = b["scales"]?.array?.compactMap(\.double),
              let i = scales.firstIndex(where: { abs($0 - 1) < 1e-9 }) else { return [:] }
        var out: [String: Double] = [:]
        for t in b["targets"]?.array ?? [] where t["kind"]?.string == "onprem" {
            if let id = t["id"]?.string, let values = t["monthlyCost"]?.array, i < values.count, let v = values[i].double { out[id] = v }
        }
        return out
    }
}
