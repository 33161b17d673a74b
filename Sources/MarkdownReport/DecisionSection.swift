import Formatting
import Foundation
import Results

/// The first screen when the result compares plans (`placement.options`): what to do, what it
/// saves, what getting there costs and when it pays back; the plans side by side; and the
/// assumptions that would change the answer, the most decisive first.
enum DecisionSection {
    /// One plan of `placement.options`, as the report reads it.
    struct Option {
        var id: String
        var summary: String
        var monthly: Double
        var saving: Double?
        var moved: Int
        var points: Int
        var migration: Double
        var payback: Double?
        var net: Double?
        var lockIn: Double?
        var feasible: Bool
        var violations: [String]
        var fixes: [String]
        var risks: [String]
        var sameAs: String?
        var targets: [String: Int]
        /// Each function placed elsewhere than today: `function from A to B`, and what it costs on each.
        var moves: [(text: String, costs: String)] = []

        init(_ o: JSONNode) {
            // Ids are shown as they are compared: escaped once, here (the file may come from anywhere).
            id = Text.md(o["id"]?.string ?? "?")
            summary = o["summary"]?.string ?? ""
            monthly = o["monthlyCost"]?.double ?? 0
            saving = o["saving"]?.double
            moved = Int(o["functionsMoved"]?.double ?? 0)
            points = Int(o["effortPoints"]?.double ?? 0)
            migration = o["migrationCost"]?.double ?? 0
            payback = o["paybackMonths"]?.double
            net = o["netValue"]?.double
            lockIn = o["lockIn"]?.double
            feasible = o["feasible"]?.value.isTrue ?? false
            violations = (o["violations"]?.array ?? []).compactMap(\.string)
            fixes = (o["fixes"]?.array ?? []).compactMap(\.string)
            risks = (o["risks"]?.array ?? []).compactMap(\.string)
            sameAs = o["sameAs"]?.string.map(Text.md)
            targets = (o["targets"]?.object ?? [:]).compactMapValues { $0.double.map { Int($0) } }
        }
    }

    static func options(_ c: ReportContext) -> [Option]? {
        guard let list = c.placement?["options"]?.array, !list.isEmpty else { return nil }
        var options = list.map(Option.init)
        // Moves against stay, named: each option lists its functions' targets in placement order,
        // which is the workload's order on every target too.
        let functions = c.placement?["functions"]?.array ?? []
        let ids = functions.map { f in (app: f["app"]?.string ?? "", function: f["function"]?.string ?? "") }
        let placed = list.map { ($0["functions"]?.array ?? []).map { $0.string ?? "" } }
        let recommended = Text.md(c.placement?["recommended"]?.string ?? "")
        /// Function `i`'s share of target `id`'s bill, read by position (checked against its name).
        func cost(_ i: Int, on id: String) -> Double? {
            guard let rows = c.doc.target(id)?.functions, i < rows.count, rows[i].app == ids[i].app, rows[i].function == ids[i].function else { return nil }
            return rows[i].figures.monthlyCost.map { NSDecimalNumber(decimal: $0.total).doubleValue }
        }
        if let stay = list.firstIndex(where: { $0["id"]?.string == "stay" }), placed[stay].count == ids.count {
            for k in options.indices where placed[k].count == ids.count {
                let moved = ids.indices.filter { placed[k][$0] != placed[stay][$0] }
                // The headline names up to five moves with what each costs; beyond that only the count is shown.
                let priced = moved.count <= 5
                options[k].moves = moved.map { i in
                    let from = placed[stay][i], to = placed[k][i]
                    let text = "\(Text.id(app: ids[i].app, function: ids[i].function)) from \(Text.md(from)) to \(Text.md(to))"
                    // In the placement written out, the function's share of that plan's bill.
                    let planShare = options[k].id == recommended ? functions[i]["monthlyCost"]?.double : nil
                    guard priced, let a = cost(i, on: from), let b = planShare ?? cost(i, on: to) else { return (text, "") }
                    return (text, " (its share of the bill: \(Numbers.usd(a, .compact)) a month on \(Text.md(from)), \(Numbers.usd(b, .compact)) on \(Text.md(to)))")
                }
            }
        }
        return options
    }

    /// The retirement what-if, when the recommended plan keeps functions on a target that retires
    /// inside the horizon.
    static func retirementScenario(_ choice: Option, _ c: ReportContext) -> JSONNode? {
        (c.placement?["scenarios"]?.array ?? []).first { s in
            s["id"]?.string == "retirement" && (s["retirement"]?["target"]?.string).map { (choice.targets[$0] ?? 0) > 0 } == true
        }
    }

