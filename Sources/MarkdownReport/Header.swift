import Formatting
import Foundation
import Results

/// The title and the one line that says what was replayed.
enum Header {
    static func blocks(_ c: ReportContext) -> [Block] {
        let doc = c.doc
        let first = doc.targets.first
        let functions = first?.functions.count ?? 0
        let apps = Set(first?.functions.map(\.app) ?? []).count
        let invocations = first?.figures.invocations ?? 0
        let monthly = Double(invocations) * 30 / max(doc.days, 1e-9)
        let traces = (doc.section("inputs")?["traces"]?.array ?? []).compactMap(\.string)
        var lines = ["# Where to run these functions: Placer report"]
        var what = traces.isEmpty ? "A trace" : "The trace " + traces.map(Text.md).joined(separator: ", ")
        what += " holds \(Numbers.count(invocations)) invocations of \(Numbers.count(functions)) functions"
        what += apps != functions ? " in \(Numbers.count(apps)) apps" : ""
        what += " over \(Numbers.span(days: doc.days)), about \(Numbers.count(monthly)) a month."
        if doc.days < 29.5 { what += " Every monthly figure projects these \(Numbers.span(days: doc.days)) to a 30-day month." }
        let cloud = c.cloud.count, onPrem = c.onPrem.count
        what += " It was replayed on \(doc.targets.count) targets (\(cloud) cloud, \(onPrem) on-prem) with seed \(Text.md(doc.seed))."
        if let deployment = doc.section("inputs")?["deployment"]?.string {
            what += " Deployment: \(Text.md(deployment))."
        }
        lines.append(what)
        return [.text(lines.joined(separator: "\n\n"))]
    }
}
