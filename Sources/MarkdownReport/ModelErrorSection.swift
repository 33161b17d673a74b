import Formatting
import Foundation
import Results

/// Section 8: simulated against measured figures, when a sample was executed (`modelError`).
enum ModelErrorSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        guard let m = c.modelError else { return [] }
        let names = ["coldStarts": "cold starts", "p50Ms": "p50 latency, ms", "p95Ms": "p95 latency, ms", "p99Ms": "p99 latency, ms",
                     "instanceSeconds": "instance-seconds"]
        let rows = (m["metrics"]?.array ?? []).map { x -> [String] in
            let metric = x["metric"]?.string ?? "?"
            return [Text.md(names[metric] ?? metric), number(x["simulated"]), number(x["measured"]),
                    x["relativeError"]?.double.map { String(format: "%+.1f %%", $0 * 100) } ?? "–"]
        }
        var intro = "A sample of the trace was executed on this machine and measured"
        if let target = m["target"]?.string { intro += ", against the simulation of \(Text.md(target))" }
        if let sample = m["sample"]?.string { intro += " (sample: \(Text.md(sample)))" }
        intro += ". Relative error is (simulated − measured) / measured."
        return [.text(["## Model error", intro, table(["metric", "simulated", "measured", "relative error"], rows, right: [1, 2, 3])].joined(separator: "\n\n"))]
    }

    static func number(_ node: JSONNode?) -> String {
        guard let v = node?.double else { return "–" }
        return v == v.rounded() && abs(v) < 1e15 ? Numbers.count(v) : Numbers.fixed(v, 1)
    }
}
