import Formatting
import Foundation
import Results

/// Section 4: instances over time per target, and where limits throttle.
enum ScalingSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        let targets = c.cloud + c.onPrem
        guard !targets.isEmpty else { return [] }
        var rows: [[String]] = []
        for t in targets {
            let f = t.figures
            let minutes = max(t.instancesPerMinute.count, 1)
            let mean = t.instancesPerMinute.reduce(0, +) / Double(minutes)
            rows.append([Text.md(t.id), "per \(Text.md(t.scalingUnit))", Text.md(t.keepAlive), Numbers.count(f.peakInstances), Numbers.fixed(mean, 1),
                         Numbers.fixed(ReportContext.peakMemoryGB(t), 1), Numbers.count(f.throttled), Numbers.count(f.rejected), Numbers.count(f.delayed)])
        }
        // Units the replay planned a minute at a time: their instances are expected values.
        let perMinute = targets.filter { $0.notes.contains { $0.contains("replayed per minute") } }.map { Text.md($0.id) }
        let modelled = perMinute.isEmpty ? ""
            : " Busy functions are modelled a minute at a time instead, within tolerances the tests hold against the call-by-call replay, "
            + "on \(perMinute.joined(separator: ", ")): their instances per minute are expected values, not counts; "
            + "the notes under the assumptions say what share of the calls, and `placer simulate --exact` replays every call."
        var text = ["## Scaling",
                    "Instances are replayed one by one: a call takes an idle instance or starts one (a cold start) if the target's limits allow; "
                    + "otherwise it is throttled: rejected if it is synchronous, delayed if it came from a queue or event "
                    + "(and rejected after all if no place frees within the platform's longest wait for an event)." + modelled,
                    table(["target", "instances", "keep-alive", "peak instances", "mean instances", "peak memory GB", "throttled", "rejected", "delayed"],
                          rows, right: [3, 4, 5, 6, 7, 8])]
        let throttling = targets.filter { $0.figures.throttled > 0 }
        if throttling.isEmpty {
            text.append("No target's limits throttled any call of this trace.")
        } else {
            for t in throttling {
                let worst = t.functions.filter { $0.figures.throttled > 0 }
                    .sorted { $0.figures.throttled == $1.figures.throttled ? $0.id < $1.id : $0.figures.throttled > $1.figures.throttled }
                let named = worst.prefix(5).map { "\(Text.id(app: $0.app, function: $0.function)) (\(Numbers.count($0.figures.throttled)))" }.joined(separator: ", ")
                let more = worst.count > 5 ? " and \(worst.count - 5) more" : ""
                text.append("**\(Text.md(t.id))** throttles \(Numbers.count(t.figures.throttled)) calls (\(Numbers.percent(Double(t.figures.throttled) / Double(max(t.figures.invocations, 1)), .adaptive))): \(named)\(more).")
            }
        }
        var blocks: [Block] = [.text(text.joined(separator: "\n\n"))]
        // Every target is charted: cloud and on-prem apart (the provider's instances against a
        // cluster's), and no more targets to a chart than the palette has colours a reader can name.
        for (kind, group) in [("cloud", c.cloud), ("on-prem", c.onPrem)] where !group.isEmpty {
            let parts = stride(from: 0, to: group.count, by: Chart.palette.count).map { Array(group[$0..<min($0 + Chart.palette.count, group.count)]) }
            for (i, part) in parts.enumerated() {
                let slug = "instances-\(kind == "cloud" ? "cloud" : "onprem")" + (i == 0 ? "" : "-\(i + 1)")
                let which = parts.count == 1 ? "\(kind) targets" : "\(kind) targets (part \(i + 1) of \(parts.count))"
                if let chart = instancesChart(part, slug: slug, which: which) { blocks.append(.chart(chart)) }
            }
        }
        return blocks
    }

    /// The busiest minute of each bucket (an hour, or more for long traces: at most 48 points).
    static func instancesChart(_ targets: [TargetResult], slug: String, which: String) -> Chart? {
        let minutes = targets.map(\.instancesPerMinute.count).max() ?? 0
        guard minutes > 1 else { return nil }
        var bucket = 60
        while minutes / bucket > 48 { bucket *= 2 }
        let count = (minutes + bucket - 1) / bucket
        let unit = bucket % 60 == 0 ? "h" : "min"
        let labels = (0..<count).map { i -> String in
            let start = i * bucket
            return unit == "h" ? "\(start / 60)" : "\(start)"
        }
        let series = targets.map { t in
            Chart.Series(name: t.id, values: (0..<count).map { i in
                let slice = t.instancesPerMinute[min(i * bucket, t.instancesPerMinute.count)..<min((i + 1) * bucket, t.instancesPerMinute.count)]
                return slice.max() ?? 0
            })
        }
        let every = bucket / 60 == 1 ? "hour" : "\(bucket / 60) hours"
        return Chart(slug: slug, title: "Instances alive on \(which), busiest minute of every \(every)",
                     xTitle: "hours since the trace start", yTitle: "instances", xLabels: labels, series: series,
                     whenFlat: { "The \(which) all had \($0) instances alive in the busiest minute of every \(every), so no chart is drawn." })
    }
}
