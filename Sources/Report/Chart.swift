import Foundation

/// A chart with a categorical x axis and one or more numeric series, drawn twice: as a mermaid
/// `xychart-beta` block (GitHub renders it inline) and as a standalone SVG file.
struct Chart {
    enum Style { case line, bar }

    struct Series {
        var name: String
        var values: [Double]
    }

    /// Names the SVG file (`<report>-<slug>.svg`).
    var slug: String
    var title: String
    var xTitle: String
    var yTitle: String
    var xLabels: [String]
    var series: [Series]
    var style: Style = .line

    /// The y axis runs from zero to a round number at or above the largest value.
    var yMax: Double {
        let top = series.flatMap(\.values).filter(\.isFinite).max() ?? 0
        return Self.niceCeiling(top)
    }

    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10] where step * magnitude >= value * (1 - 1e-12) {
            return step * magnitude
        }
        return 10 * magnitude
    }

    /// Fixed number text for charts: about three significant digits (no trailing zeros).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if abs(value) >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        var text = String(format: abs(value) >= 10 ? "%.1f" : abs(value) >= 1 ? "%.2f" : "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    // MARK: mermaid

    /// A fenced mermaid block. Mermaid's xychart has no legend, so the series order is written
    /// under the block by the caller (`legendLine`).
    var mermaid: String {
        var lines = ["```mermaid", "xychart-beta"]
        lines.append("    title \(Self.quoted(title))")
        lines.append("    x-axis \(Self.quoted(xTitle)) [\(xLabels.map(Self.quoted).joined(separator: ", "))]")
        lines.append("    y-axis \(Self.quoted(yTitle)) 0 --> \(Self.number(yMax))")
        for s in series {
            let keyword = style == .bar ? "bar" : "line"
            lines.append("    \(keyword) [\(s.values.map { Self.number($0) }.joined(separator: ", "))]")
        }
        lines.append("```")
        return lines.joined(separator: "\n")
    }

    /// Mermaid cannot label series; this line says which is which, in drawing order.
    var legendLine: String? {
        guard series.count > 1 else { return nil }
        return "Series in order: " + series.enumerated().map { "\($0.offset + 1). \($0.element.name)" }.joined(separator: ", ") + "."
    }

    /// A title or label inside a mermaid block: double quotes and line breaks cannot appear.
    static func quoted(_ text: String) -> String {
        let clean = text.map { ch -> String in
            if ch == "\"" { return "'" }
            if ch.isNewline || ch == "`" { return " " }
            return String(ch)
        }.joined()
        return "\"" + clean + "\""
    }

    // MARK: SVG

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                          "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]

    /// A standalone SVG (fixed size, fixed number formats: the same chart gives the same bytes).
    var svg: String {
        let width = 760.0, plotLeft = 70.0, plotTop = 40.0, plotWidth = 470.0, plotHeight = 260.0
        let legendX = plotLeft + plotWidth + 20
        let top = yMax
        let n = max(xLabels.count, 1)
        // Labels wider than their slot (about 6.5 px a character) are turned 35°.
        let every = max(1, Int((Double(n) / 12).rounded(.up)))
        let longest = Double(xLabels.map(\.count).max() ?? 0) * 6.5
        let turned = longest > plotWidth / Double(n) * Double(every) - 4
        let labelDepth = turned ? longest * 0.6 + 10 : 16
        let height = max(plotTop + plotHeight + labelDepth + 34, plotTop + 24 + Double(series.count) * 18)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func x(_ i: Int) -> Double {
            style == .bar ? plotLeft + plotWidth * (Double(i) + 0.5) / Double(n)
                : plotLeft + (n == 1 ? plotWidth / 2 : plotWidth * Double(i) / Double(n - 1))
        }
        func y(_ v: Double) -> Double { plotTop + plotHeight * (1 - min(max(v, 0), top) / top) }

        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
            "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Self.xml(title))</text>",
        ]
        // Horizontal grid and y ticks: five steps.
        for step in 0...5 {
            let value = top * Double(step) / 5
            let yy = y(value)
            out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(yy))\" x2=\"\(f(plotLeft + plotWidth))\" y2=\"\(f(yy))\" stroke=\"#dddddd\"/>")
            out.append("<text x=\"\(f(plotLeft - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(Self.xml(Self.number(value)))</text>")
        }
        out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop + plotHeight))\" x2=\"\(f(plotLeft + plotWidth))\" y2=\"\(f(plotTop + plotHeight))\" stroke=\"#333333\"/>")
        out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotTop + plotHeight))\" stroke=\"#333333\"/>")
        // X labels: at most about 12, evenly picked.
        for (i, label) in xLabels.enumerated() where i % every == 0 || i == n - 1 {
            if turned {
                let lx = x(i), ly = plotTop + plotHeight + 12
                out.append("<text x=\"\(f(lx))\" y=\"\(f(ly))\" text-anchor=\"end\" transform=\"rotate(-35 \(f(lx)) \(f(ly)))\">\(Self.xml(label))</text>")
            } else {
                out.append("<text x=\"\(f(x(i)))\" y=\"\(f(plotTop + plotHeight + 16))\" text-anchor=\"middle\">\(Self.xml(label))</text>")
            }
        }
        out.append("<text x=\"\(f(plotLeft + plotWidth / 2))\" y=\"\(f(plotTop + plotHeight + labelDepth + 20))\" text-anchor=\"middle\">\(Self.xml(xTitle))</text>")
        out.append("<text x=\"16\" y=\"\(f(plotTop + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(plotTop + plotHeight / 2)))\">\(Self.xml(yTitle))</text>")

        for (k, s) in series.enumerated() {
            let colour = Self.palette[k % Self.palette.count]
            switch style {
            case .line:
                let points = s.values.enumerated().map { "\(f(x($0.offset))),\(f(y($0.element)))" }.joined(separator: " ")
                out.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>")
            case .bar:
                let slot = plotWidth / Double(n), barWidth = slot * 0.8 / Double(max(series.count, 1))
                for (i, v) in s.values.enumerated() {
                    let left = plotLeft + slot * Double(i) + slot * 0.1 + barWidth * Double(k)
                    out.append("<rect x=\"\(f(left))\" y=\"\(f(y(v)))\" width=\"\(f(barWidth))\" height=\"\(f(plotTop + plotHeight - y(v)))\" fill=\"\(colour)\"/>")
                    out.append("<text x=\"\(f(left + barWidth / 2))\" y=\"\(f(y(v) - 4))\" text-anchor=\"middle\">\(Self.xml(Self.number(v)))</text>")
                }
            }
            let ly = plotTop + 8 + Double(k) * 18
            out.append("<rect x=\"\(f(legendX))\" y=\"\(f(ly - 8))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>")
            out.append("<text x=\"\(f(legendX + 18))\" y=\"\(f(ly + 2))\">\(Self.xml(s.name))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Text inside SVG: the five XML specials escaped, control characters dropped.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
