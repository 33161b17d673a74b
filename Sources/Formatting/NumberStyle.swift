import Foundation

extension Numbers {
    /// How a plain figure (a size, a setting, a factor) is written.
    public enum NumberStyle: Sendable {
        /// Three significant digits, whole and grouped from 1,000: `0.25`, `12.5`, `338`, `1,234`.
        case significant
        /// Up to two decimals without trailing zeros, grouped: `10`, `2.5`, `0.25`, `2,048`.
        case trimmed
        /// A scale factor: two decimals below 1, one below 10, whole above: `0.25`, `2.5`, `1,000`.
        case factor
    }

    /// A plain figure in `style`; `–` when it is not finite.
    public static func number(_ value: Double, _ style: NumberStyle) -> String {
        guard value.isFinite else { return "–" }
        switch style {
        case .significant:
            if abs(value) >= 1000 { return count(value) }
            if abs(value) >= 100 { return String(format: "%.0f", value) }
            if abs(value) >= 10 { return String(format: "%.1f", value) }
            return String(format: "%.2f", value)
        case .trimmed:
            var text = String(format: "%.2f", value)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text == "-0" ? "0" : grouped(text)
        case .factor:
            return grouped(String(format: value >= 10 ? "%.0f" : value >= 1 ? "%.1f" : "%.2f", value))
        }
    }
}
