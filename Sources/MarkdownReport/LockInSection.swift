import Formatting
import Foundation
import Results

/// Section 7: lock-in per target, migration effort off the current target, compliance refusals
/// and violations (the `lockIn` section, docs/lockin.md).
enum LockInSection {
    static func blocks(_ c: ReportContext) -> [Block] {
        guard let l = c.lockIn else { return [.text("## Lock-in and compliance\n\nLock-in and compliance were not computed in this run.")] }
        var text = ["## Lock-in and compliance"]
        let functions = l["functions"]?.array ?? []
        var rows: [[String]] = []
        for t in l["targets"]?.array ?? [] {
            guard let id = t["id"]?.string else { continue }
            let scores = functions.compactMap { $0["lockIn"]?[id]?.double }
            let range = scores.isEmpty ? "–" : scores.min() == scores.max() ? Chart.number(scores[0]) : "\(Chart.number(scores.min() ?? 0))–\(Chart.number(scores.max() ?? 0))"
            let s = c.standing[id]
            rows.append([Text.md(id), Text.md(t["kind"]?.string ?? ""), Text.md(t["handler"]?.string ?? ""),
                         s?.lockIn.map { String(format: "%.0f", $0) } ?? "–", range,
                         s.map { "\(Numbers.count($0.allowedFunctions)) of \(Numbers.count($0.functions))" } ?? "–"])
        }
        var intro = "Lock-in score 0–100 (higher is harder to leave: handler contract, trigger and orchestration services, runtime openness), weighted by invocations; compliance counts the functions whose data classes, certifications and regions the target allows."
        let invoked = c.doc.targets.first?.functions.count ?? 0
        if functions.count != invoked {
            intro += " Both cover the \(Numbers.count(functions.count)) functions the trace lists, \(Numbers.count(invoked)) of which were invoked in the replayed window."
        }
        text.append(intro)
        text.append(table(["target", "kind", "handler", "lock-in", "range", "functions allowed"], rows, right: [3, 4, 5]))

        let migrations = l["migrations"]?.array ?? []
        if !migrations.isEmpty {
            let from = migrations.first?["from"]?.string ?? "?"
            let sorted = migrations.sorted { ($0["points"]?.double ?? 0, $0["to"]?.string ?? "") < ($1["points"]?.double ?? 0, $1["to"]?.string ?? "") }
            text.append("Moving off the current target, \(Text.md(from)): effort points (about developer-days for a small function), summed over the functions.")
            text.append(table(["to", "functions", "effort points", "main steps"], sorted.map { m in
                // Steps of one kind (a trigger replaced for several reasons) summed, largest first.
                var byKind: [String: Double] = [:]
                for s in m["steps"]?.array ?? [] { byKind[s["kind"]?.string ?? "?", default: 0] += s["points"]?.double ?? 0 }
                let steps = byKind.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.prefix(3)
                    .map { "\(Text.md($0.key)) (\(Numbers.count($0.value)))" }
                return [Text.md(m["to"]?.string ?? "?"), Numbers.count(m["functions"]?.double ?? 0), Numbers.count(m["points"]?.double ?? 0),
                        steps.isEmpty ? "nothing to change" : steps.joined(separator: ", ")]
            }, right: [1, 2]))
        }

        // Refusals grouped by reason: the functions refused, and the targets that refuse them.
        var refusals: [String: (functions: Set<String>, targets: Set<String>)] = [:]
        for f in functions {
            let id = "\(f["app"]?.string ?? "")/\(f["function"]?.string ?? "")"
            for v in f["compliance"]?.array ?? [] where v["allowed"]?.value.isTrue != true {
                let reason = v["reason"]?.string ?? ""
                refusals[reason, default: ([], [])].functions.insert(id)
                refusals[reason, default: ([], [])].targets.insert(v["target"]?.string ?? "?")
            }
        }
        if !refusals.isEmpty {
            let sorted = refusals.sorted { $0.value.functions.count == $1.value.functions.count ? $0.key < $1.key : $0.value.functions.count > $1.value.functions.count }
            text.append("Where compliance refuses a target:")
            text.append(table(["reason", "functions", "targets"], sorted.map { reason, refusal in
                [Text.md(reason), Numbers.count(refusal.functions.count), refusal.targets.sorted().map(Text.md).joined(separator: ", ")]
            }, right: [1]))
        } else if !functions.isEmpty {
            text.append("Compliance allows every function on every target simulated (no function states data classes, certifications or regions that a target fails).")
        }

        let violations = l["violations"]?.array ?? []
        if !violations.isEmpty {
            let shown = violations.prefix(20).map { v in
                [Text.id(app: v["app"]?.string ?? "", function: v["function"]?.string ?? ""), Text.md(v["target"]?.string ?? ""),
                 Text.md(v["region"]?.string ?? ""), Text.md(v["reason"]?.string ?? "")]
            }
            text.append("**Violations of the current deployment** (\(Numbers.count(violations.count))\(violations.count > 20 ? ", the first 20" : "")):")
            text.append(table(["function", "target", "region", "reason"], shown))
        }
        let diagnostics = (l["diagnostics"]?.array ?? []).map { d in
            "- \(Text.md(d["severity"]?.string ?? "")): \(Text.md(d["subject"]?.string ?? "")): \(Text.md(d["message"]?.string ?? ""))"
        }
        if !diagnostics.isEmpty { text.append("Diagnostics:\n\n" + diagnostics.joined(separator: "\n")) }
        return [.text(text.joined(separator: "\n\n"))]
    }
}