    /// What becomes of `mover`'s saving over `choice` when a target `choice` uses retires inside
    /// the horizon (the retirement what-if's bills after it), e.g. "and the saving ends when …".
    static func savingAfterRetirement(_ choice: Option, _ mover: Option, _ c: ReportContext, horizon: Int) -> String? {
        guard let s = retirementScenario(choice, c), let r = s["retirement"], let target = r["target"]?.string,
              let months = r["months"]?.double, months < Double(horizon),
              let a0 = s["monthlyCost"]?[choice.id]?.double, let a1 = s["monthlyCost"]?[mover.id]?.double else { return nil }
        let when = "when \(Text.md(target)) retires \(Numbers.counted(months, "month")) in"
        if Numbers.cents(a0) == Numbers.cents(a1) { return "and the saving ends \(when)" }
        return a0 > a1 ? "and the saving becomes \(Numbers.usd(a0 - a1, .compact)) a month \(when)"
            : "and \(mover.id) costs \(Numbers.usd(a1 - a0, .compact)) a month more \(when)"
    }

    /// Right after the headline's figure: how long it holds, and what the plan costs once a target
    /// it uses has retired and what it keeps there runs on the successor.
    static func retirementClause(_ choice: Option, _ c: ReportContext) -> String? {
        guard let s = retirementScenario(choice, c), let r = s["retirement"], let target = r["target"]?.string,
              let successor = r["successor"]?.string, let date = r["date"]?.string, let months = r["months"]?.double,
              let after = s["monthlyCost"]?[choice.id]?.double else { return nil }
        let kept = choice.targets[target] ?? 0
        let total = choice.targets.values.reduce(0, +)
        // Functions there that made no call in the trace are in no plan, but move all the same.
        let idle = r["idleFunctions"]?.double ?? 0
        let which = kept == total
            ? (idle > 0 ? "every function, the \(Numbers.count(idle)) that made no call in the trace included," : "every function")
            : "the \(Numbers.counted(Double(kept), "function")) on \(Text.md(target))"
                + (idle > 0 ? " and the \(Numbers.counted(idle, "function")) there that made no call in the trace" : "")
        let verb = kept == total || (kept == 1 && idle == 0) ? "moves" : "move"
        let whither = landingText(r, of: choice.id, successor: successor, preposition: "to")
            .map { ": \($0), where each costs least over the rest of the horizon, its move included" } ?? " to \(Text.md(successor))"
        // The forced move's work, where the what-if priced it: a budget line, not only a new monthly bill.
        var work = ""
        if let points = r["forcedPoints"]?[choice.id]?.double, let cost = r["forcedCost"]?[choice.id]?.double, points > 0 {
            // The low end, where an app's functions move as one (the effort what-if); both amounts written alike.
            let perApp = (c.placement?["scenarios"]?.array ?? []).first { $0["id"]?.string == "effort-per-app" }?["retirement"]
            var low: (points: Double, cost: Double)?
            if let p = perApp?["forcedPoints"]?[choice.id]?.double, let c = perApp?["forcedCost"]?[choice.id]?.double, p < points { low = (p, c) }
            if let low {
                let style = Numbers.columnStyle([cost, low.cost])
                work = " (about \(Numbers.count(low.points)) to \(Numbers.counted(points, "developer-day")) of work, \(Numbers.usd(low.cost, style)) to \(Numbers.usd(cost, style)), to budget before then: a day per app at the low end, a day per function at the high)"
            } else {
                work = " (about \(Numbers.counted(points, "developer-day")) of work, \(Numbers.usd(cost, .compact)), to budget before then)"
            }
        }
        return "The \(Numbers.usd(choice.monthly, .compact)) holds until \(date), when \(Text.md(target)) retires (\(Numbers.counted(months, "month")) in, \(retirementScope(target, c, trace: true)): see Platform status): then \(which) \(verb)\(whither)\(work) and \(choice.id) costs \(Numbers.usd(after, .compact)) a month (the retirement what-if below prices the move)."
    }

    /// Where a plan's forced functions land, e.g. "20 to cloud-run and 2 to aws-lambda-arm64" (the
    /// successor first, then most first), when they do not all go to the successor; nil when they
    /// do, or when the what-if does not say.
    static func landingText(_ r: JSONNode, of plan: String, successor: String, preposition: String) -> String? {
        let landing = (r["landing"]?[plan]?.object ?? [:]).compactMapValues(\.double).filter { $0.value > 0 }
        guard landing.keys.contains(where: { $0 != successor }) else { return nil }
        let order: [(key: String, value: Double)] = landing.sorted { a, b in
            if (a.key == successor) != (b.key == successor) { return a.key == successor }
            return a.value != b.value ? a.value > b.value : a.key < b.key
        }
        let parts = order.map { "\(Numbers.count($0.value)) \(preposition) \(Text.md($0.key))" }
        return parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " and " + parts[parts.count - 1]
    }

