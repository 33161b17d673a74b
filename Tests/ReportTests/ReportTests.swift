import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Report
import Results
import Testing

private func fixture(_ name: String) throws -> ResultDocument {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
    return try ResultDocument.load(path: url.path)
}

/// The text of one `## ` section, up to the next.
private func section(_ markdown: String, _ title: String) -> String? {
    guard let start = markdown.range(of: "\n## \(title)\n") else { return nil }
    let rest = markdown[start.upperBound...]
    let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
}

/// Table cells of a markdown line, splitting on pipes that are not escaped.
private func cells(_ line: Substring) -> Int {
    var count = 0, escaped = false
    for ch in line {
        if escaped { escaped = false; continue }
        if ch == "\\" { escaped = true } else if ch == "|" { count += 1 }
    }
    return count
}

@Suite struct ReportTests {
    @Test func placedReportHasEverySectionInOrder() throws {
        let report = ReportRenderer.render(try fixture("placed"), name: "tiny")
        let md = report.markdown
        let titles = ["Verdict", "Targets side by side", "Placement per function", "Scaling", "Cost and volume",
                      "Cold starts and idle memory", "Lock-in and compliance", "Model error", "Assumptions and sources"]
        var last = md.startIndex
        for title in titles {
            let found = try #require(md.range(of: "\n## \(title)\n"), "missing section \(title)")
            #expect(found.lowerBound > last, "\(title) out of order")
            last = found.lowerBound
        }
        let verdict = try #require(section(md, "Verdict"))
        #expect(verdict.contains("**Run 20 on aws-lambda-arm64, 2 on openfaas: $180.50 a month.**"))
        #expect(verdict.contains("$72.50 a month less (28.7 %) against the cheapest all-cloud choice, aws-lambda-arm64 at $253.00"))
        #expect(verdict.contains("$719.50 a month less (79.9 %) against running everything on openfaas on 2 servers at $900.00"))
        // The functions' shares sum to $162.25; the placement's total is $180.50.
        let placement = try #require(section(md, "Placement per function"))
        #expect(placement.contains("| not shared out to functions |  |  |  | $18.25 |"))
        #expect(placement.contains("| **total** |  |  |  | **$180.50** |  |"))
        // The break-even crossing and the sensitivity row, from the hand-written section.
        let volume = try #require(section(md, "Cost and volume"))
        #expect(volume.contains("| aws-lambda-arm64 | openfaas | 3.6× the trace | 199,584,000 |"))
        #expect(volume.contains("No crossing between 0.1× and 100× the trace's volume for: gcf-gen1."))
        #expect(volume.contains("| electricity price | ×2 | aws-lambda-arm64 | openfaas | 4.1× the trace |"))
        let error = try #require(section(md, "Model error"))
        #expect(error.contains("| cold starts | 120 | 100 | +20.0 % |"))
        #expect(error.contains("| p99 latency, ms | 900 | 1,000 | −10.0 % |") || error.contains("| p99 latency, ms | 900 | 1,000 | -10.0 % |"))
        // On-prem cost at 1× comes from the break-even curves.
        let targets = try #require(section(md, "Targets side by side"))
        #expect(targets.contains("| openfaas (on-prem) | $900.00 |"))
    }

    @Test func withoutPlacementTheVerdictComesFromTheSimulationAndSaysSo() throws {
        let md = ReportRenderer.render(try fixture("simulated"), name: "tiny").markdown
        let verdict = try #require(section(md, "Verdict"))
        // gcf-gen1 rejects calls and refuses checkout: aws-lambda-arm64 is the only eligible one.
        #expect(verdict.contains("**Cheapest cloud target for the whole trace: aws-lambda-arm64, at $253.00 a month**"))
        #expect(verdict.contains("Cheaper, but ruled out: gcf-gen1 at $126.50 (40 calls rejected at its limits)."))
        #expect(verdict.contains("Placement was not computed"))
        #expect(section(md, "Model error") == nil)
        #expect(section(md, "Placement per function") == nil)
        #expect(section(md, "Cost and volume") == nil)
        #expect(verdict.contains("no break-even against volume"))
        #expect(md.contains("| openfaas (on-prem) | not computed |"))
        let assumptions = try #require(section(md, "Assumptions and sources"))
        #expect(assumptions.contains("| aws-lambda-arm64 | requestPrice 0.2 USD/1M requests | <https://aws.amazon.com/lambda/pricing/> | 2026-11-29 | published |"))
        #expect(assumptions.contains("| aws-lambda-arm64 | keepAlive.idle 10 min | AWS publishes no keep-alive |"))
        #expect(assumptions.contains("multiplied by 240.00 to a 30-day month"))
        #expect(assumptions.contains("seed 7"))
        #expect(assumptions.contains("The trace spans 180 minutes (3.0 hours)."))
    }

