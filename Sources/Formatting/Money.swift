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
        /// Whole dollars: `$789`, `$18,936` (a table column that has any amount of $10,000 or more).
        case whole
    }

    /// `amount` rounded to the cent, half away from zero ($1.005 → $1.01, -$1.005 → -$1.01): the
    /// one rounding every printed amount and every money threshold uses.
    public static func cents(_ amount: Decimal) -> Decimal {
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, 2, .plain)
        return rounded
    }

    /// A `Double` amount rounded to the cent as it is printed (0 for a non-finite one).
    public static func cents(_ amount: Double) -> Decimal { cents(decimal(amount) ?? 0) }

    /// An amount held as a `Double`, as the decimal it is written as (its shortest text, which
    /// is also what the result JSON holds): 1.005 is $1.005, not the binary 1.00499999….
    public static func decimal(_ amount: Double) -> Decimal? {
        guard amount.isFinite else { return nil }
        return Decimal(string: "\(amount)", locale: Locale(identifier: "en_US_POSIX"))
    }

    /// An amount in `style`, rounded half away from zero; no `-` on an amount that rounds to zero.
    public static func usd(_ amount: Decimal, _ style: MoneyStyle) -> String {
        usd(amount, places: style == .whole || (style == .compact && abs(amount) >= 10_000) ? 0 : 2, signed: style == .signed)
    }

    /// An amount to 0 or 2 decimal places, rounded half away from zero.
    private static func usd(_ amount: Decimal, places: Int, signed: Bool) -> String {
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
        return signed ? "+" + text : text
    }

    /// An amount held as a `Double` (placement's sums), written as the same amount in `Decimal` would be.
    public static func usd(_ amount: Double, _ style: MoneyStyle) -> String {
        guard let exact = decimal(amount) else { return "–" }
        return usd(exact, style)
    }

    /// How a table column's amounts are written, alike in every row: `.whole` when `.compact`
    /// would drop the cents of any of them (an amount of $10,000 or more), else `.cents`, so a
    /// column never mixes `$8,679.00` with `$18,936`. Text that quotes the column's figures uses it too.
    public static func columnStyle(_ amounts: [Double?]) -> MoneyStyle {
        amounts.contains { $0.flatMap(decimal).map { abs($0) >= 10_000 } ?? false } ? .whole : .cents
    }

    /// A table column's amounts in its `columnStyle`; a nil or non-finite amount is written "–".
    public static func usdColumn(_ amounts: [Double?]) -> [String] {
        let style = columnStyle(amounts)
        return amounts.map { $0.map { usd($0, style) } ?? "–" }
    }
}