    /// The lifecycle of the targets the recommended plan uses and of the one functions run on
    /// today, where it is not plainly active (Azure's Consumption plan: legacy, retiring on Linux).
    static func statusLine(_ choice: Option, _ c: ReportContext) -> String? {
        var ids = choice.targets.filter { $0.value > 0 }.keys.sorted()
        if let current = c.currentTarget, !ids.contains(current) { ids.append(current) }
        let lines = ids.compactMap { id -> String? in
            guard let note = c.statusNote(id) else { return nil }
            let role = [choice.targets[id].map { $0 > 0 ? "in the recommended plan" : "" } ?? "",
                        id == c.currentTarget ? "where functions run today" : ""].filter { !$0.isEmpty }.joined(separator: ", ")
            return "\(Text.md(id)) (\(role)) is \(Text.md(note))"
        }
        guard !lines.isEmpty else { return nil }
        let horizon = Int(c.placement?["horizonMonths"]?.double ?? 0)
        // A retirement the headline already states (from its what-if) is not said twice.
        let stated = retirementScenario(choice, c)?["retirement"]?["target"]?.string
        let within = ids.filter { $0 != stated }.compactMap { retirementWithin(horizon, of: $0, choice, c) }
        return "Platform status: " + lines.joined(separator: "; ") + "." + within.map { " " + $0 }.joined()
    }

    /// Which of a retiring target's apps retire: "for Linux apps only" (its profile's
    /// `status.retiresOnly`), with "which the trace does not say these are; for the others nothing
    /// retires" when `trace`, else "where it applies".
    static func retirementScope(_ id: String, _ c: ReportContext, trace: Bool) -> String {
        let profile = c.profile(id)
        guard let only = profile?["retiresOnly"]?.string else { return "where it applies" }
        return "for \(Text.md(only)) only" + (trace ? ", which the trace does not say these are; for the others nothing retires" : "")
    }

    /// When a plan's target retires inside the horizon (months from its prices' date): what
    /// staying there then means, with its successor's bill for the whole trace beside the target's.
    static func retirementWithin(_ horizon: Int, of id: String, _ choice: Option, _ c: ReportContext) -> String? {
        let profile = c.profile(id)
        guard horizon > 0, let retires = profile?["retires"]?.string, let asOf = profile?["pricesAsOf"]?.string,
              let months = Months.between(asOf, retires), months < horizon else { return nil }
        var text = "\(Text.md(id)) retires \(retires), \(months) months after its prices' date (\(asOf)) and inside the \(horizon)-month horizon"
        let successor = profile?["successor"]?.string
        let bill = { (t: String) in c.cloud.first { $0.id == t }?.figures.monthlyCost.map { Numbers.usd($0.total, .compact) } }
        if let successor, let there = bill(successor), let here = bill(id) {
            text += ": \(retirementScope(id, c, trace: false)), every function kept there moves to \(Text.md(successor)) before then (the whole trace costs \(there) a month there against \(here) here), a move and a bill the plans above do not count"
        } else if let successor {
            text += ": \(retirementScope(id, c, trace: false)), every function kept there moves to \(Text.md(successor)) before then, which the plans above do not count"
        }
        return text + "."
    }

    static func blocks(_ c: ReportContext, _ options: [Option]) -> [Block] {
        guard let p = c.placement else { return [] }
        let recommended = Text.md(p["recommended"]?.string ?? "")
        let horizon = Int(p["horizonMonths"]?.double ?? 0)
        let dayRate = p["dayRateUSD"]?.double ?? 0
        guard let choice = options.first(where: { $0.id == recommended }) else { return [] }
        var out = ["## Verdict", headline(choice, options, c, horizon: horizon)]
        var table = optionsTable(options, recommended: recommended, horizon: horizon, dayRate: dayRate)
        if let note = retirementTableNote(choice, c, horizon: horizon) { table += " " + note }
        out.append(table)
        out.append(requirementsLine(options, c))
        if !choice.risks.isEmpty {
            out.append("Risks of \(choice.id): " + choice.risks.map { Text.md($0) }.joined(separator: "; ") + ".")
        }
        if choice.id != "stay", let stay = options.first(where: { $0.id == "stay" }), !stay.risks.isEmpty {
            out.append("Risks of staying: " + stay.risks.map { Text.md($0) }.joined(separator: "; ") + ".")
        }
        if let status = statusLine(choice, c) { out.append(status) }
        if let changes = whatWouldChange(choice, options, c, horizon: horizon, dayRate: dayRate) { out.append(changes) }
        out.append("How the plans were built and priced, and what they rest on: [How this was decided](#how-this-was-decided).")
        return [.text(out.joined(separator: "\n\n"))]
    }

