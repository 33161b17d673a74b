import Formatting
import Foundation
import Results

/// The diff as GitHub-flavoured markdown, for a pull-request comment. Every name that comes from a
/// trace, a deployment or a catalog goes through `Markdown.escape`; numbers have fixed formats.
public enum DiffMarkdown {
    /// The full comment: thresholds, per target, placement, compliance, lock-in, and the `top`
    /// functions that changed most. `summaryOnly` keeps the thresholds, the per-target cost and
    /// p99, and counts (for comment systems with size limits).
    public static func render(_ diff: ResultDiff, checks: [ThresholdCheck], summaryOnly: Bool = false, top: Int = 10) -> String {
        var out: [String] = ["## Placer: what this change does to cost and latency", ""]
        out.append("BASE \(Markdown.escape(diff.base.name)) → HEAD \(Markdown.escape(diff.head.name)); "
                   + "replayed over \(days(diff.head.spanMinutes)) with seed \(Markdown.escape(diff.head.seed)), "
                   + "costs projected to a 30-day month.")
        out.append("")
        out += thresholds(checks, summaryOnly: summaryOnly)
        if !diff.isMaterial {
            out.append("No material change (materiality: \(Numbers.number(diff.materiality.percent, .trimmed))%, \(dollars(Numbers.usd(diff.materiality.usd, .cents))), \(Numbers.number(diff.materiality.ms, .trimmed)) ms).")
            out.append("")
        }
        out += summaryOnly ? shortTargets(diff) : targets(diff)
        if summaryOnly {
            out += counts(diff)
        } else {
            out += placement(diff)
            out += compliance(diff, limit: max(top, 50))
            out += lockIn(diff, limit: max(top, 20))
            out += functions(diff, top: top)
        }
        if !diff.notes.isEmpty {
            for note in diff.notes { out.append("- Note: \(Markdown.escape(note))") }
            out.append("")
        }
        while out.last == "" { out.removeLast() }
        return out.joined(separator: "\n") + "\n"
    }

    static func thresholds(_ checks: [ThresholdCheck], summaryOnly: Bool) -> [String] {
        guard !checks.isEmpty else { return [] }
        let breached = checks.filter(\.breached)
        var out = [breached.isEmpty ? "**Within thresholds** (\(checks.count) checked)."
                                    : "**Threshold breached**: \(breached.count) of \(checks.count) check\(checks.count == 1 ? "" : "s").", ""]
        let shown = summaryOnly ? breached : checks
        guard !shown.isEmpty else { return out }
        out.append("| | rule | on | observed |")
        out.append("|---|---|---|---|")
        for c in shown {
            out.append("| \(c.breached ? "❌ breached" : "✅ ok") | \(dollars(c.rule)) | \(Markdown.escape(c.subject)) | \(dollars(c.observed)) |")
        }
        out.append("")
        return out
    }

