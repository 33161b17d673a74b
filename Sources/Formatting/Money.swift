import Foundation

extension Numbers {
    /// How an amount of US dollars is written.
    public enum MoneyStyle: Sendable {
        /// Always cents: `$1,234.56`, `-$3.10`.
        case cents
        /// Cents below $10,000, whole dollars from there: `$9,999.99`, `$12,346` (the report's tables).
        case compact
        /// A change, signed: `+$2.66`, `-$0.40`, `$0.00`.
        case signed
    }

    /// An amount in `style`, rounded half away from zero; no `-` on an amount that rounds to zero.
    public static func usd(_ amount: Decimal, _ style: MoneyStyle) -> String {
        let places = style == .compact && abs(amount) >= 10_000 ? 0 : 2
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, places, .plain)
        let units = NSDecimalNumber(decimal: abs(rounded) * (places == 2 ? 100 : 1)).int64Value
        var text = "$" + count(Int(units / (places == 2 ? 100 : 1)))
        if places == 2 {
            let cents = units % 100
            text += (cents < 10 ? ".0" : ".") + String(cents)
        }
        if units == 0 { return text }
        if rounded < 0 { return "-" + text }
        return style == .signed ? "+" + text : text
    }

    /// An amount held as a `Double` (placement's sums), written as the same amount in `Decimal` would be.
    public static func usd(_ amount: Double, _ style: MoneyStyle) -> String {
        guard amount.isFinite else { return "–" }
        return usd(Decimal(amount), style)
    }
}