    /// The answer in two or three sentences.
    static func headline(_ choice: Option, _ options: [Option], _ c: ReportContext, horizon: Int) -> String {
        let stay = options.first { $0.id == "stay" }
        var text: String
        switch choice.id {
        case "stay":
            let today = choice.targets.keys.sorted().map { Text.md($0) }.joined(separator: " and ")
            text = "**Stay on \(today): \(Numbers.usd(choice.monthly, .compact)) a month.**"
        default:
            if let stay, let saving = choice.saving, saving > 0 {
                text = "**Adopt \(choice.id): \(Numbers.usd(choice.monthly, .compact)) a month instead of \(Numbers.usd(stay.monthly, .compact)), saving \(Numbers.usd(saving, .compact)).**"
            } else {
                text = "**Adopt \(choice.id): \(Numbers.usd(choice.monthly, .compact)) a month.**"
            }
            let total = choice.targets.values.reduce(0, +)
            if !choice.moves.isEmpty, choice.moves.count <= 5 {
                text += " It moves " + choice.moves.map { $0.text + $0.costs }.joined(separator: "; ")
                text += total > choice.moves.count ? ", and keeps the other \(Numbers.count(total - choice.moves.count)) where they run." : "."
            } else {
                text += " It \(Text.md(choice.summary))."
            }
        }
        if let until = retirementClause(choice, c) { text += " " + until }
        if !choice.feasible {
            text += " No plan meets every requirement; this one breaks the fewest (\(choice.violations.count)), named below."
        }
        let movers = options.filter { $0.sameAs == nil && $0.id != choice.id && $0.moved > 0 && $0.feasible && ($0.saving ?? 0) > 0 }
        // Migration costs as the plan table's column writes them.
        let migrationStyle = Numbers.columnStyle(options.filter { $0.sameAs == nil }.map { Optional($0.migration) })
        if choice.id == "stay", let best = movers.max(by: { ($0.net ?? -.infinity) < ($1.net ?? -.infinity) }), let saving = best.saving {
            text += " No plan that moves functions to another target pays for its migration within \(horizon) months."
            text += " The closest by net over \(horizon) months, \(best.id), moves \(Numbers.counted(Double(best.moved), "function")) for \(Numbers.usd(saving, .compact)) a month less,"
            // Payback counts only what the plan spends beyond stay's own fixes: say so, as below.
            let extra = max(0, best.migration - (stay?.migration ?? 0))
            text += " but its migration, about \(Numbers.count(best.points)) developer-days (\(Numbers.usd(best.migration, migrationStyle))"
            text += extra < best.migration ? ", \(Numbers.usd(extra, migrationStyle)) of it beyond the fixes staying needs too), " : "), "
            // A payback is worked out at today's saving; a retirement inside the horizon changes it.
            let ending = savingAfterRetirement(choice, best, c, horizon: horizon)
            text += best.payback.map { m in
                m > 1200 ? "never pays back within any horizon that matters (\(months(m)) at that saving\(ending.map { ", \($0)" } ?? ""))."
                    : "pays back only after \(months(m))\(ending == nil ? "" : " at that saving")\(m > 120 ? ", longer than any plan is held to" : "")\(ending.map { ", \($0)" } ?? "")."
            } ?? "never pays back."
        } else if let saving = choice.saving, saving > 0 {
            let extra = max(0, choice.migration - (stay?.migration ?? 0))
            text += " Getting there takes about \(Numbers.count(choice.points)) developer-days (\(Numbers.usd(choice.migration, migrationStyle))"
            text += extra < choice.migration ? ", \(Numbers.usd(extra, migrationStyle)) of it beyond the fixes staying needs too)" : ")"
            text += choice.payback.map { $0 == 0 ? " and pays back at once." : " and pays back in \(months($0))." } ?? " and never pays back."
            // The margin over the runner-up, in developer-days: what uncounted work may cost before the answer changes.
            let others = options.filter { $0.sameAs == nil && $0.id != choice.id && $0.feasible && $0.net != nil }
            let dayRate = c.placement?["dayRateUSD"]?.double ?? 0
            if let net = choice.net, let runner = others.max(by: { ($0.net ?? 0) < ($1.net ?? 0) }), let runnerNet = runner.net, dayRate > 0 {
                let margin = net - runnerNet
                text += " Its lead over \(runner.id), \(Numbers.usd(margin, .compact)) over \(horizon) months, is about \(Numbers.count(margin / dayRate)) developer-days: work the effort points leave out (setting up a new provider, moving data) must cost less than that."
            }
        }
        let flips = (c.placement?["scenarios"]?.array ?? []).filter { Self.flips($0, choice) }
        if !flips.isEmpty {
            let replayed = flips.contains { $0["id"]?.string != "retirement" && $0["id"]?.string != "effort-per-app" }
            text += " **\(replayed ? "A replay shows this" : "This") could flip**, with " + flips.map { Text.md($0["change"]?.string ?? "") }.joined(separator: ", or with ")
                + ": check those first (below)."
        }
        if let accounts = c.doc.section("accounts"), accounts["mode"]?.string == "per-owner", let count = accounts["count"]?.double, count > 1 {
            text += " Every bill here is per account: the trace names \(Numbers.count(Int(count))) owners, each billed as its own account with its own free grants and volume tiers, as separate subscriptions would be; if they are one organisation's, `--accounts one` bills them as one account, with one free grant for all"
            // The what-if that prices it: the figure a budget should be checked against.
            let one = (c.placement?["scenarios"]?.array ?? []).first { $0["id"]?.string == "one-account" }
            if let one, let cost = one["monthlyCost"]?[choice.id]?.double {
                let winner = Text.md(one["recommended"]?.string ?? "")
                text += ": \(choice.id) would then cost \(Numbers.usd(cost, .compact)) a month\(winner == choice.id ? "" : ", and \(winner) would be recommended") (what-if below)."
            } else {
                text += "."
            }
        }
        if !choice.fixes.isEmpty {
            let shared = stay.map { s in choice.fixes.filter { s.fixes.contains($0) }.count } ?? 0
            text += "\n\n**Region moves\(shared == choice.fixes.count && choice.id != "stay" ? " that staying needs too" : "")** (the deployment says where these run today, and its requirements rule that region out; confirm the requirement, since any data moves too and is not costed): "
                + choice.fixes.prefix(3).map { fixText($0) }.joined(separator: "; ")
            text += choice.fixes.count > 3 ? "; and \(choice.fixes.count - 3) more." : "."
        }
        return text
    }

