import Compare
import Foundation
import Results
import Testing

private func diff(_ base: Fixture, _ head: Fixture, materiality: Materiality = Materiality()) throws -> ResultDiff {
    ResultDiff(base: try base.document("base.json"), head: try head.document("head.json"), baseName: "base.json", headName: "head.json", materiality: materiality)
}

private func bound(_ text: String) throws -> Bound {
    try Bound.parse(text, allowed: [.percent, .usd, .ms], option: "--test")
}

private func breached(_ thresholds: Thresholds, _ d: ResultDiff) -> [String] {
    thresholds.evaluate(d).filter(\.breached).map { "\($0.rule) on \($0.subject)" }
}

/// BASE with the target's cost and p99 set.
private func withTotals(cost: String, p99: Double) -> Fixture {
    var f = Fixture()
    f.targets[0].cost = cost
    f.targets[0].p99 = p99
    return f
}

@Suite struct CompareTests {
    @Test func identicalInputsShowNoChangeAndPassEveryThreshold() throws {
        let d = try diff(Fixture(), Fixture())
        #expect(!d.isMaterial)
        #expect(d.functions.isEmpty)
        var t = Thresholds()
        t.costIncrease = [.percent(0)]
        t.p99Increase = [.ms(0)]
        #expect(breached(t, d).isEmpty)
        let md = DiffMarkdown.render(d, checks: t.evaluate(d))
        #expect(md.contains("No material change"))
        #expect(md.contains("**Within thresholds** (2 checked)."))
        #expect(md.contains("| aws\\-lambda\\-x86 | \\$100.00 | \\$0.00 (0.0%) | 50.0 | 150 | 300 |"))
    }

    @Test func costIncreaseThresholdInPercentAndUSD() throws {
        let base = withTotals(cost: "100.00", p99: 300)
        var t = Thresholds()
        t.costIncrease = [.percent(10)]
        #expect(breached(t, try diff(base, withTotals(cost: "110.00", p99: 300))).isEmpty, "exactly the bound is within it")
        #expect(breached(t, try diff(base, withTotals(cost: "110.01", p99: 300))) == ["cost increase at most 10% on aws-lambda-x86"])
        t.costIncrease = [try Bound.parse("50USD", allowed: [.percent, .usd], option: "x")]
        #expect(breached(t, try diff(base, withTotals(cost: "149.99", p99: 300))).isEmpty)
        #expect(breached(t, try diff(base, withTotals(cost: "150.50", p99: 300))) == ["cost increase at most $50.00 on aws-lambda-x86"])
        // A decrease never breaches an increase bound.
        #expect(breached(t, try diff(base, withTotals(cost: "20.00", p99: 300))).isEmpty)
    }

    @Test func requiredCostDecrease() throws {
        let base = withTotals(cost: "100.00", p99: 300)
        var t = Thresholds()
        t.costDecrease = [.percent(5)]
        #expect(breached(t, try diff(base, withTotals(cost: "94.00", p99: 300))).isEmpty)
        #expect(breached(t, try diff(base, withTotals(cost: "96.00", p99: 300))) == ["cost decrease at least 5% on aws-lambda-x86"])
        #expect(breached(t, try diff(base, withTotals(cost: "120.00", p99: 300))).count == 1, "an increase does not meet a required decrease")
        t.costDecrease = [.usd(10)]
        #expect(breached(t, try diff(base, withTotals(cost: "89.00", p99: 300))).isEmpty)
        #expect(breached(t, try diff(base, withTotals(cost: "91.00", p99: 300))).count == 1)
    }

    @Test func p99ThresholdsBothWays() throws {
        let base = withTotals(cost: "100.00", p99: 300)
        var t = Thresholds()
        t.p99Increase = [.percent(20), .ms(100)]
        #expect(breached(t, try diff(base, withTotals(cost: "100.00", p99: 350))).isEmpty)
        #expect(breached(t, try diff(base, withTotals(cost: "100.00", p99: 370))) == ["p99 increase at most 20% on aws-lambda-x86"])
        #expect(breached(t, try diff(base, withTotals(cost: "100.00", p99: 401))).count == 2)
        var down = Thresholds()
        down.p99Decrease = [.ms(50)]
        #expect(breached(down, try diff(base, withTotals(cost: "100.00", p99: 240))).isEmpty)
        #expect(breached(down, try diff(base, withTotals(cost: "100.00", p99: 260))) == ["p99 decrease at least 50 ms on aws-lambda-x86"])
    }

