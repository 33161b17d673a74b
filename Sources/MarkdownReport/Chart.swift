import Foundation

/// A chart with one or more numeric series over an x axis of categories (evenly spaced) or of
/// numbers (on a logarithmic axis), drawn twice: as a mermaid `xychart-beta` block (GitHub
/// renders it inline, `ChartMermaid.swift`) and as a standalone SVG file (`ChartSVG.swift`).
/// Series that would draw the same line are drawn once, named for all of them; a chart whose
/// every value is the same is not drawn at all but said in one sentence (`flatSentence`).
struct Chart {
    enum Style { case line, bar }
    enum Scale { case linear, logarithmic }

    struct Series {
        /// One name, or several when series that draw the same line were merged.
        var names: [String]
        var values: [Double]
        /// For merged series that are not exactly equal: how far apart they are at most.
        var spread: String?

        init(name: String, values: [Double]) {
            names = [name]
            self.values = values
        }
    }

    /// Names the SVG file (`<report>-<slug>.svg`).
    var slug: String
    var title: String
    var xTitle: String
    var yTitle: String
    /// One label a point; in mermaid the x axis is always these categories.
    var xLabels: [String]
    /// Where the points sit on a logarithmic x axis (the SVG's); nil: categories evenly spaced.
    var xValues: [Double]? = nil
    /// Appended to the SVG's tick labels on a logarithmic x axis (`×` for `10×`).
    var xUnit: String = ""
    /// A logarithmic y axis applies to lines; bars always start at zero.
    var yScale: Scale = .linear
    var series: [Series]
    var style: Style = .line
    /// The sentence said instead of the chart when every value is the same, given that value.
    var whenFlat: ((String) -> String)? = nil

    /// The palette: colours a reader can name, each with the square emoji that shows it in the
    /// markdown legend (mermaid's xychart has no legend). A chart has at most this many series;
    /// sections split larger sets into several charts.
    static let palette: [(hex: String, name: String, swatch: String)] = [
        ("#1f77b4", "blue", "🟦"), ("#ff7f0e", "orange", "🟧"), ("#2ca02c", "green", "🟩"), ("#d62728", "red", "🟥"),
        ("#9467bd", "purple", "🟪"), ("#8c564b", "brown", "🟫"), ("#222222", "black", "⬛"), ("#e6b800", "yellow", "🟨"),
    ]

    /// Two series are drawn as one when at every point they are closer than this share of the
    /// axis: 2.6 px of the SVG's 260 px plot, about a line's 2 px width, so the line drawn last
    /// would hide the other along its whole length. The legend says how far apart they are.
    static let coincidence = 0.01

    /// The y axis the SVG draws: from zero for a linear one, between powers of ten for a
    /// logarithmic one (bars are always linear).
    var yAxis: ChartAxis {
        ChartAxis(kind: style == .line ? yScale : .linear, values: series.flatMap(\.values))
    }

    /// The x axis when it is numeric.
    var xAxis: ChartAxis? { xValues.map { ChartAxis(kind: .logarithmic, values: $0) } }

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

    /// The series as drawn: those that coincide (`coincidence`) merged into the first of them,
    /// named for all, in the order given.
    var drawn: [Series] {
        let axis = yAxis
        var groups: [Series] = []
        var widest: [Double] = []
        for s in series {
            if let k = groups.indices.first(where: { Self.coincide(groups[$0].values, s.values, on: axis) }) {
                groups[k].names += s.names
                widest[k] = max(widest[k], Self.distance(groups[k].values, s.values, on: axis))
            } else {
                groups.append(s)
                widest.append(0)
            }
        }
        for k in groups.indices where groups[k].names.count > 1 && widest[k] > 0 {
            groups[k].spread = axis.kind == .logarithmic
                ? "within \(Self.number(widest[k] * 100)) % of each other" : "within \(Self.number(widest[k])) of each other"
        }
        return groups
    }

    static func coincide(_ a: [Double], _ b: [Double], on axis: ChartAxis) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            switch (axis.fraction(x), axis.fraction(y)) {
            case (nil, nil): return true
            case (let fx?, let fy?): return abs(fx - fy) <= coincidence
            default: return false
            }
        }
    }

    /// The largest gap between two coinciding series: in the axis's unit on a linear axis, as a
    /// ratio (0.03 for 3 %) on a logarithmic one.
    static func distance(_ a: [Double], _ b: [Double], on axis: ChartAxis) -> Double {
        zip(a, b).map { x, y in
            guard x.isFinite, y.isFinite else { return 0 }
            if axis.kind == .logarithmic { return x > 0 && y > 0 ? max(x, y) / min(x, y) - 1 : 0 }
            return abs(x - y)
        }.max() ?? 0
    }

    /// The one value every point has, when they all have the same (nil otherwise).
    var flatValue: Double? {
        let values = series.flatMap(\.values)
        guard let first = values.first, first.isFinite, values.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// What the report says instead of a chart whose every bar or point is the same.
    var flatSentence: String? {
        guard let value = flatValue else { return nil }
        let text = Self.number(value)
        return whenFlat?(text) ?? "\(title): every \(style == .bar ? "bar" : "point") is \(text), so no chart is drawn."
    }

    /// True when a logarithmic axis has values it cannot place (zero or less).
    var hasValuesOffLogAxis: Bool {
        (yAxis.kind == .logarithmic && series.contains { $0.values.contains { $0 <= 0 } })
            || (xValues?.contains { $0 <= 0 } ?? false)
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

    /// The chart as markdown: the mermaid block, the legend and notes under it, and the link to
    /// its SVG file.
    func markdown(svgFile: String) -> String {
        var text = mermaid + "\n\n"
        var under: [String] = []
        if let legend = legendLine { under.append(legend) }
        if hasValuesOffLogAxis {
            under.append("Zero has no place on a logarithmic scale: the SVG leaves those points out and the mermaid chart draws them at the foot of its axis.")
        }
        under.append("[Chart as SVG](\(svgFile))")
        text += under.joined(separator: " ")
        return text
    }
}