    /// `app/function: move from eastus to francecentral on azure-consumption`, names shortened.
    static func fixText(_ fix: String) -> String {
        guard let colon = fix.range(of: ": ") else { return Text.md(fix) }
        let id = String(fix[..<colon.lowerBound]), what = String(fix[colon.upperBound...])
        let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
        let name = parts.count == 2 ? Text.id(app: parts[0], function: parts[1]) : Text.name(id)
        return "\(name): \(Text.md(what))"
    }

    static func months(_ m: Double) -> String {
        // Past ten years, in years to two significant digits: 56,357 months is about 4,700 years, not "more than 10".
        if m > 120 { return "about \(Numbers.significant(m / 12, digits: 2)) years" }
        return m < 24 ? "\(Numbers.fixed(m, 1)) months" : "\(Numbers.count(m)) months (\(Numbers.fixed(m / 12, 1)) years)"
    }

    static func optionsTable(_ options: [Option], recommended: String, horizon: Int, dayRate: Double) -> String {
        var rows: [[String]] = []
        let shown = options.filter { $0.sameAs == nil }
        // Each money column written alike, whole dollars in all its rows or cents in all.
        let monthly = Numbers.usdColumn(shown.map { Optional($0.monthly) }), saving = Numbers.usdColumn(shown.map(\.saving))
        let migration = Numbers.usdColumn(shown.map { Optional($0.migration) }), net = Numbers.usdColumn(shown.map(\.net))
        for (k, o) in shown.enumerated() {
            let same = options.filter { $0.sameAs == o.id }.map(\.id)
            var name = o.id + (same.isEmpty ? "" : " (= \(same.joined(separator: ", ")))")
            if o.id == recommended { name = "**\(name)** ✔" }
            // Stay is the baseline: its fixes are paid for compliance, not to earn a saving back.
            let payback = o.saving == nil || (o.id == "stay" && o.payback == nil) ? "–" : o.payback.map { $0 == 0 ? "now" : months($0) } ?? "never"
            rows.append([name, Text.md(o.summary), monthly[k], saving[k], Numbers.count(o.moved),
                         Numbers.count(o.points), migration[k], payback, net[k],
                         o.lockIn.map { String(format: "%.0f", $0) } ?? "–", o.feasible ? "met" : "\(o.violations.count) broken"])
        }
        return table(["plan", "what it does", "USD / month", "saving / month", "moves", "effort (dev-days)", "migration",
                      "payback", "net over \(horizon) months", "lock-in", "requirements"], rows, right: Set(2...9))
            + "\n\nSaving is against staying as today; effort points are about a developer-day each, priced at \(Numbers.usd(dayRate, .compact)) a day; payback counts what a plan spends beyond stay's own fixes; net is \(horizon) months of saving less the migration. Lock-in is 0 (portable) to 100 (locked in), weighted by invocations."
    }

    /// Under the plan table, where a target the recommended plan uses retires inside the horizon:
    /// the table holds today's bills over all of it, and the what-if's net values say otherwise.
    static func retirementTableNote(_ choice: Option, _ c: ReportContext, horizon: Int) -> String? {
        guard let s = retirementScenario(choice, c), let r = s["retirement"], let target = r["target"]?.string,
              let months = r["months"]?.double, months < Double(horizon), let net = s["netValue"]?[choice.id]?.double else { return nil }
        var text = "These figures keep today's bills for all \(horizon) months, as if \(Text.md(target)) did not retire \(Numbers.counted(months, "month")) in; with the retirement and its forced move, \(choice.id)'s net over \(horizon) months is \(Numbers.usd(net, .compact)) (the retirement what-if below)"
        // The nets are against stay's own bills with the retirement: a bill that rises after it is in none of them.
        if let after = s["monthlyCost"]?[choice.id]?.double, Numbers.cents(after) > Numbers.cents(choice.monthly) {
            let left = Double(horizon) - months
            text += "; on top of that net, its bill rises to \(Numbers.usd(after, .compact)) a month after it, \(Numbers.usd((after - choice.monthly) * left, .compact)) more over the last \(Numbers.counted(left, "month")) than today's"
        }
        return text + "."

    }