    @Test func onPremTargetsHaveNoCostToCapButARequiredDecreaseFails() throws {
        var f = Fixture()
        f.targets[0].id = "knative"
        f.targets[0].cost = nil
        for i in f.targets[0].functions.indices { f.targets[0].functions[i].cost = nil }
        let d = try diff(f, f)
        var cap = Thresholds()
        cap.costIncrease = [.percent(1)]
        #expect(breached(cap, d).isEmpty)
        var need = Thresholds()
        need.costDecrease = [.percent(1)]
        #expect(breached(need, d) == ["cost decrease at least 1% on cost"])
        #expect(DiffMarkdown.render(d, checks: []).contains("| knative | on-prem |"))
    }

    @Test func newViolationBreachesAndAResolvedOneDoesNot() throws {
        var base = Fixture(), head = Fixture()
        base.lockIn = Fixture.violations([])
        head.lockIn = Fixture.violations([(app: "shop", function: "checkout", target: "aws-lambda-x86", reason: "pci-dss not recorded")])
        var t = Thresholds()
        t.newViolation = true
        let worse = try diff(base, head)
        #expect(worse.violations.added.count == 1)
        #expect(breached(t, worse) == ["no new compliance violation on compliance"])
        #expect(DiffMarkdown.render(worse, checks: []).contains("**New violations** (1)"))
        let better = try diff(head, base)
        #expect(better.violations.removed.count == 1)
        #expect(breached(t, better).isEmpty)
        // Without lockIn sections the gate cannot look, so it does not pass.
        #expect(breached(t, try diff(Fixture(), Fixture())).count == 1)
    }

    @Test func materialityHidesSmallChangesAndIsConfigurable() throws {
        var base = Fixture(), head = Fixture()
        head.targets[0].cost = "100.50"          // +0.5 %: below the default 1 %
        head.targets[0].functions[0].cost = "10.05"
        #expect(try !diff(base, head).isMaterial)
        var strict = Materiality()
        try strict.apply("0.1%,0.01USD")
        #expect(try diff(base, head, materiality: strict).isMaterial)
        base.targets[0].functions[1].memoryMB = 512  // any memory change counts
        #expect(try diff(base, head).isMaterial)
        #expect(throws: ThresholdError.self) { try strict.apply("5 parsecs") }
    }

    @Test func functionTableIsLargestFirstAndMarksMemoryChanges() throws {
        let base = Fixture()
        var head = Fixture()
        head.targets[0].functions[0].memoryMB = 1024
        head.targets[0].functions[0].cost = "13.00"
        head.targets[0].functions[1].cost = "25.00"
        head.targets[0].functions.append(Fixture.Function(name: "refund", cost: "1.00"))
        let d = try diff(base, head)
        #expect(d.functions.map(\.function) == ["search", "checkout", "refund"])
        let md = DiffMarkdown.render(d, checks: [], top: 2)
        #expect(md.contains("### Largest changes per function (2 of 3)"))
        #expect(md.contains("| shop/checkout | aws\\-lambda\\-x86 | 256 → 1,024 | \\$10.00 → \\$13.00 | +\\$3.00 (+30.0%) |"))
        #expect(!md.contains("refund"))
        #expect(DiffMarkdown.render(d, checks: []).contains("shop/refund (new)"))
    }

    @Test func hostileNamesAreEscapedInTheDiff() throws {
        let evil = "x|y</td><img src=x onerror=alert(1)>[click](https://evil.example) @admin #1 `code`\n| injected |"
        var base = Fixture(), head = Fixture()
        base.targets[0].functions[0].name = evil
        head.targets[0].functions[0].name = evil
        head.targets[0].functions[0].cost = "50.00"
        base.lockIn = Fixture.violations([])
        head.lockIn = Fixture.violations([(app: "shop", function: evil, target: "aws-lambda-x86", reason: "**bold** reason")])
        let md = DiffMarkdown.render(try diff(base, head), checks: [])
        #expect(md.contains(Markdown.escape("shop/" + evil)))
        #expect(!md.contains("<img"))
        #expect(!md.contains("[click](https"))
        #expect(!md.contains("x|y"))
        #expect(!md.contains("\n| injected |"))
        #expect(!md.contains("@admin"))
        #expect(md.contains("\\*\\*bold\\*\\*"))
        // Every table row keeps its column count: no cell broke out.
        for line in md.split(separator: "\n") where line.hasPrefix("| shop/") {
            let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(pipes == 9 || pipes == 5, "\(line)")
        }
    }

