import Foundation

extension LockInReport {
    /// The terminal form: lock-in by target and trigger, migrations, compliance, violations.
    ///
    /// `functionLimit` caps the per-function lines (violations, verdicts) so a trace of
    /// thousands of functions still prints a readable page; the JSON has them all.
    public func text(functionLimit: Int = 20) -> String {
        var out: [String] = []
        let total = functions.count
        out.append("Lock-in score per function (0 = free to leave, 100 = fully locked), by trigger; \(total) function\(total == 1 ? "" : "s")")
        let columns = usages.prefix(8)
        let idWidth = max(18, (targets.map(\.id.count).max() ?? 0) + 2)
        let headers = columns.map { "\($0.usage)(\($0.functions))" }
        let widths = headers.map { max(7, $0.count + 2) }
        var header = "target".padding(toLength: idWidth, withPad: " ", startingAt: 0)
        for (h, w) in zip(headers, widths) { header += pad(h, w) }
        header += pad("mean", 7) + pad("allowed", 10)
        out.append(header)
        for target in targets {
            var line = target.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
            for (usage, w) in zip(columns, widths) {
                let s = usage.scores.first { $0.target == target.id }
                line += pad(s.map { String($0.score) } ?? "–", w)
            }
            let scored = functions.compactMap { $0.lockIn[target.id] }
            let mean = scored.isEmpty ? "–" : String(format: "%.0f", Double(scored.reduce(0, +)) / Double(scored.count))
            let allowed = functions.filter { f in f.compliance.contains { $0.target == target.id && $0.allowed } }.count
            line += pad(mean, 7) + pad("\(allowed)/\(total)", 10)
            out.append(line)
        }
        if usages.count > columns.count {
            out.append("  (\(usages.count - columns.count) rarer usages in the JSON)")
        }
        // Why, for the most common usage on each target's first row: the breakdown of one column.
        if let top = usages.first(where: { $0.trigger == "orchestration" }) ?? usages.first {
            out.append("")
            out.append("Breakdown for \(top.usage) functions:")
            for s in top.scores {
                let parts = s.components.filter { $0.points > 0 }.map { "\($0.name) \($0.points) (\($0.reason))" }
                out.append("  \(s.target): \(s.score) = " + (parts.isEmpty ? "0" : parts.joined(separator: " + ")))
            }
        }
        if !migrations.isEmpty {
            out.append("")
            for from in Array(Set(migrations.map(\.from))).sorted() {
                let rows = migrations.filter { $0.from == from }.sorted { ($0.points, $0.to) < ($1.points, $1.to) }
                out.append("Moving off \(from) (\(rows.first?.functions ?? 0) functions), effort points (≈ developer-days):")
                for m in rows {
                    out.append("  → \(m.to.padding(toLength: idWidth - 2, withPad: " ", startingAt: 0))\(pad(String(m.points), 6))")
                    for step in m.steps.prefix(4) {
                        out.append("      \(step.functions) × \(step.reason) (\(step.points) points)")
                    }
                    if m.steps.count > 4 { out.append("      … \(m.steps.count - 4) more kinds of step in the JSON") }
                }
            }
        }
        let demanding = functions.filter { !$0.requirements.isEmpty }
        out.append("")
        if demanding.isEmpty {
            out.append("Compliance: no function states requirements (dataClasses, certifications, regions, onPremOnly, maxLockIn); every target is allowed.")
        } else {
            out.append("Compliance: \(demanding.count) of \(total) functions state requirements")
            // Functions with the same requirements and the same outcome on every target.
            var groups: [String: [LockInReport.Function]] = [:]
            for f in demanding {
                let outcome = f.compliance.map { $0.allowed ? "1" : "0" }.joined()
                groups[f.requirements.summary + "\u{1}" + outcome, default: []].append(f)
            }
            for (key, members) in groups.sorted(by: { $0.key < $1.key }) {
                let summary = key.split(separator: "\u{1}").first.map(String.init) ?? key
                let kinds = Set(members.map(\.usage)).sorted().joined(separator: ", ")
                out.append("  \(members.count) × \(summary) (\(kinds)):")
                let verdicts = members[0].compliance
                let allowed = verdicts.filter(\.allowed)
                if !allowed.isEmpty {
                    let leaning = allowed.filter { !$0.assumed.isEmpty }.count
                    out.append("    allowed on \(allowed.map(\.target).joined(separator: ", "))"
                               + (leaning > 0 ? " (\(leaning) of them on assumed data: see the JSON's `assumed`)" : ""))
                }
                // Refusals with the same reason together.
                var refusals: [(reason: String, targets: [String])] = []
                for v in verdicts where !v.allowed {
                    if let i = refusals.firstIndex(where: { $0.reason == v.reason }) { refusals[i].targets.append(v.target) } else { refusals.append((v.reason, [v.target])) }
                }
                for r in refusals {
                    out.append("    not allowed on \(r.targets.joined(separator: ", ")): \(r.reason)")
                }
            }
        }
        if !violations.isEmpty {
            out.append("")
            out.append("Violations of the current deployment: \(violations.count)")
            for v in violations.prefix(functionLimit) {
                out.append("  \(short(v.app))/\(short(v.function)) \(v.pinned ? "pinned to" : "on") \(v.target)\(v.region.map { " (\($0))" } ?? ""): \(v.reason)")
            }
            if violations.count > functionLimit { out.append("  … \(violations.count - functionLimit) more in the JSON") }
        }
        let assumed = targets.filter { !$0.assumedSources.isEmpty }
        if !assumed.isEmpty {
            out.append("")
            out.append("Assumed (unverified) lock-in/compliance sources: " + assumed.map { "\($0.id) [\($0.assumedSources.joined(separator: ", "))]" }.joined(separator: "; "))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(1, width - text.count)) + text
    }

    /// Azure's 64-character hashes, shortened for the terminal.
    private func short(_ key: String) -> String { key.count > 16 ? String(key.prefix(12)) + "…" : key }
}
