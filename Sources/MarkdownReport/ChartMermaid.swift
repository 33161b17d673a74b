import Foundation
import Results

/// A chart as a mermaid `xychart-beta` block and the legend line written under it.
///
/// Mermaid's xychart has neither a logarithmic axis nor a legend. The x axis is always the
/// chart's labels as categories, evenly spaced: the break-even volumes are 1-2-5 steps a decade,
/// so even spacing stays within a tenth of a decade of a log axis, and every label says its
/// volume. A logarithmic y axis whose values span two orders of magnitude or more is drawn as
/// the values' log10, the axis titled so (`log10 of …, 3 = 1,000`): plotted as they are, every
/// cloud target below 1 % of the on-prem curve would sit on the zero line, indistinguishable,
/// and the crossings a reader looks for would not show. A log10 axis keeps their order and
/// where they cross; the SVG draws the same curves on a true logarithmic axis with readable
/// ticks. The colours are set (`plotColorPalette`) to `Chart.palette`, so the legend line can
/// name each line's colour.
extension Chart {
    var mermaid: String {
        let shown = drawn
        let colours = shown.indices.map { Self.palette[$0 % Self.palette.count].hex }.joined(separator: ", ")
        var lines = ["```mermaid", "---", "config:", "  themeVariables:", "    xyChart:",
                     "      plotColorPalette: \"\(colours)\"", "---", "xychart-beta"]
        lines.append("    title \(Self.quoted(title))")
        lines.append("    x-axis \(Self.quoted(xTitle)) [\(xLabels.map(Self.quoted).joined(separator: ", "))]")
        let keyword = style == .bar ? "bar" : "line"
        if let range = mermaidLogRange {
            let (low, high) = range
            lines.append("    y-axis \(Self.quoted("log10 of \(yTitle) (\(logExamples(low, high)))")) \(Self.number(low)) --> \(Self.number(high))")
            for s in shown {
                // Zero has no logarithm: it sits at the foot of the axis (the note under the chart says so).
                let values = s.values.map { $0 > 0 && $0.isFinite ? max(log10($0), low) : low }
                lines.append("    \(keyword) [\(values.map { Self.number($0) }.joined(separator: ", "))]")
            }
        } else {
            lines.append("    y-axis \(Self.quoted(yTitle)) 0 --> \(Self.number(yMax))")
            for s in shown {
                lines.append("    \(keyword) [\(s.values.map { Self.number($0) }.joined(separator: ", "))]")
            }
        }
        lines.append("```")
        return lines.joined(separator: "\n")
    }

    /// The whole powers of ten the mermaid axis runs between, when it plots log10 values: a
    /// logarithmic chart whose positive values span a factor of 100 or more.
    var mermaidLogRange: (Double, Double)? {
        guard style == .line, yScale == .logarithmic else { return nil }
        let positive = series.flatMap(\.values).filter { $0.isFinite && $0 > 0 }
        guard let low = positive.min(), let high = positive.max(), high / low >= 100 else { return nil }
        return (floor(log10(low)), ceil(log10(high)))
    }

    /// `1 = 10, 3 = 1,000`: two readings of the log10 axis, at its second and its top value.
    func logExamples(_ low: Double, _ high: Double) -> String {
        let a = Int(low) + 1, b = Int(high)
        return "\(a) = \(ChartAxis.powerOfTen(a)), \(b) = \(ChartAxis.powerOfTen(b))"
    }

    /// Which colour is which series, in drawing order; nil for a single series (the title says
    /// what it is). Names are report text, escaped for markdown.
    var legendLine: String? {
        let shown = drawn
        guard shown.count > 1 || shown.first.map({ $0.names.count > 1 }) == true else { return nil }
        let entries = shown.enumerated().map { k, s in
            let colour = Self.palette[k % Self.palette.count]
            let names = s.names.map(Text.md)
            let joined = names.count > 2 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
                : names.joined(separator: " and ")
            let spread = s.names.count > 1 ? " (" + (s.spread ?? "identical") + ")" : ""
            return "\(colour.swatch) \(colour.name): \(joined)\(spread)"
        }
        return (style == .bar ? "Bars: " : "Lines: ") + entries.joined(separator: "; ") + "."
    }

    /// A title or label inside a mermaid block, in double quotes. Inside them mermaid ends the
    /// text only at a double quote or a line break; those become `'` and a space. A backtick
    /// first would make it a markdown string, `%%{` anywhere opens a directive that reconfigures
    /// the diagram, `<` `>` could be read as HTML by a renderer with HTML labels: they become
    /// `'`, `% %` and `‹` `›`. Invisible characters show as `‹U+202E›` (`InvisibleText`);
    /// control characters become spaces.
    static func quoted(_ text: String) -> String {
        var clean = ""
        for scalar in InvisibleText.reveal(text).unicodeScalars {
            switch scalar {
            case "\"", "`": clean += "'"
            case "<": clean += "‹"
            case ">": clean += "›"
            case "%": clean += clean.hasSuffix("%") ? " %" : "%"
            default:
                if scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    clean += " "
                } else {
                    clean.unicodeScalars.append(scalar)
                }
            }
        }
        return "\"" + clean + "\""
    }
}
