import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import MarkdownReport
import Results
import Testing

private func fixture(_ name: String) throws -> ResultDocument {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
    return try ResultDocument.load(path: url.path)
}

/// A fixture with every JSON string equal to a key of `renaming` (a target id, say) replaced by
/// its value, wherever it stands: ids, keys of per-target objects, placement and break-even.
private func fixture(_ name: String, renaming: [String: String]) throws -> ResultDocument {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
    var text = try String(contentsOf: url, encoding: .utf8)
    for (old, new) in renaming.sorted(by: { $0.key < $1.key }) {
        text = text.replacingOccurrences(of: try jsonString(old), with: try jsonString(new))
    }
    return try ResultDocument.parse(Data(text.utf8), file: "\(name).json")
}

/// A fixture with its JSON edited as a tree.
private func fixture(_ name: String, editing edit: (inout [String: Any]) -> Void) throws -> ResultDocument {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "json"))
    var tree = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    edit(&tree)
    return try ResultDocument.parse(try JSONSerialization.data(withJSONObject: tree), file: "\(name).json")
}

private func jsonString(_ text: String) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
}

/// The elements of an SVG, in document order, with their attributes and text.
private final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    var elements: [Element] = []
    private var open: [Int] = []

    static func parse(_ svg: String) throws -> [Element] {
        let reader = SVGElements()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        return reader.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        open.removeLast()
    }
}

extension SVGElements.Element {
    func number(_ key: String) -> Double { Double(attributes[key] ?? "") ?? .nan }

    /// A polyline's points.
    var points: [(x: Double, y: Double)] {
        (attributes["points"] ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return (xy.first ?? .nan, xy.last ?? .nan)
        }
    }
}