    @Test func hostileTargetIdsAreEscapedInTheDiff() throws {
        let first = "lambda|x`tick`<script>alert(1)</script>\n]\"\u{202E}1nimda", second = "open\u{2066}faas](https://evil.example) <b>"
        var base = Fixture(), head = Fixture()
        base.targets = [Fixture.Target(id: first), Fixture.Target(id: second, cost: nil)]
        head.targets = [Fixture.Target(id: first, cost: "150.00"), Fixture.Target(id: second, cost: nil, p99: 400, keepAlive: "fixed idle 5 min")]
        head.targets[0].functions[0].cost = "60.00"
        base.placement = #"{"monthlyCost": 80, "functions": [{"id": "shop/checkout", "target": \#(Fixture.quote(first)), "reason": "cheapest"}]}"#
        head.placement = #"{"monthlyCost": 90, "functions": [{"id": "shop/checkout", "target": \#(Fixture.quote(second)), "reason": "\u202Ebusy"}]}"#
        base.lockIn = Fixture.violations([])
        head.lockIn = Fixture.violations([(app: "shop", function: "checkout", target: first, reason: "region")])
        var thresholds = Thresholds()
        thresholds.costIncrease = [try bound("10%")]
        let d = try diff(base, head)
        for summaryOnly in [false, true] {
            let md = DiffMarkdown.render(d, checks: thresholds.evaluate(d), summaryOnly: summaryOnly)
            #expect(md.contains(Markdown.escape(first)), "\(summaryOnly)")
            if !summaryOnly { #expect(md.contains(Markdown.escape(second))) }
            #expect(!md.contains("<script>") && !md.contains("<b>") && !md.contains("](https://evil"))
            #expect(!md.contains("lambda|x") && !md.contains("`tick`"))
            #expect(!md.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{2066}" })
            #expect(md.contains("&lt;U\\+202E&gt;"))
            // Every table row keeps its header's column count.
            var expected: Int?
            for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("|") else { expected = nil; continue }
                let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
                if let expected { #expect(pipes == expected, "\(line)") } else { expected = pipes }
            }
        }
    }

    @Test func placementMovesAndTotal() throws {
        var base = Fixture(), head = Fixture()
        base.placement = #"{"monthlyCost": 80.5, "functions": [{"id": "shop/checkout", "target": "aws-lambda-x86", "reason": "cheapest"}, {"id": "shop/search", "target": "knative", "reason": "busy"}]}"#
        head.placement = #"{"monthlyCost": {"total": 90.5}, "functions": [{"id": "shop/checkout", "target": "knative", "reason": "cheaper on-prem at 1 GB"}, {"id": "shop/search", "target": "knative", "reason": "busy"}]}"#
        let d = try diff(base, head)
        let placement = try #require(d.placement)
        #expect(placement.moves.map { "\($0.id): \($0.before ?? "-") → \($0.after ?? "-") (\($0.reason))" } == ["shop/checkout: aws-lambda-x86 → knative (cheaper on-prem at 1 GB)"])
        #expect(d.isMaterial)
        var t = Thresholds()
        t.costIncrease = [.usd(5)]
        #expect(breached(t, d) == ["cost increase at most $5.00 on placement"])
        let md = DiffMarkdown.render(d, checks: [])
        #expect(md.contains("| shop/checkout | aws\\-lambda\\-x86 | knative | cheaper on\\-prem at 1 GB |"))
        #expect(md.contains("Placement total: \\$80.50 → \\$90.50 (+\\$10.00 (+12.4%))."))
    }

    @Test func totalWhereFunctionsRunToday() throws {
        let lockIn = #"{"functions": [{"app": "shop", "function": "checkout", "current": "aws-lambda-x86", "lockIn": {}}, {"app": "shop", "function": "search", "current": "knative", "lockIn": {}}], "violations": []}"#
        var base = Fixture(), head = Fixture()
        base.lockIn = lockIn
        head.lockIn = lockIn
        head.targets[0].functions[0].cost = "11.50"
        let d = try diff(base, head)
        let current = try #require(d.current)
        #expect(current.cost == Change(Decimal(10), Decimal(string: "11.5")))
        #expect(current.uncosted == Change(1, 1), "knative is not in the result")
        var t = Thresholds()
        t.costIncrease = [.percent(10)]
        #expect(breached(t, d) == ["cost increase at most 10% on where functions run today"])
        #expect(DiffMarkdown.render(d, checks: []).contains(
            "Where functions run today (each on its current target): \\$10.00 → \\$11.50 (+\\$1.50 (+15.0%)); 1 function on a target without a bill here not counted."))
        #expect(try diff(Fixture(), Fixture()).current == nil)
    }

    @Test func lockInScoreChanges() throws {
        var base = Fixture(), head = Fixture()
        base.lockIn = #"{"functions": [{"app": "shop", "function": "checkout", "lockIn": {"aws-lambda-x86": 50, "knative": 10}}], "violations": []}"#
        head.lockIn = #"{"functions": [{"app": "shop", "function": "checkout", "lockIn": {"aws-lambda-x86": 60, "knative": 10}}], "violations": []}"#
        let d = try diff(base, head)
        #expect(d.lockIn.map { "\($0.target) \($0.score.before ?? -1)→\($0.score.after ?? -1)" } == ["aws-lambda-x86 50→60"])
        #expect(DiffMarkdown.render(d, checks: []).contains("| shop/checkout | aws\\-lambda\\-x86 | 50 → 60 (+10) |"))
    }

    @Test func summaryOnlyIsShortAndListsOnlyBreaches() throws {
        var head = Fixture()
        head.targets[0].cost = "130.00"
        head.targets[0].functions[0].cost = "40.00"
        let d = try diff(Fixture(), head)
        var t = Thresholds()
        t.costIncrease = [.percent(10)]
        t.p99Increase = [.percent(10)]
        let short = DiffMarkdown.render(d, checks: t.evaluate(d), summaryOnly: true)
        let full = DiffMarkdown.render(d, checks: t.evaluate(d))
        #expect(short.count < full.count)
        #expect(short.contains("**Threshold breached**: 1 of 2 checks."))
        #expect(short.contains("cost increase at most 10%"))
        #expect(!short.contains("p99 increase at most"))
        #expect(short.contains("1 function line changed"))
        #expect(!short.contains("### "))
    }

    @Test func jsonIsDeterministicAndCarriesTheVerdict() throws {
        var head = Fixture()
        head.targets[0].cost = "130.00"
        let d = try diff(Fixture(), head)
        var t = Thresholds()
        t.costIncrease = [.percent(10)]
        let a = DiffJSON.render(d, checks: t.evaluate(d)), b = DiffJSON.render(try diff(Fixture(), head), checks: t.evaluate(d))
        #expect(a == b)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "placer.compare/v1")
        #expect(object["breached"] as? Bool == true)
        #expect(object["changed"] as? Bool == true)
        let target = try #require((object["targets"] as? [[String: Any]])?.first)
        let cost = try #require(target["monthlyCost"] as? [String: Any])
        #expect((cost["change"] as? NSNumber)?.doubleValue == 30)
        #expect((cost["percent"] as? NSNumber)?.doubleValue == 30)
        #expect(a.contains("\"change\": 30\n") || a.contains("\"change\": 30,"))
    }

    @Test func aTargetOnlyOneSideHasIsShownAndNotCapped() throws {
        var head = Fixture()
        var knative = Fixture.Target()
        knative.id = "knative"
        knative.cost = nil
        head.targets.append(knative)
        let d = try diff(Fixture(), head)
        #expect(d.targets.map { "\($0.id) \($0.presence.rawValue)" } == ["aws-lambda-x86 both", "knative added"])
        #expect(d.isMaterial)
        var t = Thresholds()
        t.p99Increase = [.percent(0)]
        #expect(t.evaluate(d).map(\.subject) == ["aws-lambda-x86"])
        #expect(DiffMarkdown.render(d, checks: []).contains("| knative (new) | on-prem |  | — → 50.0 |"))
        let only = ResultDiff(base: try Fixture().document(), head: try head.document(), baseName: "b", headName: "h", targets: ["aws-lambda-x86"])
        #expect(!only.isMaterial)
    }

    @Test func differentSeedsAreNoted() throws {
        var head = Fixture()
        head.seed = "2"
        let d = try diff(Fixture(), head)
        #expect(d.notes.contains { $0.contains("different seeds") })
    }

    @Test func boundsParseTheirUnitsAndRejectTheRest() throws {
        #expect(try bound("10%") == .percent(10))
        #expect(try bound("50USD") == .usd(50))
        #expect(try bound("$12.5") == .usd(Decimal(string: "12.5")!))
        #expect(try bound("100ms") == .ms(100))
        #expect(try bound("1.5s") == .ms(1500))
        for bad in ["", "ten%", "-5%", "10", "5 parsecs", "nan%"] {
            #expect(throws: ThresholdError.self, "\(bad)") { try bound(bad) }
        }
        #expect(throws: ThresholdError.self) { try Bound.parse("100ms", allowed: [.percent, .usd], option: "--fail-on-cost-increase") }
    }
}
