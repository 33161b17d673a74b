import Foundation

/// Fixed number formats for the report (no locale: the same figures give the same bytes).
enum Numbers {
    /// `$1,234.56`; amounts of $10,000 and more without cents.
    static func usd(_ amount: Decimal) -> String { usd(NSDecimalNumber(decimal: amount).doubleValue) }

    static func usd(_ amount: Double) -> String {
        let negative = amount < 0
        let value = abs(amount)
        let text = value >= 10_000 ? grouped(String(format: "%.0f", value)) : grouped(String(format: "%.2f", value))
        return (negative ? "−$" : "$") + text
    }

    /// `1,514,931`.
    static func count(_ n: Int) -> String { (n < 0 ? "−" : "") + grouped(String(abs(n))) }

    static func count(_ value: Double) -> String { count(Int(value.rounded())) }

    /// `1 server`, `3 servers`.
    static func plural(_ n: Double, _ word: String) -> String {
        "\(count(n)) \(word)\(Int(n.rounded()) == 1 ? "" : "s")"
    }

    /// `0.63 %`; small rates keep two significant decimals.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "–" }
        let p = ratio * 100
        if p == 0 { return "0 %" }
        if abs(p) < 0.01 { return "<0.01 %" }
        return String(format: abs(p) < 10 ? "%.2f %%" : "%.1f %%", p)
    }

    /// Milliseconds: `338 ms`, `60.2 s`.
    static func ms(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value >= 10_000 { return String(format: "%.1f s", value / 1000) }
        if value >= 10 { return grouped(String(format: "%.0f", value)) + " ms" }
        return String(format: "%.1f ms", value)
    }

    /// A plain decimal with a fixed number of places, grouped.
    static func fixed(_ value: Double, _ places: Int) -> String { grouped(String(format: "%.\(places)f", value)) }

    /// A trace's span: `3.0 hours`, `2.00 days`.
    static func span(days: Double) -> String {
        days < 1 ? String(format: "%.1f hours", days * 24) : String(format: "%.2f days", days)
    }

    /// Inserts thousands separators into a plain number text.
    static func grouped(_ text: String) -> String {
        var digits = Substring(text), fraction = ""
        if let dot = text.firstIndex(of: ".") { digits = text[..<dot]; fraction = String(text[dot...]) }
        var sign = ""
        if digits.hasPrefix("-") { sign = "−"; digits = digits.dropFirst() }
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return sign + out + fraction
    }
}
