import Foundation
import Results

/// A chart as a standalone SVG: fixed size and number formats, so the same chart gives the same
/// bytes; a legend beside the plot names every series drawn, in its colour.
extension Chart {
    var svg: String {
        let shown = drawn
        let y = yAxis, x = style == .line ? xAxis : nil
        let yTicks = y.ticks()
        // Room for the y axis's title and its longest tick label (about 6.5 px a character).
        let plotLeft = max(70, (30 + Double(yTicks.map(\.label.count).max() ?? 0) * 6.5 + 8).rounded(.up))
        let plotTop = 40.0, plotWidth = 470.0, plotHeight = 260.0
        let legendX = plotLeft + plotWidth + 20
        let n = max(xLabels.count, 1)
        // Categories: labels wider than their slot (about 6.5 px a character) are turned 35°.
        let every = max(1, Int((Double(n) / 12).rounded(.up)))
        let longest = Double(xLabels.map(\.count).max() ?? 0) * 6.5
        let turned = x == nil && longest > plotWidth / Double(n) * Double(every) - 4
        let labelDepth = turned ? longest * 0.6 + 10 : 16

        // The legend: a swatch and a line per name, then how far merged series are apart.
        var legend: [(text: String, colour: String?, note: Bool)] = []
        for (k, s) in shown.enumerated() {
            for (i, name) in s.names.enumerated() { legend.append((name, i == 0 ? Self.palette[k % Self.palette.count].hex : nil, false)) }
            if let spread = s.spread { legend.append((spread, nil, true)) }
        }
        let legendWidth = Double(legend.map(\.text.count).max() ?? 0) * 6.5
        let width = max(760, legendX + 200, (legendX + 18 + legendWidth + 10).rounded(.up))
        let legendHeight = Double(legend.count) * 16 + Double(shown.count) * 6
        let height = max(plotTop + plotHeight + labelDepth + 34, plotTop + legendHeight + 16)
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func px(_ i: Int) -> Double? {
            if let x, let values = xValues {
                return i < values.count ? x.fraction(values[i]).map { plotLeft + plotWidth * $0 } : nil
            }
            return style == .bar ? plotLeft + plotWidth * (Double(i) + 0.5) / Double(n)
                : plotLeft + (n == 1 ? plotWidth / 2 : plotWidth * Double(i) / Double(n - 1))
        }
        func py(_ v: Double) -> Double? { y.fraction(v).map { plotTop + plotHeight * (1 - $0) } }

        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
            "<text x=\"\(f(plotLeft + plotWidth / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(Self.xml(title))</text>",
        ]
        // Grid and y ticks: on a log axis every power of ten is labelled, the steps between are faint.
        for tick in yTicks {
            guard let yy = py(tick.value) else { continue }
            out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(yy))\" x2=\"\(f(plotLeft + plotWidth))\" y2=\"\(f(yy))\" stroke=\"\(tick.major ? "#dddddd" : "#f2f2f2")\"/>")
            if !tick.label.isEmpty {
                out.append("<text x=\"\(f(plotLeft - 6))\" y=\"\(f(yy + 4))\" text-anchor=\"end\">\(Self.xml(tick.label))</text>")
            }
        }
        if let x {
            for tick in x.ticks(unit: xUnit) {
                guard let fraction = x.fraction(tick.value) else { continue }
                let xx = plotLeft + plotWidth * fraction
                out.append("<line x1=\"\(f(xx))\" y1=\"\(f(plotTop))\" x2=\"\(f(xx))\" y2=\"\(f(plotTop + plotHeight))\" stroke=\"\(tick.major ? "#dddddd" : "#f2f2f2")\"/>")
                if !tick.label.isEmpty {
                    out.append("<text x=\"\(f(xx))\" y=\"\(f(plotTop + plotHeight + 16))\" text-anchor=\"middle\">\(Self.xml(tick.label))</text>")
                }
            }
        }
        out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop + plotHeight))\" x2=\"\(f(plotLeft + plotWidth))\" y2=\"\(f(plotTop + plotHeight))\" stroke=\"#333333\"/>")
        out.append("<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotTop + plotHeight))\" stroke=\"#333333\"/>")
        // Category labels: at most about 12, evenly picked.
        if x == nil {
            for (i, label) in xLabels.enumerated() where i % every == 0 || i == n - 1 {
                guard let lx = px(i) else { continue }
                if turned {
                    let ly = plotTop + plotHeight + 12
                    out.append("<text x=\"\(f(lx))\" y=\"\(f(ly))\" text-anchor=\"end\" transform=\"rotate(-35 \(f(lx)) \(f(ly)))\">\(Self.xml(label))</text>")
                } else {
                    out.append("<text x=\"\(f(lx))\" y=\"\(f(plotTop + plotHeight + 16))\" text-anchor=\"middle\">\(Self.xml(label))</text>")
                }
            }
        }
        out.append("<text x=\"\(f(plotLeft + plotWidth / 2))\" y=\"\(f(plotTop + plotHeight + labelDepth + 20))\" text-anchor=\"middle\">\(Self.xml(xTitle))</text>")
        let yTitleText = y.kind == .logarithmic ? yTitle + " (log scale)" : yTitle
        out.append("<text x=\"16\" y=\"\(f(plotTop + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(plotTop + plotHeight / 2)))\">\(Self.xml(yTitleText))</text>")

        for (k, s) in shown.enumerated() {
            let colour = Self.palette[k % Self.palette.count].hex
            switch style {
            case .line:
                // A point a log axis cannot place breaks the line instead of dropping to the floor.
                var runs: [[(x: Double, y: Double)]] = [[]]
                for (i, v) in s.values.enumerated() {
                    if let xx = px(i), let yy = py(v) { runs[runs.count - 1].append((xx, yy)) } else if !(runs.last?.isEmpty ?? true) { runs.append([]) }
                }
                for run in runs where !run.isEmpty {
                    if run.count == 1, let point = run.first {
                        // A point alone between two gaps: a line through it would draw nothing.
                        out.append("<circle cx=\"\(f(point.x))\" cy=\"\(f(point.y))\" r=\"2.5\" fill=\"\(colour)\"/>")
                    } else {
                        let points = run.map { "\(f($0.x)),\(f($0.y))" }.joined(separator: " ")
                        out.append("<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>")
                    }
                }
            case .bar:
                let slot = plotWidth / Double(n), barWidth = slot * 0.8 / Double(max(shown.count, 1))
                for (i, v) in s.values.enumerated() {
                    let left = plotLeft + slot * Double(i) + slot * 0.1 + barWidth * Double(k)
                    let top = py(v) ?? plotTop + plotHeight
                    out.append("<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(barWidth))\" height=\"\(f(plotTop + plotHeight - top))\" fill=\"\(colour)\"/>")
                    out.append("<text x=\"\(f(left + barWidth / 2))\" y=\"\(f(top - 4))\" text-anchor=\"middle\">\(Self.xml(Self.number(v)))</text>")
                }
            }
        }
        var ly = plotTop + 8
        for (i, entry) in legend.enumerated() {
            if let colour = entry.colour {
                if i > 0 { ly += 6 }
                out.append("<rect x=\"\(f(legendX))\" y=\"\(f(ly - 8))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>")
            }
            let look = entry.note ? " fill=\"#666666\" font-style=\"italic\"" : ""
            out.append("<text x=\"\(f(legendX + 18))\" y=\"\(f(ly + 2))\"\(look)>\(Self.xml(entry.text))</text>")
            ly += 16
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// Text inside SVG: the five XML specials escaped; invisible characters (bidi controls,
    /// zero-width and other format characters, noncharacters XML forbids) shown as
    /// `<U+202E>` (`InvisibleText`); control characters become spaces.
    static func xml(_ text: String) -> String {
        var out = ""
        for scalar in InvisibleText.reveal(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
