import Formatting
import Foundation
import Results

/// Memory per function: where each figure came from and what each cloud target bills for it.
/// Memory-time is most of a serverless bill, so an inferred memory is the verdict's first assumption.
enum MemorySection {
    static let shown = 10

    static func blocks(_ c: ReportContext) -> [Block] {
        guard let rows = c.doc.section("memory")?["functions"]?.array, !rows.isEmpty else { return [] }
        var byOrigin: [String: Int] = [:]
        var floored = 0
        for r in rows {
            byOrigin[r["origin"]?.string ?? "?", default: 0] += 1
            if r["floorMB"]?.double != nil { floored += 1 }
        }
        var parts: [String] = []
        if let n = byOrigin["declared"] { parts.append("\(Numbers.count(n)) declared in the deployment") }
        if let n = byOrigin["trace"] { parts.append("\(Numbers.count(n)) recorded in the trace") }
        if let n = byOrigin["app-share"] {
            var text = "\(Numbers.count(n)) inferred: their app's recorded average memory split evenly over its functions (the In-Vitro loader's rule)"
            if floored > 0, let floor = rows.lazy.compactMap({ $0["floorMB"]?.double }).first {
                text += ", \(Numbers.count(floored)) of them raised to \(Numbers.count(floor)) MB, the least any cloud target in the catalog bills, where the share fell below it"
            }
            parts.append(text)
        }
        if let n = byOrigin["assumed"] { parts.append("\(Numbers.count(n)) assumed (nothing in the trace or the deployment)") }
        var out = ["## Memory"]
        var intro = "Each function's memory decides its GB-s, and GB-s are most of a serverless bill. Of \(Numbers.count(rows.count)) functions: " + parts.joined(separator: "; ") + "."
        if (byOrigin["app-share"] ?? 0) + (byOrigin["assumed"] ?? 0) > 0 {
            intro += " Set the real figures with `memoryMB` in the deployment's rules: every bill below moves with them."
        }
        out.append(intro)

        // The most expensive functions where the recommendation runs them, with each cloud target's billed size.
        let placed = Dictionary((c.placement?["functions"]?.array ?? []).compactMap { f in f["id"]?.string.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
        let cost: (JSONNode) -> Double = { placed[$0["id"]?.string ?? ""]?["monthlyCost"]?.double ?? 0 }
        let top = rows.sorted { cost($0) != cost($1) ? cost($0) > cost($1) : ($0["id"]?.string ?? "") < ($1["id"]?.string ?? "") }.prefix(shown)
        var listed: [[String]] = []
        for r in top {
            let id = r["id"]?.string ?? ""
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            let name = parts.count == 2 ? Text.id(app: parts[0], function: parts[1]) : Text.name(id)
            var billed: [Int: [String]] = [:]
            for t in c.cloud { if let f = t.functions.first(where: { $0.id == id }) { billed[Int(f.memoryMB.rounded()), default: []].append(t.id) } }
            let perTarget = billed.sorted { $0.key < $1.key }.map { "\(Numbers.count($0.key)) MB on \($0.value.map(Text.md).joined(separator: ", "))" }.joined(separator: "; ")
            listed.append([name, "\(Numbers.count(r["memoryMB"]?.double ?? 0)) MB", origin(r), perTarget.isEmpty ? "–" : perTarget])
        }
        if !listed.isEmpty {
            out.append("The \(listed.count) functions that cost most in the recommended plan, their memory and what each cloud target bills (its minimum, step and sizes applied):")
            out.append(table(["function", "memory", "from", "billed as"], listed, right: [1]))
        }
        if let hints = rightSizing(rows, cost: cost) { out.append(hints) }
        return [.text(out.joined(separator: "\n\n"))]
    }

    /// Functions whose calls reported the memory they used (Lambda's `Max Memory Used`) and hold
    /// much more: the size the rule suggests (the peak used plus 20 %, up to the next 64 MB,
    /// Placer's rule of thumb) and the memory-time it would save where durations hold.
    static func rightSizing(_ rows: [JSONNode], cost: (JSONNode) -> Double) -> String? {
        var hints: [(saving: Double, row: [String])] = []
        for r in rows {
            guard let peak = r["usedPeakMB"]?.double, let memory = r["memoryMB"]?.double, memory > 0 else { continue }
            let suggested = (peak * 1.2 / 64).rounded(.up) * 64
            guard suggested < memory * 0.9 else { continue }
            let share = 1 - suggested / memory
            let id = r["id"]?.string ?? ""
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            let name = parts.count == 2 ? Text.id(app: parts[0], function: parts[1]) : Text.name(id)
            hints.append((share * cost(r), [name, "\(Numbers.count(memory)) MB", "\(Numbers.count(peak)) MB (mean \(Numbers.count(r["usedMeanMB"]?.double ?? 0)), \(Numbers.count(r["usedCalls"]?.double ?? 0)) calls)",
                                            "\(Numbers.count(suggested)) MB", Numbers.percent(share, .adaptive)]))
        }
        guard !hints.isEmpty else { return nil }
        hints.sort { $0.saving != $1.saving ? $0.saving > $1.saving : $0.row[0] < $1.row[0] }
        let shownHints = hints.prefix(shown).map(\.row)
        return "Right-sizing: \(Numbers.counted(Double(hints.count), "function")) use far less memory than they hold, by the peaks their calls reported. The suggested size is the peak plus 20 %, up to the next 64 MB (Placer's rule of thumb); the saving is of memory-time where durations hold, and on Lambda CPU follows memory, so measure durations at the new size before you commit it.\n\n"
            + table(["function", "memory", "peak used", "suggested", "memory-time saved"], shownHints, right: [1, 2, 3, 4])
    }

    static func origin(_ r: JSONNode) -> String {
        switch r["origin"]?.string {
        case "declared": return "deployment"
        case "trace": return "trace"
        case "app-share":
            let app = Numbers.count(r["appMB"]?.double ?? 0), n = Numbers.count(r["functionsInApp"]?.double ?? 1)
            let floor = r["floorMB"]?.double.map { ", raised to \(Numbers.count($0)) MB" } ?? ""
            return "inferred: app \(app) MB ÷ \(n)\(floor)"
        default: return "assumed"
        }
    }
}
