import Foundation

extension Numbers {
    /// How a share or a change in percent is written.
    public enum PercentStyle: Sendable {
        /// One decimal: `45.2 %` (the terminal's tables).
        case oneDecimal
        /// Two decimals below 10 %, one above, and `0 %`, `<0.01 %`: `2.13 %`, `45.2 %` (the report).
        case adaptive
        /// Two decimals, no space, as thresholds are written: `2.13%` (compare).
        case compact
        /// A change, signed, one decimal, no space: `+21.6%`, `-3.0%`, `0.0%`; `from zero`, `to zero`.
        case signedChange
    }

    /// A share (0.452 is 45.2 %) in `style`.
    public static func percent(_ ratio: Double, _ style: PercentStyle) -> String { percent(points: ratio * 100, style) }

    /// A figure already in percent points (45.2 is 45.2 %) in `style`.
    public static func percent(points p: Double, _ style: PercentStyle) -> String {
        switch style {
        case .oneDecimal:
            return String(format: "%.1f %%", p)
        case .adaptive:
            guard p.isFinite else { return "–" }
            if p == 0 { return "0 %" }
            if abs(p) < 0.01 { return "<0.01 %" }
            return String(format: abs(p) < 10 ? "%.2f %%" : "%.1f %%", p)
        case .compact:
            return String(format: "%.2f%%", p)
        case .signedChange:
            if p.isInfinite { return p > 0 ? "from zero" : "to zero" }
            let text = String(format: "%+.1f%%", p)
            return text == "+0.0%" || text == "-0.0%" ? "0.0%" : text
        }
    }
}
