import Formatting
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
        let range = scaleRange(b)
        // Crossings that exist are listed; the pairs that never cross share one sentence.
        let crossovers = b["crossovers"]?.array ?? []
        let crossing = crossovers.filter { $0["scale"]?.double != nil }
        if !crossing.isEmpty { text.append(table(["cloud", "on-prem", "breaks even at", "monthly invocations"], crossing.map(crossoverRow), right: [2, 3])) }
        let never = crossovers.filter { $0["scale"]?.double == nil }
        if !never.isEmpty {
            let onPrem = Set(never.compactMap { $0["onPrem"]?.string }).sorted().map(Text.md).joined(separator: ", ")
            let clouds = never.compactMap { $0["cloud"]?.string }.map(Text.md)
            text.append(crossing.isEmpty
                ? "On-prem (\(onPrem)) breaks even with no cloud target between \(range) the trace's volume."
                : "No crossing between \(range) the trace's volume for: \(clouds.joined(separator: ", ")).")
        }
        let sensitivity = b["sensitivity"]?.array ?? []
        if !sensitivity.isEmpty {
            var rows: [[String]] = []
            var tried: [String] = []
            for s in sensitivity {
                let parameter = Text.md(s["parameter"]?.string ?? "?")
                let factor = s["factor"]?.double.map { "×" + Chart.number($0) } ?? "?"
                tried.append("\(parameter) \(factor)")
                for x in s["crossovers"]?.array ?? [] where x["scale"]?.double != nil {
                    let r = crossoverRow(x)
                    rows.append([parameter, factor, r[0], r[1], r[2]])
                }
            }
            text.append("Sensitivity: one input multiplied by a factor at a time (\(tried.joined(separator: ", "))), the most decisive input first.")
            let ranked = (b["ranking"]?.array ?? []).compactMap { r -> String? in
                guard let p = r["parameter"]?.string, let d = r["decades"]?.double else { return nil }
                return "\(Text.md(p)) \(Numbers.fixed(d, 2))"
            }
            if !ranked.isEmpty {
                text.append("How far each input moves the break-even, in decades of volume (the larger of its two factors per cloud target, averaged over the cloud targets; a crossing that appears or disappears counts as the distance to the top of the range): \(ranked.joined(separator: ", ")).")
            }
            if rows.isEmpty {
                text.append("None of these changes brings a crossing into the range.")
            } else {
                text.append(table(["input", "factor", "cloud", "on-prem", "breaks even at"], rows, right: [1, 4]))
                text.append("Every other change leaves the pairs without a crossing in the range.")
            }
        }
        var blocks: [Block] = [.text(text.joined(separator: "\n\n"))]
        if !scales.isEmpty, !targets.isEmpty, let chart = chart(scales, targets, c) {
            blocks.append(.chart(chart.chart))
            if !chart.left.isEmpty {
                blocks.append(.text("Left out of the chart, dearer at the trace's volume than those in it: \(chart.left.map(Text.md).joined(separator: ", "))."))
            }
        }
        return blocks
    }

    /// Cost against volume on logarithmic axes: a cloud bill grows in proportion to volume and
    /// a cluster by steps, over orders of magnitude both ways, so on linear axes every curve but
    /// the dearest would lie on the floor. On-prem first, then cloud targets cheapest first at
    /// the trace's volume, as many as the palette has colours; the rest are named under it.
    /// Returns the chart and the ids left out.
    static func chart(_ scales: [Double], _ targets: [JSONNode], _ c: ReportContext) -> (chart: Chart, left: [String])? {
        let rank = Dictionary(c.cloud.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let ordered = targets.enumerated().sorted { a, b in
            let ka = a.element["kind"]?.string == "onprem" ? -1 : rank[a.element["id"]?.string ?? ""] ?? Int.max
            let kb = b.element["kind"]?.string == "onprem" ? -1 : rank[b.element["id"]?.string ?? ""] ?? Int.max
            return ka == kb ? a.offset < b.offset : ka < kb
        }.map(\.element)
        let charted = ordered.prefix(Chart.palette.count)
        let series = charted.map { t in
            Chart.Series(name: (t["id"]?.string ?? "?") + (t["kind"]?.string == "onprem" ? " (on-prem)" : ""),
                         values: (t["monthlyCost"]?.array ?? []).map { $0.double ?? 0 })
        }
        guard !series.isEmpty else { return nil }
        let chart = Chart(slug: "break-even", title: "Monthly cost against volume", xTitle: "volume, times the trace's",
                          yTitle: "USD per month", xLabels: scales.map { Chart.number($0) + "×" }, xValues: scales, xUnit: "×",
                          yScale: .logarithmic, series: series,
                          whenFlat: { "Every target costs $\($0) a month at every volume charted, so no chart is drawn." })
        return (chart, ordered.dropFirst(charted.count).map { $0["id"]?.string ?? "?" })
    }

    static func scaleRange(_ b: JSONNode) -> String {
        let scales = (b["scales"]?.array ?? []).compactMap(\.double)
        guard let low = scales.min(), let high = scales.max() else { return "the scales of" }
        return "\(Chart.number(low))× and \(Chart.number(high))×"
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
