import Formatting
import Foundation
import Results

/// Section 9: how the trace became a month, the seed, every price with its source and date, and
/// every figure no source gives (`assumed`), from the `profiles` section of the result.
enum AssumptionsSection {
    /// Which accounts the trace was billed and throttled as (nothing for a result without `accounts`).
    static func accountsSentence(_ accounts: JSONNode?) -> String {
        guard let mode = accounts?["mode"]?.string, let count = accounts?["count"]?.double else { return "" }
        if mode == "per-owner" {
            return " The trace was billed and throttled as \(Numbers.counted(Int(count), "account")), one per owner it names (apps naming none share one), each with its own free grants, volume tiers and concurrency quota (`--accounts one` makes it one account)."
        }
        return " The whole trace was billed and throttled as one account (one free grant, one concurrency quota; `--accounts per-owner` splits a trace that names owners)."
    }

    static func blocks(_ c: ReportContext) -> [Block] {
        let doc = c.doc
        var text = ["## Assumptions and sources"]
        let factor = 30 / max(doc.days, 1e-9)
        text.append("The trace spans \(Numbers.count(doc.spanMinutes)) minutes (\(Numbers.span(days: doc.days))). Its usage was multiplied by \(Numbers.fixed(factor, 2)) to a 30-day month before free grants and volume tiers were applied, so a month is assumed to look like the recorded days. "
                    + "The replay is seeded: seed \(Text.md(doc.seed)), \(Text.md(doc.arrivals)) arrivals; the same inputs and seed give the same figures."
                    + accountsSentence(doc.section("accounts")))
        var notes = doc.notes.map { "- " + Text.md($0) }
        // Target notes, each once with the targets it applies to, in target order.
        var order: [String] = [], targetsOf: [String: [String]] = [:]
        for t in c.cloud + c.onPrem {
            let own = t.notes + ((t.node["bill"]?["notes"]?.array ?? []).compactMap(\.string))
            for note in own where !note.hasPrefix("usage of ") && !note.hasPrefix("assumed figures in this target") {
                if targetsOf[note] == nil { order.append(note) }
                if targetsOf[note]?.contains(t.id) != true { targetsOf[note, default: []].append(t.id) }
            }
        }
        for note in order { notes.append("- \(Text.md(note)) (\(targetsOf[note, default: []].map(Text.md).joined(separator: ", ")))") }
        if !notes.isEmpty { text.append("What the replay assumed or left out:\n\n" + notes.joined(separator: "\n")) }
        if let basis = onPremBasis(c) { text.append(basis) }

        guard let profiles = doc.section("profiles")?.array, !profiles.isEmpty else {
            text.append("The result carries no profile sources (it was written by `placer simulate`); run `placer advise` for prices and their sources.")
            return [.text(text.joined(separator: "\n\n"))]
        }
        var assumed: [[String]] = []
        var prices: [[String]] = []
        for p in profiles {
            let id = Text.md(p["id"]?.string ?? "?")
            let sources = p["sources"]?.object ?? [:]
            var bySource: [String: [String]] = [:], assumedBySource: [String: [String]] = [:]
            for f in p["figures"]?.array ?? [] {
                guard let path = f["path"]?.string, let key = f["source"]?.string else { continue }
                let value = "\(f["value"]?.string ?? "?") \(f["unit"]?.string ?? "")".trimmingCharacters(in: .whitespaces)
                let source = sources[key]
                if source?["confidence"]?.string == "assumed" {
                    assumedBySource[key, default: []].append("\(Text.md(path)) \(Text.md(value))")
                } else if path.hasPrefix("billing.") {
                    bySource[key, default: []].append("\(Text.md(String(path.dropFirst("billing.".count)))) \(Text.md(value))")
                }
            }
            for key in assumedBySource.keys.sorted() {
                assumed.append([id, assumedBySource[key, default: []].joined(separator: "; "), Text.md(sources[key]?["note"]?.string ?? "no source gives it")])
            }
            for key in bySource.keys.sorted() {
                let source = sources[key]
                prices.append([id, bySource[key, default: []].joined(separator: "; "), link(source?["url"]?.string ?? key),
                               Text.md(source?["read"]?.string ?? "?"), Text.md(checked(source)), Text.md(source?["confidence"]?.string ?? "?")])
            }
        }
        if !prices.isEmpty {
            text.append("Prices and billing rules, per target and source (figures marked assumed are listed after):")
            text.append(table(["target", "figures", "source", "read", "checked", "confidence"], prices))
        }
        if assumed.isEmpty {
            text.append("No figure used was marked `assumed`.")
        } else {
            text.append("Figures no source gives (`assumed`: Placer's defaults; override them in the deployment when you know better):")
            text.append(table(["target", "figures", "why"], assumed))
        }
        return [.text(text.joined(separator: "\n\n"))]
    }

    /// When the source was last re-checked: its date, "no" when never, "?" for a result written
    /// before the field existed.
    static func checked(_ source: JSONNode?) -> String {
        if let day = source?["checked"]?.string { return day }
        if case .bool(false)? = source?["checked"]?.value { return "no" }
        return "?"
    }

    /// What the on-prem figures rest on (CPU per call, memory, site, people, owned capacity), from
    /// the placed cluster's `basis`, else the first costed platform's; nil when none was costed.
    static func onPremBasis(_ c: ReportContext) -> String? {
        let node = c.placement?["onPrem"]?["basis"] ?? c.doc.section("onPremCosts")?["targets"]?.array?.first?["basis"]
        guard let basis = node?.object, !basis.isEmpty else { return nil }
        let names = ["cpu": "CPU per call", "memory": "memory per instance", "site": "site", "people": "people", "owned": "owned capacity"]
        let lines = ["cpu", "memory", "site", "people", "owned"].compactMap { key in
            basis[key]?.string.map { "- \(names[key]!): \(Text.md($0))" }
        }
        guard !lines.isEmpty else { return nil }
        return "What the on-prem costs rest on:\n\n" + lines.joined(separator: "\n")
    }

    /// A source address as a link when it is a plain web address, escaped text otherwise.
    static func link(_ url: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'*+,;=%")
        if url.hasPrefix("https://") || url.hasPrefix("http://"), url.unicodeScalars.allSatisfy(allowed.contains), url.count < 400 {
            return "<\(url)>"
        }
        return Text.md(url)
    }
}