    static func requirementsLine(_ options: [Option], _ c: ReportContext) -> String {
        let broken = options.filter { !$0.feasible && $0.sameAs == nil }
        guard !broken.isEmpty else {
            return c.doc.section("inputs")?["deployment"]?.string == nil
                ? "No deployment file gave requirements; every plan shown keeps every call within its target's timeout."
                : "Every plan shown meets every requirement of the deployment (compliance and regions\(c.p99ObjectiveMs == nil ? "; it sets no p99 objective" : ", the p99 objective")) and keeps every call within its target's timeout."
        }
        var lines: [String] = []
        for o in broken {
            let shown = o.violations.prefix(3).map { Text.md($0) }.joined(separator: "; ")
            lines.append("- \(o.id) breaks \(Numbers.counted(Double(o.violations.count), "requirement")): \(shown)\(o.violations.count > 3 ? "; …" : "")")
        }
        return "Plans that break a requirement rank below every plan that meets them all:\n\n" + lines.joined(separator: "\n")
    }

    /// For each assumption the verdict rests on, how far it would have to move for another plan to
    /// be recommended (`placement.thresholds`, found by the decision's own rule, tie band included)
    /// and the what-ifs replayed: the closer to today's figure, the more decisive, the earlier listed.
    static func whatWouldChange(_ choice: Option, _ options: [Option], _ c: ReportContext, horizon: Int, dayRate: Double) -> String? {
        let others = options.filter { $0.sameAs == nil && $0.id != choice.id && $0.feasible && $0.net != nil }
        guard choice.net != nil, let runner = others.max(by: { ($0.net ?? 0) < ($1.net ?? 0) }) else { return nil }
        var items: [(distance: Double, text: String)] = []
        for t in c.placement?["thresholds"]?.array ?? [] {
            if let item = thresholdLine(t, choice, options, horizon: horizon, dayRate: dayRate) { items.append(item) }
        }
        // Re-simulated what-ifs: a changed recommendation first, then by how far from today.
        for scenario in c.placement?["scenarios"]?.array ?? [] {
            let winner = Text.md(scenario["recommended"]?.string ?? "")
            let flips = Self.flips(scenario, choice)
            if scenario["id"]?.string == "retirement", let line = retirementLine(scenario, choice, runner, dayRate: dayRate, horizon: horizon) {
                items.append((flips ? -1 : 10, line))
                continue
            }
            if scenario["id"]?.string == "effort-per-app" {
                if let line = effortPerAppLine(scenario, choice, runner, c, dayRate: dayRate, horizon: horizon) { items.append((flips ? -1 : 10, line)) }
                continue
            }
            let costs = (scenario["monthlyCost"]?.object ?? [:]).compactMapValues(\.double)
            let shown = [choice.id, runner.id].compactMap { id in costs[id].map { "\(id) \(Numbers.usd($0, .compact))" } }.joined(separator: ", ")
            let text = "With **\(Text.md(scenario["change"]?.string ?? ""))**, replayed: \(shown) a month; "
                + (flips ? "**\(winner) would be recommended**" : "\(choice.id) would still be recommended")
                + (scenario["threshold"]?.string.map { "; \(Text.md($0))." } ?? ".")
            items.append((flips ? -1 : 10, text))
        }
        guard !items.isEmpty else { return nil }
        items.sort { $0.distance < $1.distance }
        // The thresholds value plans at today's bills: say so where a retirement falls inside the horizon.
        var basis = ""
        if let r = retirementScenario(choice, c)?["retirement"], let target = r["target"]?.string,
           let months = r["months"]?.double, months < Double(horizon) {
            basis = "; the thresholds keep today's bills over all \(horizon) months, as if \(Text.md(target)) did not retire: the retirement what-if prices that"
        }
        return "What would change this verdict, the most decisive first (each threshold names the plan that would then be recommended; the replayed what-ifs price \(choice.id) against the runner-up, \(runner.id)\(basis)):\n\n"
            + items.map { "- " + $0.text }.joined(separator: "\n")
    }