    static func targets(_ diff: ResultDiff) -> [String] {
        guard !diff.targets.isEmpty else { return [] }
        var out = ["### Per target", "",
                   "| target | monthly cost | change | p50 ms | p95 ms | p99 ms | cold starts | throttled | peak instances |",
                   "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for t in diff.targets {
            let name = Markdown.escape(t.id) + presenceNote(t.presence)
            var cells = [name, money(t.cost), t.cost.before == nil && t.cost.after == nil ? "" : dollars(ChangeText.moneyDelta(t.cost))]
            cells += [latency(t.p50), latency(t.p95), latency(t.p99)]
            cells.append(count(t.coldStarts) + rateNote(t.coldStartRate))
            cells.append(count(t.throttled))
            cells.append(count(t.peakInstances))
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
        out.append("")
        for t in diff.targets where t.keepAlive.differs && t.presence == .both {
            out.append("- \(Markdown.escape(t.id)): keep-alive \(Markdown.escape(t.keepAlive.before ?? "")) → \(Markdown.escape(t.keepAlive.after ?? ""))")
        }
        if diff.targets.contains(where: { $0.keepAlive.differs && $0.presence == .both }) { out.append("") }
        if let c = diff.current {
            out.append(currentLine(c))
            out.append("")
        }
        if let p = diff.placement {
            out.append("Placement total: \(money(p.cost)) (\(dollars(ChangeText.moneyDelta(p.cost)))).")
            out.append("")
        }
        return out
    }

    static func shortTargets(_ diff: ResultDiff) -> [String] {
        guard !diff.targets.isEmpty else { return [] }
        var out = ["| target | monthly cost | change | p99 ms |", "|---|---:|---:|---:|"]
        for t in diff.targets {
            out.append("| \(Markdown.escape(t.id))\(presenceNote(t.presence)) | \(money(t.cost)) | \(t.cost.before == nil && t.cost.after == nil ? "" : dollars(ChangeText.moneyDelta(t.cost))) | \(latency(t.p99)) |")
        }
        if let p = diff.placement {
            out.append("| placement | \(money(p.cost)) | \(dollars(ChangeText.moneyDelta(p.cost))) | |")
        }
        out.append("")
        if let c = diff.current {
            out.append(currentLine(c))
            out.append("")
        }
        return out
    }

    static func counts(_ diff: ResultDiff) -> [String] {
        var parts = ["\(diff.functions.count) function line\(diff.functions.count == 1 ? "" : "s") changed"]
        if let p = diff.placement { parts.append("\(p.moves.count) placement move\(p.moves.count == 1 ? "" : "s")") }
        if diff.violations.available {
            parts.append("\(diff.violations.added.count) new and \(diff.violations.removed.count) resolved compliance violation\(diff.violations.removed.count == 1 ? "" : "s")")
        }
        parts.append("\(diff.lockIn.count) lock-in score\(diff.lockIn.count == 1 ? "" : "s") changed")
        return [parts.joined(separator: ", ") + ".", ""]
    }

    /// The total where functions run today, and how many of them have no bill to count.
    static func currentLine(_ c: CurrentTotal) -> String {
        var line = "Where functions run today (each on its current target): \(money(c.cost)) (\(dollars(ChangeText.moneyDelta(c.cost))))"
        if let n = c.uncosted.after, n > 0 { line += "; \(n) function\(n == 1 ? "" : "s") on a target without a bill here not counted" }
        return line + "."
    }

    static func placement(_ diff: ResultDiff) -> [String] {
        guard let p = diff.placement, !p.moves.isEmpty else { return [] }
        var out = ["### Placement changes", "", "| function | before | after | why |", "|---|---|---|---|"]
        for m in p.moves {
            out.append("| \(Markdown.escape(m.id)) | \(Markdown.escape(m.before ?? "—")) | \(Markdown.escape(m.after ?? "—")) | \(Markdown.escape(m.reason)) |")
        }
        out.append("")
        return out
    }

    static func compliance(_ diff: ResultDiff, limit: Int) -> [String] {
        let v = diff.violations
        guard v.available, !v.added.isEmpty || !v.removed.isEmpty else { return [] }
        var out = ["### Compliance", ""]
        for (title, list) in [("New violations", v.added), ("Resolved violations", v.removed)] where !list.isEmpty {
            out += ["**\(title)** (\(list.count))", "", "| function | target | region | reason |", "|---|---|---|---|"]
            for x in list.prefix(limit) {
                out.append("| \(Markdown.escape(x.app + "/" + x.function)) | \(Markdown.escape(x.target)) | \(Markdown.escape(x.region)) | \(Markdown.escape(x.reason)) |")
            }
            if list.count > limit { out.append("| … and \(list.count - limit) more (see `--format json`) | | | |") }
            out.append("")
        }
        return out
    }

    static func lockIn(_ diff: ResultDiff, limit: Int) -> [String] {
        guard !diff.lockIn.isEmpty else { return [] }
        let title = diff.lockIn.count > limit ? "### Lock-in scores (0–100; \(limit) of \(diff.lockIn.count) changes)" : "### Lock-in scores (0–100)"
        var out = [title, "", "| function | target | score |", "|---|---|---:|"]
        for c in diff.lockIn.prefix(limit) {
            let delta = c.score.delta ?? 0
            out.append("| \(Markdown.escape(c.app + "/" + c.function)) | \(Markdown.escape(c.target)) | \(c.score.before ?? 0) → \(c.score.after ?? 0) (\(delta > 0 ? "+" : "")\(delta)) |")
        }
        out.append("")
        return out
    }

    static func functions(_ diff: ResultDiff, top: Int) -> [String] {
        guard !diff.functions.isEmpty, top > 0 else { return [] }
        let shown = diff.functions.prefix(top)
        let title = diff.functions.count > shown.count ? "### Largest changes per function (\(shown.count) of \(diff.functions.count))" : "### Changes per function"
        var out = [title, "", "| function | target | memory MB | monthly cost | change | p99 ms | cold starts | throttled |",
                   "|---|---|---:|---:|---:|---:|---:|---:|"]
        for f in shown {
            let memory = f.memoryMB.differs
                ? "\(f.memoryMB.before.map { Numbers.number($0, .trimmed) } ?? "—") → \(f.memoryMB.after.map { Numbers.number($0, .trimmed) } ?? "—")"
                : Numbers.number(f.memoryMB.after ?? 0, .trimmed)
            let cells = [Markdown.escape(f.app + "/" + f.function) + presenceNote(f.presence), Markdown.escape(f.target), memory,
                         money(f.cost), f.cost.before == nil && f.cost.after == nil ? "" : dollars(ChangeText.moneyDelta(f.cost)),
                         latency(f.p99), count(f.coldStarts), count(f.throttled)]
            out.append("| " + cells.joined(separator: " | ") + " |")
        }
        out.append("")
        return out
    }

    // MARK: cells

    static func presenceNote(_ p: Presence) -> String {
        switch p {
        case .both: return ""
        case .added: return " (new)"
        case .removed: return " (removed)"
        }
    }

    static func money(_ c: Change<Decimal>) -> String {
        if c.before == nil && c.after == nil { return "on-prem" }
        if c.before == c.after, let v = c.after { return dollars(Numbers.usd(v, .cents)) }
        return dollars("\(c.before.map({ Numbers.usd($0, .cents) }) ?? "—") → \(c.after.map({ Numbers.usd($0, .cents) }) ?? "—")")
    }

    /// Our own text with `$` escaped: two amounts on a line could otherwise open GitHub's inline math.
    static func dollars(_ text: String) -> String { text.replacingOccurrences(of: "$", with: "\\$") }

    static func days(_ minutes: Int) -> String {
        let d = Double(minutes) / 1440
        return "\(Numbers.number(d, .trimmed)) day\(d == 1 ? "" : "s")"
    }

    static func latency(_ c: Change<Double>) -> String {
        if c.before == c.after, let v = c.after { return Numbers.ms(v, .column) }
        return "\(c.before.map({ Numbers.ms($0, .column) }) ?? "—") → \(c.after.map({ Numbers.ms($0, .column) }) ?? "—")"
    }

    static func count(_ c: Change<Int>) -> String {
        if c.before == c.after, let v = c.after { return Numbers.count(v) }
        return "\(c.before.map({ Numbers.count($0) }) ?? "—") → \(c.after.map({ Numbers.count($0) }) ?? "—")"
    }

    static func rateNote(_ c: Change<Double>) -> String {
        guard let b = c.before, let a = c.after, b != a else { return "" }
        return " (\(Numbers.percent(b, .compact)) → \(Numbers.percent(a, .compact)))"
    }
}
