import Foundation

/// Every figure Placer shows a person — money, counts, shares, times — written by one set of
/// rules with named styles: no locale (the same figure gives the same bytes on every machine),
/// thousands grouped with `,`, negatives with `-`, so the same figure reads the same in the
/// terminal, the markdown report and the CI comment.
public enum Numbers {
    /// Inserts thousands separators into a plain number's text: `-1234567.5` → `-1,234,567.5`.
    public static func grouped(_ text: String) -> String {
        var digits = Substring(text), fraction = ""
        if let dot = text.firstIndex(of: ".") { digits = text[..<dot]; fraction = String(text[dot...]) }
        var sign = ""
        if digits.hasPrefix("-") { sign = "-"; digits = digits.dropFirst() }
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return sign + out + fraction
    }

    /// A whole number, grouped: `1,514,931`, `-12`.
    public static func count(_ n: Int) -> String { grouped(String(n)) }

    /// A measured quantity rounded to a whole number, grouped; `–` when it is not finite.
    public static func count(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 9e18 else { return "–" }
        return count(Int(value.rounded()))
    }

    /// A count with its noun, plural unless it is one: `1 row`, `1,234 rows`.
    public static func counted(_ n: Int, _ noun: String) -> String { "\(count(n)) \(noun)\(n == 1 ? "" : "s")" }

    /// A rounded quantity with its noun: `1 server`, `3 servers`.
    public static func counted(_ value: Double, _ noun: String) -> String {
        "\(count(value)) \(noun)\(value.isFinite && Int(exactly: value.rounded()) == 1 ? "" : "s")"
    }

    /// `digits` significant digits, grouped: `significant(0.011255, digits: 3)` → `0.0113`, `2.35`;
    /// `significant(4696.4, digits: 2)` → `4,700`; `0` stays `0`.
    public static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "–" }
        guard value != 0 else { return "0" }
        let magnitude = Int(log10(abs(value)).rounded(.down))
        let places = digits - 1 - magnitude
        if places >= 0 { return fixed(value, places) }
        let unit = pow(10, Double(-places))
        return count((value / unit).rounded() * unit)
    }

    /// A decimal with a fixed number of places, grouped: `fixed(1234.5, 2)` → `1,234.50`.
    public static func fixed(_ value: Double, _ places: Int) -> String { grouped(String(format: "%.\(max(0, places))f", value)) }
}