    @Test func largeTracesNameTheMostExpensiveAndSumTheRest() throws {
        let doc = try fixture("simulated")
        let md = ReportRenderer.render(doc, name: "tiny").markdown
        let functions = try #require(section(md, "Functions"))
        let rows = functions.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| function") }
        #expect(rows.count == FunctionsSection.shown + 2)
        // 22 functions: 15 named, 7 summed; their costs on aws-lambda-arm64 are 7, 6, …, 1.
        #expect(rows[FunctionsSection.shown].hasPrefix("| 7 other functions |"))
        #expect(rows[FunctionsSection.shown].contains("| $28.00 |"))
        #expect(rows.last?.contains("**$253.00**") == true)
        #expect(rows[0].hasPrefix("| checkout | shop | 22,000 |"))
    }

    @Test func hostileNamesCannotBreakTablesOrInjectMarkup() throws {
        for name in ["placed", "simulated"] {
            let md = ReportRenderer.render(try fixture(name), name: "tiny").markdown
            #expect(!md.contains("<script>") && !md.contains("<b>"))
            #expect(!md.contains("](https://evil") && !md.contains("![img]("))
            #expect(!md.contains("@admin") && !md.contains("#12"))
            #expect(!md.contains("**bold**"))
            #expect(md.contains("evil\\|name &lt;script&gt;"))
            // Every table row has as many cell separators as its header.
            var expected: Int?
            for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("|") else { expected = nil; continue }
                if let expected { #expect(cells(line) == expected, "\(line)") } else { expected = cells(line) }
            }
        }
    }

    @Test func chartsAreMermaidBlocksAndWellFormedSVG() throws {
        let report = ReportRenderer.render(try fixture("placed"), name: "my report")
        #expect(report.charts.map(\.name) == ["my-report-cost.svg", "my-report-instances.svg", "my-report-break-even.svg"])
        for chart in report.charts {
            #expect(report.markdown.contains("[Chart as SVG](\(chart.name))"))
            let parser = XMLParser(data: Data(chart.svg.utf8))
            #expect(parser.parse(), "\(chart.name): \(parser.parserError.map { "\($0)" } ?? "")")
            #expect(chart.svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        }
        let blocks = report.markdown.components(separatedBy: "```mermaid\n").dropFirst()
        #expect(blocks.count == 3)
        for block in blocks {
            let body = try #require(block.components(separatedBy: "\n```").first)
            let lines = body.split(separator: "\n")
            #expect(lines.first == "xychart-beta")
            #expect(lines.contains { $0.hasPrefix("    x-axis \"") && $0.hasSuffix("]") })
            #expect(lines.contains { $0.hasPrefix("    y-axis \"") && $0.contains(" 0 --> ") })
            #expect(lines.contains { $0.hasPrefix("    line [") || $0.hasPrefix("    bar [") })
        }
        // The instances chart: three hours, the busiest minute of each is 5 instances.
        let instances = try #require(blocks.first { $0.contains("Instances alive") })
        #expect(instances.contains("    line [5, 5, 5]"))
    }

    @Test func chartTextIsEscapedInBothForms() {
        let chart = Chart(slug: "x", title: "a \"quoted\" <title> & more", xTitle: "x", yTitle: "y", xLabels: ["<a>", "b\"c"],
                          series: [.init(name: "s&t", values: [1, 2.5])])
        #expect(chart.svg.contains("a &quot;quoted&quot; &lt;title&gt; &amp; more"))
        #expect(chart.svg.contains(">s&amp;t<"))
        #expect(chart.mermaid.contains("title \"a 'quoted' <title> & more\""))
        #expect(chart.mermaid.contains("[\"<a>\", \"b'c\"]"))
        #expect(chart.yMax == 2.5)
        #expect(XMLParser(data: Data(chart.svg.utf8)).parse())
    }

    @Test func anonymisedHashesAreShortenedOtherNamesKept() {
        #expect(Text.name(String(repeating: "ab", count: 32)) == "abababababab…")
        #expect(Text.name("checkout-v2") == "checkout-v2")
        #expect(Text.name("a_b") == "a\\_b")
        #expect(Text.md("see #12") == "see \\#\u{200B}12")
        #expect(Text.md("on-prem target: its cost") == "on-prem target: its cost")
        #expect(Text.md(":tada:") != ":tada:")
        #expect(Text.md("mailto:x") != "mailto:x")
        #expect(Text.md("costs $0.89 more") == "costs $0.89 more")
        #expect(Text.md("$1 and $2") != "$1 and $2")
    }

    @Test func renderingIsDeterministic() throws {
        let doc = try fixture("placed")
        let a = ReportRenderer.render(doc, name: "r"), b = ReportRenderer.render(try fixture("placed"), name: "r")
        #expect(a.markdown == b.markdown)
        #expect(a.charts.map(\.svg) == b.charts.map(\.svg))
    }

    @Test func numbersHaveFixedFormats() {
        #expect(Numbers.usd(1234.5) == "$1,234.50")
        #expect(Numbers.usd(123456.7) == "$123,457")
        #expect(Numbers.count(1514931) == "1,514,931")
        #expect(Numbers.percent(0.0063) == "0.63 %")
        #expect(Numbers.percent(0.25) == "25.0 %")
        #expect(Numbers.ms(60160) == "60.2 s")
        #expect(Chart.niceCeiling(1010) == 1200)
        #expect(Chart.niceCeiling(0) == 1)
    }
}