    /// One threshold of `placement.thresholds` as a line, with how far it is from today (log ratio).
    static func thresholdLine(_ t: JSONNode, _ choice: Option, _ options: [Option], horizon: Int, dayRate: Double) -> (Double, String)? {
        let input = t["input"]?.string ?? ""
        let today = t["today"]?.double ?? 1
        let band = "one developer-day (\(Numbers.usd(dayRate, .compact))), within which the plan moving fewer functions wins"
        guard let value = t["value"]?.double, let winner = t["recommended"]?.string.map(Text.md) else {
            guard input == "effort", let closest = t["closest"]?.string.map(Text.md), let lead = t["closestLeadUSD"]?.double else { return nil }
            // Listed after the thresholds that can be reached: it says what cannot happen.
            let how = lead > 0 ? "would lead \(choice.id) by only \(Numbers.usd(lead, .compact))" : "would still trail \(choice.id) by \(Numbers.usd(-lead, .compact))"
            return (9, "**Migration effort** (Placer's effort points, about a developer-day each, at \(Numbers.usd(dayRate, .compact)) a day) cannot change it on its own: with no migration cost at all, the best plan that moves functions, \(closest), \(how) over \(horizon) months, less than the tie band of \(band).")
        }
        let distance = value > 0 && today > 0 ? abs(log(value / today)) : 8
        let side = value < today ? "less" : "more"
        switch input {
        case "effort":
            let w = options.first { $0.id == winner }
            let now = "now \(choice.id) \(Numbers.counted(Double(choice.points), "point")), \(Numbers.usd(choice.migration, .compact))"
                + (w.map { "; \($0.id) \(Numbers.count($0.points)), \(Numbers.usd($0.migration, .compact))" } ?? "")
            return (distance, "**Migration effort** (Placer's effort points, about a developer-day each, at \(Numbers.usd(dayRate, .compact)) a day): \(winner) would be recommended if every migration cost \(factor(value)) the estimate or \(side) (\(now)).")
        case "day-rate":
            return (distance, "**Day rate** (\(Numbers.usd(dayRate, .compact)), `--day-rate`; it sets the tie band too): \(winner) would be recommended at \(Numbers.usd(dayRate * value, .compact)) a day or \(side) (\(factor(value)) today's).")
        case "horizon":
            let months = Numbers.count(value)
            // Past ten years a horizon is no longer a plan's lifetime: say so, with the years.
            let when = value > today && value > 120
                ? "only over \(months) months (\(Self.months(value))) or more" + (value > 1200 ? ": never, within any horizon that matters" : ", longer than any plan is held to")
                : "over \(months) months or \(value > today ? "more" : "fewer")"
            return (distance, "**Horizon** (\(horizon) months, `--horizon`): \(winner) would be recommended \(when).")
        default:
            return nil
        }
    }

    /// The retirement what-if: each plan's net value with the forced move, since after the
    /// retirement plans that kept everything there run alike and their bills say nothing.
    static func retirementLine(_ s: JSONNode, _ choice: Option, _ runner: Option, dayRate: Double, horizon: Int) -> String? {
        guard let r = s["retirement"], let date = r["date"]?.string, let months = r["months"]?.double else { return nil }
        let plans = [choice, runner]
        let after = plans.map { s["monthlyCost"]?[$0.id]?.double }
        let net = plans.map { s["netValue"]?[$0.id]?.double }
        let points = plans.map { Int(r["forcedPoints"]?[$0.id]?.double ?? 0) }
        let cost = plans.map { r["forcedCost"]?[$0.id]?.double ?? 0 }
        guard let a0 = after[0], let a1 = after[1], let n0 = net[0], let n1 = net[1] else { return nil }
        var text = "With **\(Text.md(s["change"]?.string ?? ""))**: "
        // Where the forced functions land: the successor, checked against every allowed target.
        if let successor = r["successor"]?.string, r["landing"] != nil {
            let left = "over the \(Numbers.count(Double(horizon) - months)) months left"
            let moves = plans.map { landingText(r, of: $0.id, successor: successor, preposition: "on") }
            if moves.allSatisfy({ $0 == nil }) {
                let own = plans.contains { $0.id == "one-provider" } ? " (for one-provider, its provider's)" : ""
                text += "counting each move's effort, no target its requirements allow\(own) is cheaper than \(Text.md(successor)) for any forced function \(left); "
            } else {
                let each = zip(plans, moves).map { plan, move in
                    let none = (r["landing"]?[plan.id]?.object ?? [:]).isEmpty
                    return "for \(plan.id) " + (move ?? (none ? "none" : "all on \(Text.md(successor))"))
                }
                text += "each forced function lands where it costs least \(left), its move's effort included: \(each.joined(separator: ", ")); "
            }
        }
        text += "after it, "
        text += Numbers.cents(a0) == Numbers.cents(a1)
            ? "\(choice.id) and \(runner.id) both cost \(Numbers.usd(a0, .compact)) a month, so their bills no longer differ"
            : "\(choice.id) costs \(Numbers.usd(a0, .compact)) and \(runner.id) \(Numbers.usd(a1, .compact)) a month"
        let total = [choice.points + points[0], runner.points + points[1]]
        let style = Numbers.columnStyle(cost.map { Optional($0) })   // the two costs written alike
        text += "; the forced move costs \(choice.id) \(Numbers.counted(Double(points[0]), "point")) (\(Numbers.usd(cost[0], style))) and \(runner.id) \(Numbers.count(points[1])) (\(Numbers.usd(cost[1], style)))"
        if let idle = r["idleFunctions"]?.double, idle > 0 {
            text += ", each with the \(Numbers.counted(idle, "function")) on \(Text.md(r["target"]?.string ?? "")) that made no call in the trace, which no plan places"
        }
        text += total[0] == total[1]
            ? ", \(Numbers.count(total[0])) points each in all, counting those spent now"
            : ", in all \(Numbers.count(total[0])) and \(Numbers.count(total[1])) points, counting those spent now"
        text += ". Net over \(horizon) months (\(Numbers.count(months)) as placed, \(Numbers.count(Double(horizon) - months)) after): \(choice.id) \(Numbers.usd(n0, .compact)), \(runner.id) \(Numbers.usd(n1, .compact)); "
        let winner = Text.md(s["recommended"]?.string ?? "")
        guard winner == choice.id else { return text + "**\(winner) would be recommended**." }
        if abs(n0 - n1) < dayRate, runner.moved > choice.moved {
            text += "within one developer-day of each other, a tie, which goes to the plan that moves fewer functions now: \(choice.id) would still be recommended"
        } else {
            text += "\(choice.id) would still be recommended"
        }
        if total[0] == total[1], choice.points < runner.points {
            text += ". The two cost the same effort in all (\(Numbers.counted(Double(total[0]), "point")), counted per function); \(choice.id) defers more of it to \(date) (\(Numbers.count(points[0])) points then, against \(Numbers.count(points[1])))"
        }
        return text + "."
    }

