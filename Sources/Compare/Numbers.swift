import Foundation

/// Fixed number formats for the diff (no locale: the same bytes everywhere).
enum Numbers {
    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A number with up to two decimals and no trailing zeros: `10`, `2.5`, `0.25`.
    static func plain(_ v: Double) -> String {
        var text = String(format: "%.2f", v)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func rounded(_ d: Decimal, _ places: Int) -> Decimal {
        var value = d, out = Decimal()
        NSDecimalRound(&out, &value, places, .plain)
        return out
    }

    /// `$1,234.56` (`-$3.10` when negative).
    static func money(_ d: Decimal) -> String {
        let r = rounded(d, 2)
        let cents = NSDecimalNumber(decimal: r * 100).int64Value
        let whole = Int(cents.magnitude / 100), frac = Int(cents.magnitude % 100)
        return (cents < 0 ? "-" : "") + "$" + grouped(whole) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// `+$2.66`, `-$0.40`, `$0.00`.
    static func signedMoney(_ d: Decimal) -> String {
        let r = rounded(d, 2)
        if r > 0 { return "+" + money(r) }
        return money(r)
    }

    /// `+21.6%`, `-3.0%`, `0.0%`, `new` (from zero).
    static func signedPercent(_ p: Double) -> String {
        if p.isInfinite { return p > 0 ? "from zero" : "to zero" }
        let text = String(format: "%+.1f%%", p)
        return text == "+0.0%" || text == "-0.0%" ? "0.0%" : text
    }

    /// A latency: one decimal under 100 ms, whole milliseconds above.
    static func ms(_ v: Double) -> String {
        v < 100 ? String(format: "%.1f", v) : grouped(Int(v.rounded()))
    }

    static func signedMs(_ v: Double) -> String {
        let text = abs(v) < 100 ? String(format: "%+.1f", v) : (v >= 0 ? "+" : "-") + grouped(Int(abs(v).rounded()))
        return text == "+0.0" || text == "-0.0" ? "0.0" : text
    }

    /// `+$2.66 (+21.6%)`, or `n/a` when a side is missing.
    static func moneyChange(_ c: Change<Decimal>) -> String {
        guard let delta = c.delta, let percent = c.percent else { return "n/a" }
        return "\(signedMoney(delta)) (\(signedPercent(percent)))"
    }

    /// `+12.0 ms (+4.1%)`.
    static func latencyChange(_ c: Change<Double>) -> String {
        guard let delta = c.delta, let percent = c.percent else { return "n/a" }
        return "\(signedMs(delta)) ms (\(signedPercent(percent)))"
    }

    /// A cold-start rate, `2.13%`.
    static func rate(_ r: Double) -> String { String(format: "%.2f%%", r * 100) }
}