/// The body of every mermaid block, front matter included.
private func mermaidBlocks(_ markdown: String) -> [String] {
    markdown.components(separatedBy: "```mermaid\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
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

@Suite struct MarkdownReportTests {
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
        #expect(assumptions.contains("| aws-lambda-arm64 | requestPrice 0.2 USD/1M requests | <https://aws.amazon.com/lambda/pricing/> | 2026-11-29 | ? | published |"))
        #expect(assumptions.contains("| aws-lambda-arm64 | keepAlive.idle 10 min | AWS publishes no keep-alive |"))
        #expect(assumptions.contains("multiplied by 240.00 to a 30-day month"))
        #expect(assumptions.contains("seed 7"))
        #expect(assumptions.contains("The trace spans 180 minutes (3.0 hours)."))
    }

    @Test func amountsRoundHalfUpToTheCentAsInTheJSONAndTheCLI() throws {
        // $1.005 is 1.00499999… as a double: the report once printed $1.00 where `simulate` said $1.01.
        let doc = try fixture("simulated") { tree in
            var targets = tree["targets"] as? [[String: Any]] ?? []
            for i in targets.indices where targets[i]["id"] as? String == "aws-lambda-arm64" {
                var cost = targets[i]["monthlyCost"] as? [String: Any] ?? [:]
                cost["total"] = 1.005
                targets[i]["monthlyCost"] = cost
            }
            tree["targets"] = targets
        }
        let verdict = try #require(section(ReportRenderer.render(doc, name: "tiny").markdown, "Verdict"))
        #expect(verdict.contains("aws-lambda-arm64, at $1.01 a month"), "\(verdict)")
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

    @Test func hostileTargetIdsFromAResultAreEscapedEverywhere() throws {
        let hostile = ["gcf-gen1": "gcf|x`tick`<script>alert(1)</script>\n]\"\u{202E}1nimda",
                       "openfaas": "open\u{2066}faas](https://evil.example)[\"q\"] <b>%%{init: {}}%%",
                       "aws-lambda-arm64": "aws\u{200B}lambda|arm64\r\n| injected |"]
        let mermaidLine = try NSRegularExpression(pattern: #"^(---|config:|  themeVariables:|    xyChart:|      plotColorPalette: "[#0-9a-f, ]*"|xychart-beta|    title "[^"]*"|    x-axis "[^"]*" \["[^"]*"(, "[^"]*")*\]|    y-axis "[^"]*" -?[0-9.]+ --> [0-9.]+|    (line|bar) \[[-0-9., ]*\])$"#)
        for name in ["placed", "simulated"] {
            let report = ReportRenderer.render(try fixture(name, renaming: hostile), name: "tiny")
            let md = report.markdown
            for id in hostile.values { #expect(md.contains(Markdown.escape(id)), "\(name): \(id) is not shown escaped") }
            #expect(!md.contains("<script>") && !md.contains("<b>") && !md.contains("](https://evil"))
            // Outside mermaid blocks (where a pipe is only text) no pipe or backtick of a name is left bare.
            let prose = md.components(separatedBy: "```mermaid\n").enumerated()
                .map { $0.offset == 0 ? $0.element : ($0.element.components(separatedBy: "\n```").dropFirst().joined()) }.joined()
            #expect(!prose.contains("gcf|x") && !prose.contains("`tick`") && !prose.contains("lambda|arm64"))
            #expect(!md.contains("\n| injected"))
            #expect(!md.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{2066}" }, "\(name): a bidi control reached the report")
            #expect(md.contains("&lt;U\\+202E&gt;") && md.contains("&lt;U\\+2066&gt;") && md.contains("aws&lt;U\\+200B&gt;lambda"))
            // Every table row has as many cell separators as its header.
            var expected: Int?
            for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("|") else { expected = nil; continue }
                if let expected { #expect(cells(line) == expected, "\(name): \(line)") } else { expected = cells(line) }
            }
            // Inside mermaid blocks a name can neither end its quotes, nor start a line, nor open a directive.
            for block in mermaidBlocks(md) {
                #expect(!block.contains("%%"))
                for line in block.split(separator: "\n") {
                    let text = String(line)
                    #expect(mermaidLine.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil, "\(name): \(text)")
                }
            }
            for chart in report.charts {
                let text = try SVGElements.parse(chart.svg).map(\.text).joined()
                #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{2066}" }, "\(chart.name)")
            }
        }
    }

    @Test func chartsAreMermaidBlocksAndWellFormedSVG() throws {
        // Instances that vary over the three hours, so that their charts are drawn.
        let doc = try fixture("placed") { tree in
            var targets = tree["targets"] as? [[String: Any]] ?? []
            for i in targets.indices {
                var series = targets[i]["series"] as? [String: Any] ?? [:]
                series["instances"] = (0..<180).map { Double(($0 / 60 + 1) * (i + 2)) }
                targets[i]["series"] = series
            }
            tree["targets"] = targets
        }
        let report = ReportRenderer.render(doc, name: "my report")
        #expect(report.charts.map(\.name) == ["my-report-cost.svg", "my-report-instances-cloud.svg", "my-report-instances-onprem.svg",
                                              "my-report-break-even.svg"])
        for chart in report.charts {
            #expect(report.markdown.contains("[Chart as SVG](\(chart.name))"))
            _ = try SVGElements.parse(chart.svg)
            #expect(chart.svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        }
        let blocks = mermaidBlocks(report.markdown)
        #expect(blocks.count == 4)
        for block in blocks {
            // Front matter that sets the colours the legend names, then the chart.
            let parts = block.components(separatedBy: "\n---\n")
            #expect(parts.count == 2 && parts[0].hasPrefix("---\nconfig:\n") && parts[0].contains("plotColorPalette: \"#1f77b4"))
            let lines = parts.last?.split(separator: "\n") ?? []
            #expect(lines.first == "xychart-beta")
            #expect(lines.contains { $0.hasPrefix("    x-axis \"") && $0.hasSuffix("]") })
            #expect(lines.contains { $0.hasPrefix("    y-axis \"") && $0.contains(" --> ") })
            #expect(lines.contains { $0.hasPrefix("    line [") || $0.hasPrefix("    bar [") })
        }
        // The cloud targets' instances, cheapest first: the busiest minute of each hour.
        let instances = try #require(blocks.first { $0.contains("Instances alive on cloud targets") })
        #expect(instances.contains("    line [3, 6, 9]\n    line [2, 4, 6]"))
        #expect(report.markdown.contains("Lines: 🟦 blue: gcf-gen1; 🟧 orange: aws-lambda-arm64. [Chart as SVG](my-report-instances-cloud.svg)"))
    }

    @Test func logAxesTickAtPowersOfTenAndPlacePointsByLog10() throws {
        let chart = Chart(slug: "x", title: "cost", xTitle: "volume", yTitle: "USD", xLabels: ["0.1×", "1×", "2×", "10×", "100×"],
                          xValues: [0.1, 1, 2, 10, 100], xUnit: "×", yScale: .logarithmic,
                          series: [.init(name: "a", values: [2, 20, 40, 200, 2000])])
        let elements = try SVGElements.parse(chart.svg)
        let labels = elements.filter { $0.name == "text" }
        // x ticks: one a decade, at equal steps; y ticks: 1 to 10,000, one a decade, at equal steps.
        let xTicks = ["0.1×", "1×", "10×", "100×"].map { label in labels.first { $0.text == label }?.number("x") ?? .nan }
        let yTicks = ["1", "10", "100", "1,000", "10,000"].map { label in labels.first { $0.text == label }?.number("y") ?? .nan }
        let decadeX = xTicks[1] - xTicks[0], decadeY = yTicks[0] - yTicks[1]
        #expect(decadeX > 0 && decadeY > 0)
        for i in 1..<xTicks.count { #expect(abs(xTicks[i] - xTicks[i - 1] - decadeX) < 0.15) }
        for i in 1..<yTicks.count { #expect(abs(yTicks[i - 1] - yTicks[i] - decadeY) < 0.15) }
        #expect(!labels.contains { $0.text == "2×" || $0.text == "20" }, "only powers of ten are labelled")
        // Every point sits at log10 of its x and y from the first tick (label y is 4 px under its line).
        let line = try #require(elements.first { $0.name == "polyline" })
        let points = line.points
        #expect(points.count == 5)
        for (i, (x, y)) in zip([0.1, 1, 2, 10, 100], [2.0, 20, 40, 200, 2000]).enumerated() {
            #expect(abs(points[i].x - (xTicks[0] + decadeX * (log10(x) + 1))) < 0.15, "point \(i) x")
            #expect(abs(points[i].y - (yTicks[0] - 4 - decadeY * log10(y))) < 0.15, "point \(i) y")
        }
        #expect(ChartAxis(kind: .logarithmic, values: [2, 2000]).fraction(10) == 0.25)
        #expect(ChartAxis(kind: .logarithmic, values: [2, 2000]).fraction(0) == nil)
        #expect(ChartAxis.powerOfTen(-3) == "0.001" && ChartAxis.powerOfTen(6) == "1,000,000" && ChartAxis.powerOfTen(9) == "10⁹")
        // Mermaid has no log axis: a span of three decades is drawn as log10, the axis says so.
        #expect(chart.mermaid.contains("    y-axis \"log10 of USD (1 = 10, 4 = 10,000)\" 0 --> 4"))
        #expect(chart.mermaid.contains("    line [0.301, 1.3, 1.6, 2.3, 3.3]"))
        #expect(chart.mermaid.contains("[\"0.1×\", \"1×\", \"2×\", \"10×\", \"100×\"]"))
    }

    @Test func zeroOnALogAxisBreaksTheLineAndIsSaid() throws {
        let chart = Chart(slug: "x", title: "cost", xTitle: "volume", yTitle: "USD", xLabels: ["a", "b", "c", "d"], xValues: [1, 10, 100, 1000],
                          yScale: .logarithmic, series: [.init(name: "a", values: [0, 10, 100, 1000]), .init(name: "b", values: [5, 0, 500, 5000])])
        let elements = try SVGElements.parse(chart.svg)
        #expect(elements.filter { $0.name == "polyline" }.map(\.points.count) == [3, 2])
        // A point cut off on both sides is drawn as a dot.
        #expect(elements.filter { $0.name == "circle" }.count == 1)
        #expect(chart.markdown(svgFile: "x.svg").contains("Zero has no place on a logarithmic scale"))
        #expect(chart.mermaid.contains("    line [0, 1, 2, 3]"))
    }

    @Test func everySeriesHasALegendEntryInBothForms() throws {
        let names = ["aws-lambda-arm64", "cloud-run", "a&b <x>", "knative"]
        let chart = Chart(slug: "x", title: "t", xTitle: "x", yTitle: "y", xLabels: ["0", "1", "2"],
                          series: names.enumerated().map { k, name in .init(name: name, values: [1, 2, 3].map { $0 * Double(k + 1) * 10 }) })
        let elements = try SVGElements.parse(chart.svg)
        let swatches = elements.filter { $0.name == "rect" && $0.attributes["width"] == "12" }
        #expect(swatches.map { $0.attributes["fill"] } == Chart.palette.prefix(4).map(\.hex))
        for name in names { #expect(elements.contains { $0.name == "text" && $0.text == name }, "\(name)") }
        #expect(chart.legendLine == "Lines: 🟦 blue: aws-lambda-arm64; 🟧 orange: cloud-run; 🟩 green: a&amp;b &lt;x&gt;; 🟥 red: knative.")
        #expect(chart.mermaid.contains("plotColorPalette: \"#1f77b4, #ff7f0e, #2ca02c, #d62728\""))
        // The report charts every target, cloud and on-prem apart; the text no longer says "the chart shows".
        let md = ReportRenderer.render(try fixture("placed"), name: "r").markdown
        #expect(!md.contains("The chart shows"))
    }

    @Test func coincidingSeriesAreMergedAndNamedTogether() throws {
        let chart = Chart(slug: "x", title: "t", xTitle: "x", yTitle: "y", xLabels: ["0", "1", "2"],
                          series: [.init(name: "aws-lambda-x86", values: [10, 20, 30]), .init(name: "knative", values: [30, 10, 20]),
                                   .init(name: "aws-lambda-arm64", values: [10, 20, 30]), .init(name: "fn", values: [30.1, 10, 20]),
                                   .init(name: "nuclio", values: [30, 10, 25])])
        let drawn = chart.drawn
        #expect(drawn.map(\.names) == [["aws-lambda-x86", "aws-lambda-arm64"], ["knative", "fn"], ["nuclio"]])
        #expect(drawn.map(\.spread) == [nil, "within 0.1 of each other", nil])
        #expect(chart.legendLine == "Lines: 🟦 blue: aws-lambda-x86 and aws-lambda-arm64 (identical); "
            + "🟧 orange: knative and fn (within 0.1 of each other); 🟩 green: nuclio.")
        let elements = try SVGElements.parse(chart.svg)
        #expect(elements.filter { $0.name == "polyline" }.count == 3)
        for name in ["aws-lambda-x86", "aws-lambda-arm64", "knative", "fn", "nuclio"] {
            #expect(elements.contains { $0.name == "text" && $0.text == name }, "\(name)")
        }
        #expect(chart.mermaid.components(separatedBy: "    line [").count - 1 == 3)
    }

    @Test func aChartWhoseValuesAreAllEqualIsASentence() throws {
        let flat = Chart(slug: "x", title: "Cost", xTitle: "x", yTitle: "y", xLabels: ["a", "b"],
                         series: [.init(name: "a", values: [5, 5]), .init(name: "b", values: [5, 5])], style: .bar)
        #expect(flat.flatSentence == "Cost: every bar is 5, so no chart is drawn.")
        let varied = Chart(slug: "x", title: "Cost", xTitle: "x", yTitle: "y", xLabels: ["a", "b"], series: [.init(name: "a", values: [5, 6])])
        #expect(varied.flatSentence == nil)
        // The fixture's instances are 5 in the busiest minute of every hour on every target.
        let report = ReportRenderer.render(try fixture("placed"), name: "r")
        let scaling = try #require(section(report.markdown, "Scaling"))
        #expect(scaling.contains("The cloud targets all had 5 instances alive in the busiest minute of every hour, so no chart is drawn."))
        #expect(scaling.contains("The on-prem targets all had 5 instances alive in the busiest minute of every hour, so no chart is drawn."))
        #expect(!scaling.contains("```mermaid"))
        #expect(report.charts.map(\.name) == ["r-cost.svg", "r-break-even.svg"])
    }

    @Test func chartTextIsEscapedInBothForms() throws {
        let chart = Chart(slug: "x", title: "a \"quoted\" <title> & more %%{init: {}}%%", xTitle: "x", yTitle: "y", xLabels: ["<a>", "b\"c", "d\u{202E}e"],
                          series: [.init(name: "s&t", values: [1, 2.5, 2]), .init(name: "u\u{2066}v\nw", values: [2, 1, 2])])
        #expect(chart.svg.contains("a &quot;quoted&quot; &lt;title&gt; &amp; more"))
        #expect(chart.svg.contains(">s&amp;t<"))
        #expect(chart.svg.contains(">u&lt;U+2066&gt;v w<"))
        #expect(chart.svg.contains(">d&lt;U+202E&gt;e<"))
        #expect(chart.mermaid.contains("title \"a 'quoted' ‹title› & more % %{init: {}}% %\""))
        #expect(chart.mermaid.contains("[\"‹a›\", \"b'c\", \"d‹U+202E›e\"]"))
        #expect(!chart.mermaid.contains("%%{"))
        #expect(chart.yMax == 2.5)
        _ = try SVGElements.parse(chart.svg)
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

    @Test func chartCeilingsAreRound() {
        #expect(Chart.niceCeiling(1010) == 1200)
        #expect(Chart.niceCeiling(0) == 1)
    }

    /// Plans as `Decision` writes them: the recommended one first on screen, with effort and payback,
    /// what would change it, and a plan that breaks a requirement named below the table.
    static func withOptions(_ tree: inout [String: Any]) {
        guard var placement = tree["placement"] as? [String: Any] else { return }
        func option(_ id: String, cost: Double, saving: Double, moved: Int, points: Int, payback: Any, net: Double, violations: [String] = []) -> [String: Any] {
            ["id": id, "summary": "\(id) plan", "algorithm": "rule", "guarantee": "", "monthlyCost": cost, "saving": saving,
             "functionsMoved": moved, "effortPoints": points, "migrationCost": Double(points) * 789, "paybackMonths": payback,
             "netValue": net, "lockIn": 40.0, "feasible": violations.isEmpty, "violations": violations, "relaxed": violations,
             "fixes": id == "stay" ? ["shop/checkout: move from eastus to westeurope on gcf-gen1"] : [], "risks": [],
             "sameAs": NSNull(), "targets": ["gcf-gen1": 22], "clusterServers": 0, "functions": []]
        }
        placement["options"] = [
            option("stay", cost: 300, saving: 0, moved: 0, points: 1, payback: NSNull(), net: -789),
            option("fewest-moves", cost: 200, saving: 100, moved: 2, points: 20, payback: 157.8, net: 3600 - 15780),
            option("cheapest", cost: 100, saving: 200, moved: 22, points: 300, payback: 1183.5, net: 7200 - 236_700,
                   violations: ["shop/checkout on aws-lambda-arm64: compliance: no PCI DSS attestation"]),
        ]
        placement["recommended"] = "stay"
        // As `Decision.thresholds` finds them with the rule (tie band $789): fewest-moves leads by
        // 3,600 − 14,991k at effort ×k, so from k = 2,811 / 14,991; by 100h − 15,780 + 789 over h
        // months, so from 158; the day rate ×k narrows the band too: 3,600 − 15,780k ≥ 0.
        placement["thresholds"] = [
            ["input": "effort", "today": 1, "value": 2811.0 / 14991, "recommended": "fewest-moves", "low": 0, "high": 1000,
             "closest": NSNull(), "closestLeadUSD": NSNull()],
            ["input": "day-rate", "today": 1, "value": 3600.0 / 15780, "recommended": "fewest-moves", "low": 0, "high": 1000,
             "closest": NSNull(), "closestLeadUSD": NSNull()],
            ["input": "horizon", "today": 36, "value": 158, "recommended": "fewest-moves", "low": 1, "high": 1_000_000,
             "closest": NSNull(), "closestLeadUSD": NSNull()],
        ]
        placement["horizonMonths"] = 36
        placement["dayRateUSD"] = 789
        placement["fewestMovesShare"] = 0.8
        tree["placement"] = placement
        tree["memory"] = ["functions": [
            ["id": "shop/checkout", "memoryMB": 1024, "origin": "trace", "usedPeakMB": 200, "usedMeanMB": 150, "usedCalls": 40],
            ["id": "shop/cart", "memoryMB": 128, "origin": "app-share", "appMB": 300, "functionsInApp": 3, "floorMB": 128],
        ]]
    }

    @Test func theFirstScreenIsADecisionWithEffortAndPayback() throws {
        let doc = try fixture("placed", editing: Self.withOptions)
        let markdown = ReportRenderer.render(doc, name: "r").markdown
        let verdict = try #require(section(markdown, "Verdict")).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(verdict.hasPrefix("**Stay on gcf-gen1: $300.00 a month.**"), "\(verdict)")
        #expect(verdict.contains("**Region moves** (the deployment says where these run today, and its requirements rule that region out; confirm the requirement, since any data moves too and is not costed): shop/checkout: move from eastus to westeurope on gcf-gen1."))
        #expect(verdict.contains("The closest by net over 36 months, fewest-moves, moves 2 functions for $100.00 a month less, but its migration, about 20 developer-days ($15,780, $14,991 of it beyond the fixes staying needs too), pays back only after about 13 years, longer than any plan is held to."), "\(verdict)")
        #expect(verdict.contains("| **stay** ✔ | stay plan | $300.00 | $0.00 | 0 | 1 | $789 | – | -$789 | 40 | met |"), "one money column, one precision: \(verdict)")
        #expect(verdict.contains("| fewest-moves | fewest-moves plan | $200.00 | $100.00 | 2 | 20 | $15,780 | about 13 years | -$12,180 | 40 | met |"), "\(verdict)")
        #expect(verdict.contains("cheapest breaks 1 requirement: shop/checkout on aws-lambda-arm64: compliance: no PCI DSS attestation"))
        // The thresholds as the rule found them, printed to three significant digits.
        #expect(verdict.contains("against the runner-up, fewest-moves"))
        #expect(verdict.contains("fewest-moves would be recommended if every migration cost 0.188× the estimate or less (now stay 1 point, $789.00; fewest-moves 20, $15,780)."), "\(verdict)")
        #expect(verdict.contains("**Day rate** ($789.00, `--day-rate`; it sets the tie band too): fewest-moves would be recommended at $180.00 a day or less (0.228× today's)."), "\(verdict)")
        #expect(verdict.contains("**Horizon** (36 months, `--horizon`): fewest-moves would be recommended only over 158 months (about 13 years) or more, longer than any plan is held to."), "\(verdict)")
        // The first screen: the verdict fits in about 40 lines.
        #expect(verdict.split(separator: "\n").count <= 40)
        #expect(markdown.contains("\n## How this was decided\n"))
        let memory = try #require(section(markdown, "Memory"))
        #expect(memory.contains("1 recorded in the trace; 1 inferred"))
        #expect(memory.contains("inferred: app 300 MB ÷ 3, raised to 128 MB"))
        // Right-sizing: a 200 MB peak in a 1,024 MB function: 256 MB suggested, 75 % less memory-time.
        #expect(memory.contains("| shop/checkout | 1,024 MB | 200 MB (mean 150, 40 calls) | 256 MB | 75.0 % |"), "\(memory)")
    }

    /// The retirement what-if of the fixtures: gcf-gen1 retiring 22 months in, its functions moving
    /// to cloud-run; figures for stay and fewest-moves.
    static func retirement(recommended: String, after: (Double, Double), net: (Double, Double), points: (Double, Double),
                           cost: (Double, Double), landing: [String: [String: Int]]? = nil, idle: Int = 0) -> [String: Any] {
        var s = retirement(recommended: recommended, after: after, net: net, points: points, cost: cost)
        if let landing, var r = s["retirement"] as? [String: Any] {
            r["landing"] = landing
            r["idleFunctions"] = idle
            s["retirement"] = r
        }
        return s
    }

    static func retirement(recommended: String, after: (Double, Double), net: (Double, Double), points: (Double, Double),
                           cost: (Double, Double)) -> [String: Any] {
        ["id": "retirement", "change": "gcf-gen1 retiring on 2028-09-30, 22 months in (where it applies), the functions still there moving to cloud-run then at the cost of that move",
         "recommended": recommended, "threshold": NSNull(),
         "monthlyCost": ["stay": after.0, "fewest-moves": after.1], "netValue": ["stay": net.0, "fewest-moves": net.1],
         "retirement": ["target": "gcf-gen1", "successor": "cloud-run", "date": "2028-09-30", "months": 22,
                        "forcedPoints": ["stay": points.0, "fewest-moves": points.1], "forcedCost": ["stay": cost.0, "fewest-moves": cost.1]]]
    }

    /// The sample's case: stay, which a retirement 22 months in moves to its successor, whose
    /// owners may be one account, and which no effort estimate alone can overturn.
    @Test func theVerdictSaysHowLongItsFigureHoldsAndWhatEffortCannotChange() throws {
        let doc = try fixture("placed") { tree in
            Self.withOptions(&tree)
            guard var placement = tree["placement"] as? [String: Any] else { return }
            placement["thresholds"] = [
                ["input": "effort", "today": 1, "value": NSNull(), "recommended": NSNull(), "low": 0, "high": 1000,
                 "closest": "fewest-moves", "closestLeadUSD": 255.6],
                ["input": "horizon", "today": 36, "value": 3199, "recommended": "fewest-moves", "low": 1, "high": 1_000_000,
                 "closest": NSNull(), "closestLeadUSD": NSNull()],
            ]
            placement["scenarios"] = [
                ["id": "one-account", "change": "the 42 owners' accounts billed as one account (one free grant for all)", "recommended": "stay", "threshold": NSNull(),
                 "monthlyCost": ["stay": 394.12, "fewest-moves": 300.5], "netValue": ["stay": -789, "fewest-moves": -12_364.32]],
                Self.retirement(recommended: "stay", after: (350, 350), net: (-18_147, -15_791), points: (22, 3), cost: (17_358, 2367)),
            ]
            tree["placement"] = placement
            tree["accounts"] = ["mode": "per-owner", "count": 42]
        }
        let verdict = try #require(section(ReportRenderer.render(doc, name: "r").markdown, "Verdict"))
        // Right after the headline's figure: until when it holds, and what follows.
        #expect(verdict.contains("**Stay on gcf-gen1: $300.00 a month.** The $300.00 holds until 2028-09-30, when gcf-gen1 retires (22 months in, where it applies: see Platform status): then every function moves to cloud-run (about 22 developer-days of work, $17,358, to budget before then) and stay costs $350.00 a month (the retirement what-if below prices the move)."), "\(verdict)")
        #expect(verdict.contains("with one free grant for all: stay would then cost $394.12 a month (what-if below)."), "\(verdict)")
        #expect(verdict.contains("- With **the 42 owners' accounts billed as one account (one free grant for all)**, replayed: stay $394.12, fewest-moves $300.50 a month; stay would still be recommended."), "\(verdict)")
        // Equal bills after the retirement say nothing: the net values and the forced moves do.
        // In all: stay 1 + 22 = 23 points, fewest-moves 20 + 3 = 23; −18,147 against −15,791 is more than a day apart.
        #expect(verdict.contains("after it, stay and fewest-moves both cost $350.00 a month, so their bills no longer differ; the forced move costs stay 22 points ($17,358) and fewest-moves 3 ($2,367), 23 points each in all, counting those spent now. Net over 36 months (22 as placed, 14 after): stay -$18,147, fewest-moves -$15,791; stay would still be recommended. The two cost the same effort in all (23 points, counted per function); stay defers more of it to 2028-09-30 (22 points then, against 3)."), "\(verdict)")
        #expect(verdict.contains("**Migration effort** (Placer's effort points, about a developer-day each, at $789.00 a day) cannot change it on its own: with no migration cost at all, the best plan that moves functions, fewest-moves, would lead stay by only $255.60 over 36 months, less than the tie band of one developer-day ($789.00), within which the plan moving fewer functions wins."), "\(verdict)")
        #expect(verdict.contains("fewest-moves would be recommended only over 3,199 months (about 270 years) or more: never, within any horizon that matters."), "\(verdict)")
        #expect(!verdict.contains("0.00"+"064×"))
        // The thresholds hold today's bills over the horizon: the list says so where a retirement falls inside it.
        #expect(verdict.contains("(each threshold names the plan that would then be recommended; the replayed what-ifs price stay against the runner-up, fewest-moves; the thresholds keep today's bills over all 36 months, as if gcf-gen1 did not retire: the retirement what-if prices that)"), "\(verdict)")
    }

    /// Where the retirement's forced move lands: the successor, or wherever a function costs least
    /// over the months left, in the headline and in the what-if; and the successor confirmed when
    /// the what-if found it cheapest for every forced function.
    @Test func theForcedMoveSaysWhereItLands() throws {
        func verdict(_ landing: [String: [String: Int]], idle: Int = 0, only: String? = nil) throws -> String {
            let doc = try fixture("placed") { tree in
                Self.withOptions(&tree)
                if let only {
                    var profiles = tree["profiles"] as? [[String: Any]] ?? []
                    profiles.removeAll { $0["id"] as? String == "gcf-gen1" }
                    profiles.append(["id": "gcf-gen1", "retires": "2028-09-30", "retiresOnly": only])
                    tree["profiles"] = profiles
                }
                guard var placement = tree["placement"] as? [String: Any] else { return }
                placement["scenarios"] = [Self.retirement(recommended: "stay", after: (340, 350), net: (-18_000, -15_791), points: (30, 3),
                                                          cost: (23_670, 2367), landing: landing, idle: idle)]
                tree["placement"] = placement
            }
            return try #require(section(ReportRenderer.render(doc, name: "r").markdown, "Verdict"))
        }
        let elsewhere = try verdict(["stay": ["cloud-run": 20, "aws-lambda-arm64": 2], "fewest-moves": ["cloud-run": 3]])
        #expect(elsewhere.contains("then every function moves: 20 to cloud-run and 2 to aws-lambda-arm64, where each costs least over the rest of the horizon, its move included (about 30 developer-days of work, $23,670, to budget before then) and stay costs $340.00 a month"), "\(elsewhere)")
        #expect(elsewhere.contains("each forced function lands where it costs least over the 14 months left, its move's effort included: for stay 20 on cloud-run and 2 on aws-lambda-arm64, for fewest-moves all on cloud-run; after it, stay costs $340.00 and fewest-moves $350.00 a month"), "\(elsewhere)")
        let successor = try verdict(["stay": ["cloud-run": 22], "fewest-moves": ["cloud-run": 3]])
        #expect(successor.contains("then every function moves to cloud-run (about 30 developer-days"), "\(successor)")
        // A retirement of part of a target (Linux apps) says so where the budget is named.
        let linux = try verdict(["stay": ["cloud-run": 22], "fewest-moves": ["cloud-run": 3]], only: "Linux apps")
        #expect(linux.contains("when gcf-gen1 retires (22 months in, for Linux apps only, which the trace does not say these are; for the others nothing retires: see Platform status): then every function moves to cloud-run"), "\(linux)")
        // Functions there that made no call in the trace move too, in every plan's forced move.
        let quiet = try verdict(["stay": ["cloud-run": 22], "fewest-moves": ["cloud-run": 3]], idle: 5)
        #expect(quiet.contains("then every function, the 5 that made no call in the trace included, moves to cloud-run (about 30 developer-days of work, $23,670, to budget before then)"), "\(quiet)")
        #expect(quiet.contains("the forced move costs stay 30 points ($23,670) and fewest-moves 3 ($2,367), each with the 5 functions on gcf-gen1 that made no call in the trace, which no plan places"), "\(quiet)")
        #expect(successor.contains("cloud-run then at the cost of that move**: counting each move's effort, no target its requirements allow is cheaper than cloud-run for any forced function over the 14 months left; after it,"), "\(successor)")
    }

    /// The effort what-if (an app's functions moved together, one redeploy each group): each
    /// deciding plan's points and net counted that way, and the forced move's budget at the
    /// retirement given its low end in the verdict's first paragraph.
    @Test func theEffortWhatIfGivesTheForcedMovesLowEnd() throws {
        /// The verdict with the effort what-if (and, when `withRetirement`, the retirement's) and
        /// the effort what-if's nets with the retirement and its pick on them.
        func verdict(withRetirement: Bool, nets: (Double, Double), pick: String) throws -> String {
            let doc = try fixture("placed") { tree in
                Self.withOptions(&tree)
                guard var placement = tree["placement"] as? [String: Any] else { return }
                var perApp = Self.retirement(recommended: "stay", after: (340, 350), net: (-789, -12_000), points: (12, 2), cost: (9468, 1578))
                perApp["id"] = "effort-per-app"
                perApp["change"] = "apps moved as one"
                perApp["monthlyCost"] = ["stay": 300, "fewest-moves": 200]
                perApp["effortPoints"] = ["stay": 1, "fewest-moves": 19]
                perApp["netWithRetirement"] = ["stay": nets.0, "fewest-moves": nets.1]
                perApp["recommendedWithRetirement"] = pick
                let retirement = Self.retirement(recommended: "stay", after: (340, 350), net: (-18_000, -15_791), points: (30, 3), cost: (23_670, 2367),
                                                 landing: ["stay": ["cloud-run": 22], "fewest-moves": ["cloud-run": 3]])
                placement["scenarios"] = withRetirement ? [retirement, perApp] : [perApp]
                tree["placement"] = placement
            }
            return try #require(section(ReportRenderer.render(doc, name: "r").markdown, "Verdict"))
        }
        let both = try verdict(withRetirement: true, nets: (-10_257, -14_000), pick: "stay")
        #expect(both.contains("(about 12 to 30 developer-days of work, $9,468 to $23,670, to budget before then: a day per app at the low end, a day per function at the high)"), "\(both)")
        #expect(both.contains("- With **apps moved as one**, counted again without a replay: stay 1 point ($789), fewest-moves 19 points instead of 20 ($14,991); net over 36 months at today's bills stay -$789, fewest-moves -$12,000. The forced move when gcf-gen1 retires, counted the same way: stay 12 points ($9,468) instead of 30, fewest-moves 2 ($1,578) instead of 3; 13 and 21 points in all (a plan that moves part of an app now and the rest at the retirement redeploys that app twice), and net over 36 months with the retirement, effort only (the bill's rise after it is in neither), stay -$10,257, fewest-moves -$14,000; on both counts stay would still be recommended."), "\(both)")
        // A flip on the count with the retirement is named, and the verdict says so up front.
        let other = try verdict(withRetirement: false, nets: (-10_257, -9_000), pick: "fewest-moves")
        #expect(other.contains("; at today's bills stay would still be recommended, with the retirement **fewest-moves would be recommended**."), "\(other)")
        #expect(other.contains("**This could flip**, with apps moved as one"), "\(other)")
    }

    /// A tie in the retirement what-if goes to the plan that moves fewer functions now, and a
    /// payback worked out at today's saving says the saving ends with the retirement.
    @Test func theRetirementTieAndPaybackSayWhatTheyRestOn() throws {
        let doc = try fixture("placed") { tree in
            Self.withOptions(&tree)
            guard var placement = tree["placement"] as? [String: Any] else { return }
            placement["scenarios"] = [
                Self.retirement(recommended: "stay", after: (350, 350), net: (-18_147, -18_000), points: (22, 3), cost: (17_358, 2367)),
            ]
            tree["placement"] = placement
        }
        let verdict = try #require(section(ReportRenderer.render(doc, name: "r").markdown, "Verdict"))
        #expect(verdict.contains("within one developer-day of each other, a tie, which goes to the plan that moves fewer functions now: stay would still be recommended"), "\(verdict)")
        // Under the plan table: its figures hold today's bills; the what-if's net value is the one with the retirement.
        #expect(verdict.contains("These figures keep today's bills for all 36 months, as if gcf-gen1 did not retire 22 months in; with the retirement and its forced move, stay's net over 36 months is -$18,147 (the retirement what-if below); on top of that net, its bill rises to $350.00 a month after it, $700.00 more over the last 14 months than today's."), "\(verdict)")
        #expect(verdict.contains("pays back only after about 13 years at that saving, longer than any plan is held to, and the saving ends when gcf-gen1 retires 22 months in."), "\(verdict)")
    }

    /// A recommended plan that keeps only some functions on the retiring target says which move.
    @Test func aMovingPlanSaysWhichOfItsFunctionsTheRetirementMoves() throws {
        let doc = try fixture("placed") { tree in
            Self.withOptions(&tree)
            guard var placement = tree["placement"] as? [String: Any], var options = placement["options"] as? [[String: Any]] else { return }
            options[1]["targets"] = ["gcf-gen1": 20, "cloud-run": 2]
            placement["options"] = options
            placement["recommended"] = "fewest-moves"
            placement["scenarios"] = [
                Self.retirement(recommended: "fewest-moves", after: (350, 260), net: (-18_147, -12_000), points: (22, 20), cost: (17_358, 15_780)),
            ]
            tree["placement"] = placement
        }
        let verdict = try #require(section(ReportRenderer.render(doc, name: "r").markdown, "Verdict"))
        #expect(verdict.contains("The $200.00 holds until 2028-09-30, when gcf-gen1 retires (22 months in, where it applies: see Platform status): then the 20 functions on gcf-gen1 move to cloud-run (about 20 developer-days of work, $15,780, to budget before then) and fewest-moves costs $260.00 a month"), "\(verdict)")
    }

    @Test func aRetiringPlatformInThePlanAndTheBilledRegionAreNamed() throws {
        // The recommended plan (stay) runs on gcf-gen1, whose status is made legacy here; each
        // cloud bill names its region, so the column shows where they differ.
        let doc = try fixture("placed") { tree in
            Self.withOptions(&tree)
            var profiles = tree["profiles"] as? [[String: Any]] ?? []
            profiles.append(["id": "gcf-gen1", "statusNote": "legacy since 2025-09-30, retires 2028-09-30, successor cloud-run: a test note"])
            tree["profiles"] = profiles
            var targets = tree["targets"] as? [[String: Any]] ?? []
            for k in targets.indices {
                guard var bill = targets[k]["bill"] as? [String: Any] else { continue }
                bill["region"] = targets[k]["id"] as? String == "gcf-gen1" ? "europe-west1" : "eu-central-1"
                targets[k]["bill"] = bill
            }
            tree["targets"] = targets
        }
        let markdown = ReportRenderer.render(doc, name: "r").markdown
        let verdict = try #require(section(markdown, "Verdict"))
        #expect(verdict.contains("Platform status: gcf-gen1 (in the recommended plan) is legacy since 2025-09-30, retires 2028-09-30, successor cloud-run: a test note."), "\(verdict)")
        let targets = try #require(section(markdown, "Targets side by side"))
        #expect(targets.contains("| region |") && targets.contains("| europe-west1 |") && targets.contains("| eu-central-1 |"), "\(targets)")
        // Without a status note, no line.
        let plain = ReportRenderer.render(try fixture("placed", editing: Self.withOptions), name: "r").markdown
        #expect(!plain.contains("Platform status"))
    }
}

/// The calibration section: the fit and cold starts predicted against observed, most missed first.
@Suite struct CalibrationSectionTests {
    func withCalibration() throws -> ResultDocument {
        try fixture("simulated") { tree in
            tree["calibration"] = [
                "target": "aws-lambda-x86", "file": "fit.yaml", "trace": "logs/", "confidence": "observed",
                "keepAliveSeconds": 412.5, "longestWarmSeconds": 400.0, "shortestColdSeconds": 425.0,
                "observations": 1200, "disagreeing": 2,
                "coldStart": ["medianMs": 251.2, "p99Ms": 801.9, "samples": 310],
                "observedColdStarts": 310, "predictedColdStarts": 300, "relativeError": -0.0323, "absoluteError": 0.0452,
                "functions": [
                    ["id": "a/f1", "calls": 1000, "observed": 100, "predicted": 101],
                    ["id": "a/f2", "calls": 2000, "observed": 210, "predicted": 199],
                    ["id": "g/g", "calls": 5, "observed": 1, "predicted": 1],
                ],
            ] as [String: Any]
        }
    }

    @Test func theFitAndItsErrorPerFunctionAreShown() throws {
        let md = ReportRenderer.render(try withCalibration(), name: "tiny").markdown
        let text = try #require(section(md, "Calibration from the team's logs"))
        #expect(text.contains("an idle timeout of **412.5 s**, between the longest idle gap that stayed warm (400.0 s) and the shortest that went cold (425.0 s)"))
        #expect(text.contains("2 of 1,200 observations disagree"))
        #expect(text.contains("median 251.2 ms, p99 801.9 ms, from 310 init times"))
        #expect(text.contains("300 cold starts against 310 observed"))
        // The most missed function first.
        let f2 = try #require(text.range(of: "| a/f2 | 2,000 | 210 | 199 |"))
        let f1 = try #require(text.range(of: "| a/f1 | 1,000 | 100 | 101 |"))
        #expect(f2.lowerBound < f1.lowerBound)
        // A function that is its own app is named once, as elsewhere in the report.
        #expect(text.contains("| g | 5 | 1 | 1 | 0.0% |"))
    }

    @Test func withoutACalibrationThereIsNoSection() throws {
        let md = ReportRenderer.render(try fixture("simulated"), name: "tiny").markdown
        #expect(section(md, "Calibration from the team's logs") == nil)
    }
}