    /// Whether a what-if recommends another plan than `choice`, on either of its counts (the effort
    /// what-if values plans at today's bills and with a retirement).
    static func flips(_ scenario: JSONNode, _ choice: Option) -> Bool {
        [scenario["recommended"], scenario["recommendedWithRetirement"]].contains { node in
            node?.string.map { Text.md($0) != choice.id } ?? false
        }
    }

    /// The effort what-if (an app's functions moving together redeployed once): no replay, so the
    /// line gives the two plans' effort and net counted that way, and the forced move's budget at a
    /// retirement beside the retirement what-if's.
    static func effortPerAppLine(_ s: JSONNode, _ choice: Option, _ runner: Option, _ c: ReportContext, dayRate: Double, horizon: Int) -> String? {
        let plans = [choice, runner]
        let points = plans.map { o in s["effortPoints"]?[o.id]?.double ?? Double(o.points) }
        let nets = plans.map { s["netValue"]?[$0.id]?.double }
        guard let n0 = nets[0], let n1 = nets[1] else { return nil }
        // Migration costs in whole dollars, as the plan table and the verdict write them.
        let each = zip(plans, points).map { o, p in
            "\(o.id) \(Numbers.counted(p, "point"))\(p < Double(o.points) ? " instead of \(Numbers.count(o.points))" : "") (\(Numbers.usd(p * dayRate, .whole)))"
        }
        let style = Numbers.columnStyle([n0, n1])
        var text = "With **\(Text.md(s["change"]?.string ?? ""))**, counted again without a replay: " + each.joined(separator: ", ")
            + "; net over \(horizon) months at today's bills \(choice.id) \(Numbers.usd(n0, style)), \(runner.id) \(Numbers.usd(n1, style))"
        // The retirement's forced move counted the same way, and the nets with it.
        let base = retirementScenario(choice, c)?["retirement"]?["forcedPoints"]
        if let r = s["retirement"], let target = r["target"]?.string {
            let forced = plans.map { r["forcedPoints"]?[$0.id]?.double }
            let before = plans.map { base?[$0.id]?.double }
            let with = plans.map { s["netWithRetirement"]?[$0.id]?.double }
            if let f0 = forced[0], let f1 = forced[1], let b0 = before[0], let b1 = before[1], let w0 = with[0], let w1 = with[1] {
                let costs = Numbers.MoneyStyle.whole   // as migration costs are written
                let nets = Numbers.columnStyle([w0, w1])
                text += ". The forced move when \(Text.md(target)) retires, counted the same way: \(choice.id) \(Numbers.counted(f0, "point")) (\(Numbers.usd(f0 * dayRate, costs))) instead of \(Numbers.count(b0)), \(runner.id) \(Numbers.count(f1)) (\(Numbers.usd(f1 * dayRate, costs))) instead of \(Numbers.count(b1))"
                    + "; \(Numbers.count(points[0] + f0)) and \(Numbers.count(points[1] + f1)) points in all (a plan that moves part of an app now and the rest at the retirement redeploys that app twice)"
                    + ", and net over \(horizon) months with the retirement, effort only (the bill's rise after it is in neither), \(choice.id) \(Numbers.usd(w0, nets)), \(runner.id) \(Numbers.usd(w1, nets))"
            }
        }
        let winner = Text.md(s["recommended"]?.string ?? "")
        let withRetirement = s["recommendedWithRetirement"]?.string.map(Text.md) ?? winner
        if winner == choice.id, withRetirement == choice.id { return text + "; on both counts \(choice.id) would still be recommended." }
        if winner == withRetirement { return text + "; **\(winner) would be recommended**." }
        let pick = { (id: String) in id == choice.id ? "\(choice.id) would still be recommended" : "**\(id) would be recommended**" }
        return text + "; at today's bills \(pick(winner)), with the retirement \(pick(withRetirement))."
    }

    /// A factor to three significant digits: 0.0113× must not print as 0.01×, at which it would not hold.
    static func factor(_ k: Double) -> String { "\(Numbers.significant(k, digits: 3))×" }
}
